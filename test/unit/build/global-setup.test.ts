import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error -- plain JS module (jest global setup), no declarations
import { staleSource } from '../../global-setup.js';

/** Issue 17 §1: the suite builds what it runs — the global setup sees a missing or out-of-date build. */
describe('test/global-setup.js: staleSource', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kp-stale-'));
  const src = join(dir, 'src');
  const dist = join(dir, 'dist');
  mkdirSync(join(src, 'a'), { recursive: true });
  mkdirSync(join(dist, 'a'), { recursive: true });
  const at = (file: string, seconds: number) => { const t = new Date(Date.now() + seconds * 1000); utimesSync(file, t, t); };
  writeFileSync(join(src, 'a', 'x.ts'), 'export const x = 1;');
  writeFileSync(join(src, 'a', 'x.d.ts'), 'export {};');

  test('a source without its .js is stale', () => {
    expect(staleSource(src, dist)).toMatch(/src\/a\/x\.ts \(no .*dist\/a\/x\.js\)$/);
  });

  test('a source newer than its .js is stale; an older one is not', () => {
    writeFileSync(join(dist, 'a', 'x.js'), 'export const x = 1;');
    at(join(src, 'a', 'x.ts'), -10);
    expect(staleSource(src, dist)).toBeNull();
    at(join(src, 'a', 'x.ts'), 10);
    expect(staleSource(src, dist)).toMatch(/src\/a\/x\.ts \(newer than .*dist\/a\/x\.js\)$/);
  });
});
