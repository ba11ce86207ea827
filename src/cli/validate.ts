/**
 * `knooppunt validate FILE…`: an integrator's pre-flight check (issue 6 §2). Each file is a StUF-GGk envelope
 * (Di01/Du01; a Fo01 is only parsed) or a bare iWmo/iJw 3.x message. Every hub check that needs no registry or
 * sender identity runs — size (IB007), envelope structure (RIN001), UUIDs (IB009), payload (StUF055),
 * functie ↔ berichtcode ↔ BerichtCode (IB240) — and each problem prints Fo01-style: `FILE: CODE element: rule`.
 * Exit code 0 when every file is valid, 1 otherwise.
 */
import { readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { SaxesParser } from 'saxes';
import { validatePayload } from '../istandaarden/validate.js';
import { payloadFout, preflightEnvelope } from '../routing/preflight.js';
import { StufError, stufFoutcodes } from '../stuf/errors.js';
import { GGK_NS, MAX_ENVELOPE_BYTES, STUF_NS } from '../stuf/model.js';

export interface ValidateResult {
  exitCode: 0 | 1;
  lines: string[];
}

const STOP = new Error('root element read');

/** The namespace of the root element (first 64 KiB; no DTD is processed), or undefined when none is readable. */
function rootNamespace(bytes: Buffer): string | undefined {
  const parser = new SaxesParser({ xmlns: true });
  let uri: string | undefined;
  parser.on('error', () => { throw STOP; });
  parser.on('opentag', (tag) => { uri = tag.uri; throw STOP; });
  try {
    parser.write(bytes.subarray(0, 64 * 1024).toString('utf8').replace(/^\uFEFF/, ''));
  } catch (err) {
    if (err !== STOP) throw err;
  }
  return uri;
}

function line(file: string, e: StufError): string {
  return `${file}: ${e.code} ${e.element ?? '-'}: ${e.toelichting ?? stufFoutcodes[e.code].omschrijving}`;
}

/** Checks one file; returns its output lines and whether it is valid. */
export function validateFile(file: string): { valid: boolean; lines: string[] } {
  let bytes: Buffer;
  try {
    const size = statSync(file).size;
    if (size > MAX_ENVELOPE_BYTES) {
      return { valid: false, lines: [line(file, new StufError('IB007', `Bestand is ${size} bytes, maximaal ${MAX_ENVELOPE_BYTES} bytes toegestaan`))] };
    }
    bytes = readFileSync(file);
  } catch (err) {
    return { valid: false, lines: [`${file}: cannot read: ${(err as Error).message}`] };
  }
  const ns = rootNamespace(bytes);
  const stuf = ns === STUF_NS || ns === GGK_NS || /^http:\/\/www\.stufstandaarden\.nl\/koppelvlak\//.test(ns ?? '');
  if (stuf) {
    const result = preflightEnvelope(bytes);
    if (result.problems.length > 0) return { valid: false, lines: result.problems.map((p) => line(file, p)) };
    if (result.kind === 'fo01') return { valid: true, lines: [`${file}: OK Fo01Bericht ${result.fo01.body.code}`] };
    if (result.kind === 'envelop') {
      return { valid: true, lines: [`${file}: OK ${result.envelop.element} ${result.envelop.stuurgegevens.functie}`] };
    }
  }
  const validation = validatePayload(bytes);
  if (!validation.valid) return { valid: false, lines: validation.problems.map((p) => line(file, payloadFout(p))) };
  return { valid: true, lines: [`${file}: OK ${validation.berichttype} (${validation.version})`] };
}

/** Checks every file (pure apart from reading them): all output lines and the exit code. */
export function validateFiles(paths: string[]): ValidateResult {
  const lines: string[] = [];
  let ok = true;
  for (const file of paths) {
    const r = validateFile(file);
    lines.push(...r.lines);
    ok &&= r.valid;
  }
  return { exitCode: ok ? 0 : 1, lines };
}

export function registerValidate(program: Command): void {
  program.command('validate')
    .description('pre-flight check of StUF-GGk envelopes (Di01/Du01) or bare iWmo/iJw 3.x messages: every hub check that needs no registry; problems print Fo01-style "FILE: CODE element: rule"; exit 0 when all are valid')
    .argument('<files...>', 'XML files')
    .action((files: string[]) => {
      const { exitCode, lines } = validateFiles(files);
      for (const l of lines) (l.includes(': OK ') ? console.log : console.error)(l);
      process.exitCode = exitCode;
    });
}
