/**
 * Issue 9 (Critical): SIGTERM always stops the process within `shutdown.graceMs`, even when its graceful stop
 * never finishes and the event loop keeps being busy (work chunked in setImmediate turns, as catch-up does).
 */
import { spawn } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../../src/paths.js';

const built = join(packageRoot, 'dist', 'cli', 'shutdown.js');

function run(script: string): Promise<{ code: number | null; out: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'kp-shutdown-'));
  const file = join(dir, 'busy.mjs');
  writeFileSync(file, script);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let signalled = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!signalled && out.includes('ready')) { signalled = true; child.kill('SIGTERM'); }
    });
    // A generous outer deadline: the test fails (code null) if the process is still there.
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code) => { clearTimeout(guard); rmSync(dir, { recursive: true, force: true }); resolve({ code, out }); });
  });
}

test('a busy process whose stop never finishes exits with code 1 after the grace period', async () => {
  const r = await run(`
    import { installShutdown } from ${JSON.stringify(pathToFileURL(built).href)};
    installShutdown({ stop: () => new Promise(() => {}), graceMs: 300, log: (msg) => console.log(msg) });
    // Busy: a stream of short synchronous chunks (each ~5 ms of work) that never ends.
    const spin = () => { const t = Date.now(); while (Date.now() - t < 5); setImmediate(spin); };
    spin();
    console.log('ready');
  `);
  expect(r.code).toBe(1);
  expect(r.out).toContain('shutdown requested');
  expect(r.out).toContain('shutdown grace period over: exiting hard');
}, 90_000);

test('a process whose stop finishes exits with code 0', async () => {
  const r = await run(`
    import { installShutdown } from ${JSON.stringify(pathToFileURL(built).href)};
    installShutdown({ stop: async () => {}, graceMs: 10000, log: (msg) => console.log(msg) });
    setInterval(() => {}, 1000);
    console.log('ready');
  `);
  expect(r.code).toBe(0);
}, 90_000);
