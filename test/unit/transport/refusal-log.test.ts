import { RefusalLog } from '../../../src/ebms/transport/refusal-log.js';
import type { Logger } from '../../../src/log.js';

/** Issue 9 item 4: a flood of refusals is one warn line plus one summary per interval, not a line per connection. */
describe('RefusalLog', () => {
  const capture = () => {
    const lines: Array<{ obj: Record<string, unknown>; msg: string }> = [];
    const logger = { warn: (obj: Record<string, unknown>, msg: string) => lines.push({ obj, msg }) } as unknown as Logger;
    return { lines, logger };
  };

  test('10,000 refusals within an interval → the first in full, then one summary line by reason', async () => {
    const { lines, logger } = capture();
    const log = new RefusalLog(logger, 100);
    for (let i = 0; i < 10_000; i++) log.note(i % 2 ? 'ECONNRESET' : 'max_handshakes', { remote: '127.0.0.1' }, 'refused');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toEqual({ obj: { reason: 'max_handshakes', remote: '127.0.0.1' }, msg: 'refused (further refusals within 0.1 s are summarised)' });
    for (let i = 0; i < 200 && lines.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(lines).toHaveLength(2);
    expect(lines[1]!.obj).toEqual({ refused: 9_999, reasons: { ECONNRESET: 5_000, max_handshakes: 4_999 }, seconds: 0.1 });
    // A quiet interval ends the window: the next refusal is logged in full again.
    await new Promise((r) => setTimeout(r, 300));
    log.note('CERT_HAS_EXPIRED', { remote: '10.0.0.1' }, 'TLS handshake refused');
    expect(lines).toHaveLength(3);
    expect(lines[2]!.obj).toEqual({ reason: 'CERT_HAS_EXPIRED', remote: '10.0.0.1' });
    log.close();
  });
});
