import { parseStufMessage } from '../../src/stuf/index.js';
import type { Node } from './harness.js';

/**
 * Shared parts of the crash tests: a seeded random source (replay a failing run with KP_CRASH_SEED=<seed>), and a
 * killer that SIGKILLs and restarts a node at random moments until told to stop.
 */
export function crashSeed(): number {
  const env = process.env.KP_CRASH_SEED;
  return env ? Number(env) >>> 0 : Math.floor(Math.random() * 2 ** 32);
}

/** mulberry32: a small deterministic PRNG, uniform in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Killer {
  /** Resolves with the number of kills once stopped (by stop() or after maxKills) and the node is up again. */
  done: Promise<number>;
  kills(): number;
  stop(): void;
}

/**
 * SIGKILL `node` after a random 1–5 s of running, restart it after a random 0–0.3 s, again and again until stop()
 * or `maxKills`. The moments are random in time, so over a run they land anywhere in the delivery: while messages
 * are queued, sent, stored, acknowledged, routed. The node runs long enough between kills to make progress.
 */
export function startKiller(node: Node, random: () => number, maxKills = 20): Killer {
  let stopped = false;
  let kills = 0;
  let wake: (() => void) | null = null;
  const sleep = (ms: number) => new Promise<void>((r) => { const t = setTimeout(r, ms); wake = () => { clearTimeout(t); r(); }; });
  const run = (async () => {
    while (!stopped && kills < maxKills) {
      await sleep(1000 + random() * 4000);
      if (stopped) break;
      await node.kill('SIGKILL');
      kills++;
      await new Promise((r) => setTimeout(r, random() * 300));
      await node.start();
    }
    return kills;
  })();
  run.catch(() => { /* reported through done */ });
  return { done: run, kills: () => kills, stop: () => { stopped = true; wake?.(); } };
}

interface Pulled { id: string; messageId: string; action: string; cpaId: string; parts?: { content?: string }[] }

/**
 * The application behind an adapter (or the receiving MSH): pulls what is unprocessed, confirms each message, and
 * counts what it got — by ebMS MessageId, or for StUF by referentienummer (a forward gets a new MessageId). A
 * Fo01Bericht is collected apart. While its node is down (SIGKILLed), a pull simply finds nothing.
 */
export class Application {
  readonly count = new Map<string, number>();
  readonly fo01: string[] = [];
  readonly node: Node;
  readonly by: 'messageId' | 'referentienummer';
  /** Only messages over this CPA (others belong to other tests). */
  readonly cpaId: string | undefined;
  /** Confirmations whose answer was lost (the node died): message id → key, settled by settle(). */
  readonly #uncertain = new Map<string, string>();
  constructor(node: Node, by: 'messageId' | 'referentienummer', cpaId?: string) {
    this.node = node;
    this.by = by;
    this.cpaId = cpaId;
  }

  /** Confirmed exactly once at the application. */
  once(): number {
    return [...this.count.values()].filter((c) => c === 1).length;
  }

  async pullOnce(): Promise<number> {
    let got: Pulled[];
    try {
      const r = await this.node.api<{ messages: Pulled[] }>('GET', '/api/messages/unprocessed?limit=200');
      if (r.status !== 200) return 0;
      got = r.body.messages.filter((m) => this.cpaId === undefined || m.cpaId === this.cpaId);
    } catch {
      return 0; // the node is down
    }
    let n = 0;
    for (const m of got) {
      try {
        let key = m.messageId;
        if (this.by === 'referentienummer') {
          const full = (await this.node.api<Pulled>('GET', `/api/messages/${m.id}?parts=true`)).body;
          const stuf = parseStufMessage(Buffer.from(full.parts![0]!.content!, 'base64'));
          if (m.action === 'Fo01Bericht') {
            const ok = await this.node.api('PATCH', `/api/messages/${m.id}`, { processed: true });
            if (ok.status === 200) this.fo01.push(`Fo01 for ${stuf.stuurgegevens.crossRefnummer ?? '?'}: ${JSON.stringify('body' in stuf ? stuf.body : null)}`);
            continue;
          }
          key = stuf.stuurgegevens.referentienummer;
        }
        this.#uncertain.set(m.id, key);
        const ok = await this.node.api('PATCH', `/api/messages/${m.id}`, { processed: true });
        this.#uncertain.delete(m.id);
        if (ok.status !== 200) continue;
        this.count.set(key, (this.count.get(key) ?? 0) + 1);
        n++;
      } catch {
        return n; // the node went down meanwhile; an unconfirmed message stays unprocessed and is pulled again
      }
    }
    return n;
  }

  /**
   * After the run: a confirmation whose answer was lost in a kill counts when the message did get PROCESSED (and
   * was not pulled and counted again since).
   */
  async settle(): Promise<void> {
    for (const [id, key] of this.#uncertain) {
      const m = (await this.node.api<{ status: string }>('GET', `/api/messages/${id}`)).body;
      if (m.status === 'PROCESSED' && !this.count.has(key)) this.count.set(key, 1);
    }
    this.#uncertain.clear();
  }
}

/** Resends recognised as duplicates (ebMS 2.0 §6.4.1): DUPLICATE events on a node's inbound business messages. */
export async function duplicatesAt(n: Node, cpaId: string): Promise<number> {
  let d = 0;
  for (let cursor = ''; ;) {
    const page = (await n.api<{ messages: { id: string }[]; nextCursor: string | null }>('GET', `/api/messages?direction=in&kind=business&cpaId=${encodeURIComponent(cpaId)}&limit=1000${cursor}`)).body;
    for (const m of page.messages) {
      const full = (await n.api<{ events: { event: string }[] }>('GET', `/api/messages/${m.id}`)).body;
      d += full.events.filter((e) => e.event === 'DUPLICATE').length;
    }
    if (!page.nextCursor) return d;
    cursor = `&cursor=${page.nextCursor}`;
  }
}
