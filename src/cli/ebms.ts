import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { GatewayError } from '../errors.js';
import { hubIdentityFromConfig } from '../cpa/hub-identity.js';
import { CpaService } from '../cpa/service.js';
import { createMsh } from '../ebms/msh/factory.js';
import type { Msh } from '../ebms/msh/msh.js';
import { createLogger } from '../log.js';
import { Metrics } from '../metrics.js';
import type { Store } from '../store/store.js';
import { action, addConfigOption, table, withStore, type ConfigOpts } from './common.js';

const STATUSES = ['PENDING', 'SENT', 'DELIVERED', 'FAILED', 'EXPIRED', 'RECEIVED', 'PROCESSED', 'REJECTED', 'QUARANTINED'];

/** A whole number within [min, max], for options like --limit (commander reports the option by name). */
export const intOption = (min: number, max: number) => (v: string): number => {
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
  return Number(v);
};

async function withMsh<T>(opts: ConfigOpts, fn: (msh: Msh, store: Store) => Promise<T>): Promise<T> {
  return withStore(opts, async (store, config) => {
    const logger = createLogger(process.env.KNOOPPUNT_LOG_LEVEL ?? 'warn');
    const cpas = new CpaService({ store, hub: hubIdentityFromConfig(config), logger, allowLegacySha1: config.legacy.sha1 });
    const msh = createMsh(config, { store, cpas, logger, metrics: new Metrics() });
    try {
      return await fn(msh, store);
    } finally {
      await msh.stop();
    }
  });
}

const TYPES: Record<string, string> = { '.xml': 'application/xml', '.txt': 'text/plain', '.json': 'application/json', '.pdf': 'application/pdf' };

/** `FILE[:content-type]` → a payload part. */
function payloadPart(spec: string): { contentType: string; content: Buffer } {
  const m = /^(.*?)(?::([\w.+-]+\/[\w.+-]+))?$/.exec(spec)!;
  const file = m[1]!;
  const ext = /\.[^.]+$/.exec(basename(file))?.[0]?.toLowerCase() ?? '';
  return { contentType: m[2] ?? TYPES[ext] ?? 'application/octet-stream', content: readFileSync(file) };
}

