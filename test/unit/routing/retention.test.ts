/** Retention (seed 001 §4.2) with a fake clock: 168 hours after reading, 60 days after arrival for everything. */
import { createLogger } from '../../../src/log.js';
import { MailboxService } from '../../../src/routing/mailbox.js';
import { runRetention, scheduleRetention, DEFAULT_RETENTION } from '../../../src/routing/retention.js';
import type { MessageRecord } from '../../../src/store/store.js';
import { world, type World } from './helpers.js';

const T0 = new Date('2024-07-01T12:00:00Z');
const hours = (h: number) => new Date(T0.getTime() + h * 3_600_000);

function message(id: string, createdAt: string): MessageRecord {
  return {
    id, messageId: `${id}@peer`, direction: 'in', kind: 'business', cpaId: 'CPA-0363', conversationId: 'c', refToMessageId: null,
    fromParty: 'a', toParty: 'b', service: 's', action: 'envelopHeenbericht-ggk_Di01', status: 'PROCESSED', timestamp: createdAt,
    timeToLive: null, contentType: 'text/xml', raw: Buffer.from('<raw/>'), replyId: null, processedAt: createdAt, createdAt, updatedAt: createdAt,
  };
}

describe('retention', () => {
  let w: World;
  let now = T0;
  let mailbox: MailboxService;
  beforeEach(async () => { w = await world(); now = T0; mailbox = new MailboxService({ store: w.store, now: () => now }); });
  afterEach(() => w.store.close());

  test('read files after 168 h unless unmarked; every file, message and log row after 60 days (defaults from seed 001 §4.2)', async () => {
    expect(DEFAULT_RETENTION).toEqual({ readHours: 168, days: 60 });
    const own = { organisationId: 'gemeente:0518' };
    const deliver = (name: string) => mailbox.deliver({ organisationId: 'gemeente:0518', berichttype: 'JW302', bestandsnaam: name, content: Buffer.from(`<${name}/>`) });
    const read = await deliver('read.xml');
    const unmarked = await deliver('unmarked.xml');
    const unread = await deliver('unread.xml');
    await mailbox.download(own, read.id);
    await mailbox.download(own, unmarked.id);
    await mailbox.setRead(own, unmarked.id, false);
    await w.store.messages.insertInbound(message('m1', T0.toISOString()), [{ contentId: 'p', contentType: 'text/xml', content: Buffer.from('<p/>') }], { at: T0.toISOString(), event: 'RECEIVED', detail: null });
    await w.store.routing.insertLog({
      id: 'l1', at: T0.toISOString(), ebmsMessageId: 'm1@peer', cpaId: 'CPA-0363', senderOin: 'x', stufElement: null, berichtstroom: null, berichttype: 'JW302',
      gemeentecode: '0518', zenderOrganisatie: null, ontvangerOrganisatie: null, referentienummer: null, crossRefnummer: null, outcome: 'postbus', foutcode: null,
      detail: null, targetOrganisationId: null, targetCpaId: null, forwardedMessageId: null, mailboxItemId: read.id,
    });

    expect(await runRetention(w.store, DEFAULT_RETENTION, hours(168 - 0.001))).toEqual({ mailboxRead: 0, mailboxPurged: 0, messagesPurged: 0, logPurged: 0 });
    expect(await runRetention(w.store, DEFAULT_RETENTION, hours(168.001))).toEqual({ mailboxRead: 1, mailboxPurged: 0, messagesPurged: 0, logPurged: 0 });
    expect((await mailbox.list(own)).map((i) => i.bestandsnaam).sort()).toEqual(['unmarked.xml', 'unread.xml']);
    // The deleted file stays findable in the Berichtenlog until 60 days.
    expect((await w.store.routing.listLog()).map((l) => l.mailboxItemId)).toEqual([read.id]);
    expect(await w.store.mailbox.content(read.id)).not.toBeNull();

    expect(await runRetention(w.store, DEFAULT_RETENTION, hours(60 * 24 - 0.001))).toEqual({ mailboxRead: 0, mailboxPurged: 0, messagesPurged: 0, logPurged: 0 });
    expect(await runRetention(w.store, DEFAULT_RETENTION, hours(60 * 24 + 0.001))).toEqual({ mailboxRead: 2, mailboxPurged: 3, messagesPurged: 1, logPurged: 1 });
    expect(await w.store.mailbox.get(unread.id)).toBeNull();
    expect(await w.store.mailbox.content(unmarked.id)).toBeNull();
    expect(await w.store.messages.get('m1')).toBeNull();
    expect(await w.store.messages.parts('m1')).toEqual([]);
    expect(await w.store.routing.listLog()).toEqual([]);
  });

  test('a message still in the outbox is kept; the policy is configurable', async () => {
    const at = T0.toISOString();
    await w.store.messages.insertOutbound({ ...message('o1', at), direction: 'out', status: 'PENDING' }, [], { at, event: 'QUEUED', detail: null },
      { messageId: 'o1', endpoint: 'https://x', attempts: 0, maxAttempts: 1, retryIntervalMs: 1000, nextAttemptAt: at, expiresAt: null, awaitingAck: false, lastError: null });
    await w.store.messages.insertInbound(message('m2', at), [], { at, event: 'RECEIVED', detail: null });
    expect(await runRetention(w.store, { readHours: 1, days: 1 }, hours(25))).toMatchObject({ messagesPurged: 1 });
    expect(await w.store.messages.get('o1')).not.toBeNull();
  });

  test('the scheduled job logs what it removed', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (l: string) => { lines.push(l); } } as unknown as NodeJS.WritableStream);
    const job = scheduleRetention({ store: w.store, policy: DEFAULT_RETENTION, schedule: '0 0 1 1 *', logger, now: () => hours(1) });
    try {
      expect(await job.run()).toEqual({ mailboxRead: 0, mailboxPurged: 0, messagesPurged: 0, logPurged: 0 });
    } finally { job.stop(); }
    expect(lines.join('')).toContain('retention: 0 read mailbox file(s) deleted, 0 mailbox file(s), 0 message(s) and 0 Berichtenlog row(s) older than 60 days removed');
  });
});
