import { consolePrinter, formatEntry, formatHeader, quietPrinter } from '../../../src/demo/timeline.js';

describe('demo timeline', () => {
  test('a line: time offset, who → who, what, status in columns', () => {
    expect(formatEntry({ ms: 5213, who: 'gemeente 0363 → hub', what: 'JW301 Toewijzing (Di01)', status: 'afgeleverd' }))
      .toBe(`   5.21 s    ${'gemeente 0363 → hub'.padEnd(30)}${'JW301 Toewijzing (Di01)'.padEnd(44)}afgeleverd`);
    expect(formatHeader()).toBe(`     tijd    ${'van → naar'.padEnd(30)}${'wat'.padEnd(44)}status`);
  });

  test('a failed step is marked, and an overlong column still leaves a space', () => {
    const line = formatEntry({ ms: 0, who: 'x'.repeat(31), what: 'w', status: 's', failed: true });
    expect(line).toBe(`   0.00 s  ✗ ${'x'.repeat(31)} ${'w'.padEnd(44)}s`);
  });

  test('the console printer writes the header once, the quiet printer only collects', () => {
    const out: string[] = [];
    const p = consolePrinter((s) => out.push(s));
    p.heading('A');
    p.entry({ ms: 1000, who: 'hub', what: 'x', status: 'ok' });
    p.heading('B');
    expect(out.join('')).toBe(`\nA\n${formatHeader()}\n${formatEntry({ ms: 1000, who: 'hub', what: 'x', status: 'ok' })}\n\nB\n`);
    const q = quietPrinter();
    q.heading('A');
    q.entry({ ms: 1, who: 'hub', what: 'x', status: 'ok' });
    expect(q).toMatchObject({ headings: ['A'], entries: [{ ms: 1, who: 'hub', what: 'x', status: 'ok' }] });
  });
});
