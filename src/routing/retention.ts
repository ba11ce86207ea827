/**
 * Retention (seed 001 §4.2, the newer of the two GGk manuals): "Een bestand dat gemarkeerd is als gelezen wordt na
 * 168 uur verwijderd, tenzij u de markering 'gelezen' binnen die tijd verwijdert" and "Als u een bericht verwijdert
 * kunt u het bericht tot 60 dagen nog terugvinden via de berichtenlog. Alle berichten worden, ongeacht de status,
 * na 60 dagen verwijderd uit de database." Seed 002 §6.1 says 90 days; 001 is the newer document.
 *
 * One run: read mailbox files past `readHours` are deleted from the mailbox (still in the Berichtenlog); then every
 * mailbox file, every stored ebMS message (rows and raw bytes, parts, events) and every Berichtenlog row older than
 * `days` is removed for good. Upload rows and their verwerkingsverslag stay ("blijft altijd beschikbaar in de
 * tabel", seed 002 §3.1.5). A node-cron job runs it on `retention.schedule` and logs what it removed.
 */
import cron from 'node-cron';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';

export interface RetentionPolicy {
  readHours: number;
  days: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { readHours: 168, days: 60 };

export interface RetentionReport {
  /** Read mailbox files deleted from the mailbox (168 hours after reading). */
  mailboxRead: number;
  /** Mailbox files removed for good (older than `days`). */
  mailboxPurged: number;
  messagesPurged: number;
  logPurged: number;
}

export async function runRetention(store: Store, policy: RetentionPolicy, now: Date): Promise<RetentionReport> {
  const at = now.toISOString();
  const readBefore = new Date(now.getTime() - policy.readHours * 3_600_000).toISOString();
  const cutoff = new Date(now.getTime() - policy.days * 86_400_000).toISOString();
  const mailboxRead = await store.mailbox.expire(readBefore, cutoff, at);
  const mailboxPurged = await store.mailbox.purge(cutoff);
  const messagesPurged = await store.messages.purge(cutoff);
  const logPurged = await store.routing.purgeLog(cutoff);
  return { mailboxRead, mailboxPurged, messagesPurged, logPurged };
}

export interface RetentionJob {
  /** One run now (also what the schedule calls). */
  run(): Promise<RetentionReport>;
  stop(): void;
}

export function scheduleRetention(opts: { store: Store; policy: RetentionPolicy; schedule: string; logger: Logger; now?: () => Date }): RetentionJob {
  const now = opts.now ?? (() => new Date());
  let running: Promise<RetentionReport> | null = null;
  const run = () => (running ??= runRetention(opts.store, opts.policy, now())
    .then((report) => {
      opts.logger.info({ retention: report, policy: opts.policy }, `retention: ${report.mailboxRead} read mailbox file(s) deleted, `
        + `${report.mailboxPurged} mailbox file(s), ${report.messagesPurged} message(s) and ${report.logPurged} Berichtenlog row(s) older than ${opts.policy.days} days removed`);
      return report;
    })
    .finally(() => { running = null; }));
  const task = cron.schedule(opts.schedule, () => {
    run().catch((err: unknown) => opts.logger.error({ err }, 'retention run failed'));
  }, { name: 'retention', noOverlap: true });
  return { run, stop: () => { void task.stop(); } };
}
