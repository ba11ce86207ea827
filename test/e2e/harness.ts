import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';
import { testPki } from '../helpers/pki.js';

/**
 * Two (or more) knooppunt processes on loopback with mutual TLS, each with its own config, SQLite file and
 * API token — started with the real CLI (`node bin/knooppunt.js serve`), as an operator would.
 */
export const BIN = join(packageRoot, 'bin', 'knooppunt.js');
export const built = existsSync(join(packageRoot, 'dist', 'cli', 'main.js'));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export interface Node {
  name: string;
  party: string;
  oin: string;
  dir: string;
  configFile: string;
  portal: string;
  ebms: string;
  token: string;
  proc: ChildProcess | null;
  log: string[];
  start(): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  api<T = unknown>(method: string, path: string, body?: unknown, type?: string): Promise<{ status: number; body: T; text: string }>;
  cli(...args: string[]): { status: number | null; stdout: string; stderr: string };
}

export async function createNode(name: string, party: string, mode: 'hub' | 'adapter'): Promise<Node> {
  const { files } = testPki();
  const p = files.parties[party]!;
  const dir = mkdtempSync(join(tmpdir(), `kp-e2e-${name}-`));
  const [portalPort, ebmsPort] = [await freePort(), await freePort()];
  const ebms = `https://localhost:${ebmsPort}/ebms`;
  const configFile = join(dir, 'knooppunt.config.json');
  writeFileSync(configFile, JSON.stringify({
    mode,
    hub: { name: `${name} (${p.name})`, oin: p.oin, endpoints: { diginetwerk: ebms, internet: ebms } },
    tls: {
      server: { cert: p.server.cert, key: p.server.key }, client: { cert: p.client.cert, key: p.client.key },
      signing: { cert: p.signing.cert, key: p.signing.key }, trustAnchors: [files.caCert],
    },
    listen: { portal: { host: '127.0.0.1', port: portalPort }, ebms: { host: '127.0.0.1', port: ebmsPort } },
    store: { path: join(dir, 'knooppunt.db') }, dataDir: join(dir, 'data'), log: { level: 'warn' },
  }, null, 2));
  const node: Node = {
    name, party, oin: p.oin, dir, configFile, portal: `http://127.0.0.1:${portalPort}`, ebms, token: '', proc: null, log: [],
    cli(...args) {
      const r = spawnSync(process.execPath, [BIN, ...args, '--config', configFile], { encoding: 'utf8', env: { ...process.env, KNOOPPUNT_CONFIG: '' } });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    async start() {
      const proc = spawn(process.execPath, [BIN, 'serve', '--config', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
      node.proc = proc;
      proc.stdout!.on('data', (c: Buffer) => node.log.push(c.toString()));
      proc.stderr!.on('data', (c: Buffer) => node.log.push(c.toString()));
      const deadline = Date.now() + 20_000;
      for (;;) {
        try {
          const r = await fetch(`${node.portal}/healthz`);
          if (r.status === 200) break;
        } catch { /* not up yet */ }
        if (proc.exitCode !== null) throw new Error(`${name} exited with ${proc.exitCode}:\n${node.log.join('')}`);
        if (Date.now() > deadline) throw new Error(`${name} did not start:\n${node.log.join('')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      if (!node.token) {
        const t = node.cli('tokens', 'create', '--org', p.oin, '--name', 'e2e');
        if (t.status !== 0) throw new Error(`token: ${t.stderr}`);
        node.token = t.stdout.trim();
      }
    },
    async kill(signal = 'SIGTERM') {
      const proc = node.proc;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      await new Promise<void>((resolve) => { proc.once('exit', () => resolve()); proc.kill(signal); });
      node.proc = null;
    },
    async api(method, path, body, type = 'application/json') {
      const call = () => fetch(`${node.portal}${path}`, {
        method, headers: { authorization: `Bearer ${node.token}`, ...(body !== undefined ? { 'content-type': type } : {}) },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      let r: Response;
      try {
        r = await call();
      } catch (e) {
        // A pooled keep-alive connection the server closed while this process was blocked (spawnSync of the CLI
        // starting the other node) fails with "other side closed" before the request is read: send it once more.
        // ECONNRESET is the same race seen from the socket (issue 17 run on a loaded machine).
        if (!['UND_ERR_SOCKET', 'ECONNRESET'].includes((e as { cause?: { code?: string } }).cause?.code ?? '')) throw e;
        r = await call();
      }
      const text = await r.text();
      let parsed: unknown = text;
      try { parsed = JSON.parse(text); } catch { /* not JSON */ }
      return { status: r.status, body: parsed as never, text };
    },
  };
  return node;
}

export interface Link { hub: Node; adapter: Node; cpaId: string }

/**
 * The hub generates a CPA for the adapter through CPA Beheer, the adapter imports it and activates it on both sides
 * with one Ping (seed 002 §3.3.5: the gemeente pings the GGk; answering the Ping activates the hub's copy).
 */
export async function link(hub: Node, adapter: Node, fields: Record<string, unknown> = {}): Promise<Link> {
  const { files } = testPki();
  const a = files.parties[adapter.party]!;
  const day = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);
  const gen = await hub.api<{ cpaId: string }>('POST', '/api/cpas', {
    profielnaam: `${adapter.name} e2e`, oin: adapter.oin, ingangsdatum: day(-1), einddatum: day(30), connectietype: 'internet',
    endpoint: adapter.ebms, serverCertPem: readFileSync(a.server.cert, 'utf8'), clientCertPem: readFileSync(a.client.cert, 'utf8'),
    signingCertPem: readFileSync(a.signing.cert, 'utf8'), ...fields,
  });
  if (gen.status !== 201) throw new Error(`generate: ${gen.status} ${gen.text}`);
  const xml = await hub.api('GET', `/api/cpas/${encodeURIComponent(gen.body.cpaId)}/xml`);
  const imp = await adapter.api('POST', '/api/cpas/import', xml.text, 'application/xml');
  if (imp.status !== 201) throw new Error(`import: ${imp.status} ${imp.text}`);
  const ping = await adapter.api('POST', `/api/cpas/${encodeURIComponent(gen.body.cpaId)}/ping`, {});
  if (ping.status !== 200) throw new Error(`ping from ${adapter.name}: ${ping.status} ${ping.text}`);
  return { hub, adapter, cpaId: gen.body.cpaId };
}

export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
