/**
 * The demo's readable timeline: one line per observed event — time since the start, who → who, what, status.
 * The scenario only talks to a DemoPrinter, so the CLI prints to the terminal and the test collects quietly.
 */

export interface TimelineEntry {
  /** Milliseconds since the scenario started. */
  ms: number;
  /** "gemeente 0363 → hub", "hub", … */
  who: string;
  what: string;
  status: string;
  /** A failed step (the scenario stops after it). */
  failed?: boolean;
}

export interface DemoPrinter {
  /** A heading between groups of steps. */
  heading(text: string): void;
  entry(e: TimelineEntry): void;
}

const WHO = 30;
const WHAT = 44;

function pad(s: string, n: number): string {
  return s.length >= n ? `${s} ` : s.padEnd(n);
}

/** One timeline line, e.g. `   5.21 s  gemeente 0363 → hub   JW301 Toewijzing (Di01)   afgeleverd`. */
export function formatEntry(e: TimelineEntry): string {
  const t = `${(e.ms / 1000).toFixed(2)} s`.padStart(9);
  return `${t}  ${e.failed ? '✗ ' : '  '}${pad(e.who, WHO)}${pad(e.what, WHAT)}${e.status}`;
}

export function formatHeader(): string {
  return `${'tijd'.padStart(9)}    ${pad('van → naar', WHO)}${pad('wat', WHAT)}status`;
}

/** Prints to a stream (default stdout). */
export function consolePrinter(write: (s: string) => void = (s) => { process.stdout.write(s); }): DemoPrinter {
  let headerDone = false;
  return {
    heading(text) {
      write(`\n${text}\n`);
      if (!headerDone) { write(`${formatHeader()}\n`); headerDone = true; }
    },
    entry(e) { write(`${formatEntry(e)}\n`); },
  };
}

/** Prints nothing; keeps the entries (tests). */
export function quietPrinter(): DemoPrinter & { entries: TimelineEntry[]; headings: string[] } {
  const entries: TimelineEntry[] = [];
  const headings: string[] = [];
  return { entries, headings, heading(text) { headings.push(text); }, entry(e) { entries.push(e); } };
}