export function registerEbms(program: Command): void {
  addConfigOption(program.command('ping'))
    .description('Ping Pong over a CPA (ebMS 2.0 §8): prints the Pong, the round trip and which side is active; the Pong activates this side\'s copy, and the other party activates its copy by answering. --async needs the knooppunt server running to receive the Pong.')
    .requiredOption('--cpa <id>', 'CPAId')
    .option('--async', 'ask for the Pong on a new connection instead of in the HTTP response')
    .option('--timeout <seconds>', 'how long to wait for an asynchronous Pong', '30')
    .action(action(async (opts: ConfigOpts & { cpa: string; async?: boolean; timeout: string }) => {
      await withMsh(opts, async (msh) => {
        const r = await msh.ping(opts.cpa, { async: opts.async ?? false, timeoutMs: Number(opts.timeout) * 1000 });
        console.log(`Pong ${r.pong.messageId} for Ping ${r.ping.messageId} (${r.sync ? 'sync' : 'async'}) in ${r.roundTripMs.toFixed(1)} ms`);
        console.log(`this side:  CPA ${opts.cpa} is geactiveerd${r.activated ? ' (activated by this Ping Pong)' : ' (was active already)'}`);
        console.log(`other side: ${r.otherParty.partyName ?? r.otherParty.partyId} answered with a Pong; answering a Ping activates its copy (seed 002 §3.3.5)`);
      });
    }));

  addConfigOption(program.command('send'))
    .description('queue a business message over a CPA; the running knooppunt server delivers it (reliably, per the CPA)')
    .requiredOption('--cpa <id>', 'CPAId')
    .requiredOption('--action <action>', 'eb:Action, e.g. envelopHeenbericht-ggk_Di01')
    .requiredOption('--payload <file...>', 'payload part(s): FILE or FILE:content-type (default from the extension), one or more')
    .option('--service <service>', 'eb:Service (default: from the CPA)')
    .option('--conversation-id <id>', 'eb:ConversationId (default: new)')
    .option('--ref-to <messageId>', 'eb:RefToMessageId')
    .action(action(async (opts: ConfigOpts & { cpa: string; action: string; payload: string[]; service?: string; conversationId?: string; refTo?: string }) => {
      await withMsh(opts, async (msh) => {
        const rec = await msh.outbound.send({
          cpaId: opts.cpa, action: opts.action, parts: opts.payload.map(payloadPart),
          ...(opts.service ? { service: opts.service } : {}), ...(opts.conversationId ? { conversationId: opts.conversationId } : {}), ...(opts.refTo ? { refToMessageId: opts.refTo } : {}),
        });
        console.log(`queued ${rec.messageId} (id ${rec.id}, conversation ${rec.conversationId})`);
      });
    }));

  const messages = program.command('messages').description('the message store: every ebMS message in and out, with its history');
  addConfigOption(messages.command('list'))
    .description('list messages, newest first')
    .addOption(new Option('--status <status>', 'only messages with this status').choices(STATUSES))
    .addOption(new Option('--direction <direction>', 'only this direction').choices(['in', 'out']))
    .option('--cpa <id>', 'CPAId')
    .option('--limit <n>', 'at most this many (1-1000)', intOption(1, 1000), 50)
    .option('--json', 'print JSON')
    .action(action(async (opts: ConfigOpts & { status?: 'PENDING'; direction?: 'in' | 'out'; cpa?: string; limit: number; json?: boolean }) => {
      await withStore(opts, async (store) => {
        const list = await store.messages.list({ ...(opts.status ? { status: opts.status } : {}), ...(opts.direction ? { direction: opts.direction } : {}), ...(opts.cpa ? { cpaId: opts.cpa } : {}), limit: opts.limit });
        if (opts.json) { console.log(JSON.stringify(list.map(({ raw: _r, ...m }) => m), null, 2)); return; }
        if (list.length === 0) { console.error('no messages'); return; }
        table(['CREATED', 'DIR', 'STATUS', 'ACTION', 'MESSAGEID', 'ID'], list.map((m) => [m.createdAt, m.direction, m.status, m.action, m.messageId, m.id]));
      });
    }));
  addConfigOption(messages.command('release'))
    .description('release a QUARANTINED (poison) message: back to RECEIVED with its attempts reset; the running hub processes it again at its next catch-up (within a minute or at start)')
    .argument('<id>', 'id or MessageId')
    .action(action(async (id: string, opts: ConfigOpts) => {
      await withStore(opts, async (store) => {
        const m = await store.messages.find(id);
        if (!m) throw new Error(`no message ${id}`);
        if (!(await store.messages.release(m.id, new Date().toISOString()))) throw new Error(`message ${m.messageId} is ${m.status}, not QUARANTINED`);
        console.log(`released ${m.messageId} (id ${m.id}): processed again at the next catch-up`);
      });
    }));
  addConfigOption(messages.command('show'))
    .description('show a message (by id or MessageId) with its events; --raw prints the exact MIME bytes as sent or received')
    .argument('<id>', 'id or MessageId')
    .option('--raw', 'write the stored bytes to stdout')
    .action(action(async (id: string, opts: ConfigOpts & { raw?: boolean }) => {
      await withStore(opts, async (store) => {
        const m = await store.messages.find(id);
        if (!m) throw new GatewayError('ERR_NOT_FOUND', `no message ${id}`);
        if (opts.raw) { process.stdout.write(m.raw); return; }
        const { raw, ...rest } = m;
        console.log(JSON.stringify({ ...rest, size: raw.length, events: await store.messages.events(m.id), parts: (await store.messages.parts(m.id)).map((p) => ({ contentId: p.contentId, contentType: p.contentType, size: p.content.length })) }, null, 2));
      });
    }));
}
