/**
 * Process management for `knooppunt demo`: each knooppunt is a separate `node bin/knooppunt.js serve` process on
 * loopback with its own configuration, SQLite file and API token, its ebMS listener on mutual TLS with the dev
 * PKI (DK-02) — started the way an operator would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { TokenService } from '../registry/tokens.js';
import { ENV_PREFIX } from '../config/defaults.js';
import { loadConfig } from '../config/load.js';
import { packageRoot } from '../paths.js';
import type { DevPkiFiles } from '../pki/dev-pki.js';
import { OrganisationService } from '../registry/organisations.js';
import { openStore } from '../store/open.js';

export const BIN = join(packageRoot, 'bin', 'knooppunt.js');

export interface NodeSpec {
  /** Short name in the timeline, e.g. "hub", "gemeente 0363", "partner". */
  label: string;
  /** Dev PKI party id (src/pki/dev-pki.ts DEV_PARTIES). */
  party: string;
  mode: 'hub' | 'adapter';
}

export interface ApiResult<T> {
  status: number;
  body: T;
  text: string;
}

const handedOut = new Set<number>();

/** A port on 127.0.0.1 that was free a moment ago (the OS picks it), never the same one twice in this process. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const { port: p } = s.address() as { port: number };
        s.close(() => resolve(p));
      });
    });
    if (!handedOut.has(port)) { handedOut.add(port); return port; }
  }
}

/** The environment for child processes: without KNOOPPUNT_* overrides, so only the generated config counts. */
function childEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith(ENV_PREFIX)));
}

export class DemoNode {
  readonly label: string;
  readonly party: string;
  readonly oin: string;
  readonly mode: 'hub' | 'adapter';
  readonly dir: string;
  readonly configFile: string;
  readonly portal: string;
  readonly ebms: string;
  /** stdout + stderr of the process, for the failure report. */
  readonly output: string[] = [];
  #token = '';
  #proc: ChildProcess | null = null;

  private constructor(spec: NodeSpec, oin: string, dir: string, ports: { portal: number; ebms: number }) {
    this.label = spec.label;
    this.party = spec.party;
    this.mode = spec.mode;
    this.oin = oin;
    this.dir = dir;
    this.configFile = join(dir, 'knooppunt.config.json');
    this.portal = `http://127.0.0.1:${ports.portal}`;
    this.ebms = `https://localhost:${ports.ebms}/ebms`;
  }

  /** Writes the node's configuration (its own folder under `workDir`, certificates from the dev PKI). */
  /** `base`: fixed ports (portal on base, ebMS on base + 1); default two free ports picked by the OS. */
  static async create(spec: NodeSpec, workDir: string, pki: DevPkiFiles, base?: number): Promise<DemoNode> {
    const p = pki.parties[spec.party];
    if (!p) throw new Error(`no dev PKI party ${spec.party}`);
    const dir = join(workDir, spec.party);
    mkdirSync(dir, { recursive: true });
    const node = new DemoNode(spec, p.oin, dir, base !== undefined ? { portal: base, ebms: base + 1 } : { portal: await freePort(), ebms: await freePort() });
    const port = (url: string) => Number(new URL(url).port);
    // hub.endpoints are left out: they follow the ebMS listen port (src/config/load.ts).
    writeFileSync(node.configFile, `${JSON.stringify({
      mode: spec.mode,
      hub: { name: p.name, oin: p.oin },
      tls: {
        server: p.server, client: p.client, signing: p.signing, trustAnchors: [pki.caCert],
      },
      listen: { portal: { host: '127.0.0.1', port: port(node.portal) }, ebms: { host: '127.0.0.1', port: port(node.ebms) } },
      store: { path: join(dir, 'knooppunt.db') }, dataDir: join(dir, 'data'), log: { level: 'warn' },
    }, null, 2)}\n`);
    return node;
  }

  /** An API token of the node's own organisation (its operator), created in its store before it starts. */
  async #createToken(): Promise<string> {
    const config = loadConfig(this.configFile, childEnv());
    const store = await openStore(config);
    try {
      const self = await new OrganisationService(store).ensureHub(config.hub.oin, config.hub.name);
      return (await new TokenService(store).create(self, 'knooppunt demo', { kind: 'cli', id: 'demo' })).token;
    } finally {
      await store.close();
    }
  }

  /** Starts `knooppunt serve` and waits until /healthz answers. */
  async start(timeoutMs = 20_000): Promise<void> {
    if (!this.#token) this.#token = await this.#createToken();
    const proc = spawn(process.execPath, [BIN, 'serve', '--config', this.configFile], { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv() });
    this.#proc = proc;
    proc.stdout!.on('data', (c: Buffer) => this.output.push(c.toString()));
    proc.stderr!.on('data', (c: Buffer) => this.output.push(c.toString()));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const r = await fetch(`${this.portal}/healthz`);
        if (r.status === 200) return;
      } catch { /* not listening yet */ }
      if (proc.exitCode !== null) throw new Error(`${this.label} stopped at start (exit code ${proc.exitCode}):\n${this.tail()}`);
      if (Date.now() > deadline) throw new Error(`${this.label} did not answer /healthz within ${timeoutMs / 1000} s:\n${this.tail()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  get pid(): number | undefined {
    return this.#proc?.pid;
  }

  /** SIGTERM (graceful: listeners close, the store is closed); SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<number | null> {
    const proc = this.#proc;
    if (!proc) return null;
    this.#proc = null;
    if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
    return new Promise((resolve) => {
      const kill = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      proc.once('exit', (code) => { clearTimeout(kill); resolve(code); });
      proc.kill('SIGTERM');
    });
  }

  async api<T = unknown>(method: string, path: string, body?: unknown, type = 'application/json'): Promise<ApiResult<T>> {
    let r: Response;
    try {
      r = await fetch(`${this.portal}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.#token}`, ...(body !== undefined ? { 'content-type': type } : {}) },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
    } catch (err) {
      const proc = this.#proc;
      const state = !proc ? 'not running' : proc.exitCode !== null || proc.signalCode !== null ? `stopped (exit ${proc.exitCode ?? proc.signalCode})` : 'running';
      throw new Error(`${this.label}: ${method} ${path} failed (${(err as Error).message}); the process is ${state}`, { cause: err });
    }
    const text = await r.text();
    let parsed: unknown = text;
    try { parsed = JSON.parse(text); } catch { /* not JSON */ }
    return { status: r.status, body: parsed as T, text };
  }

  /** Like api(), but any status other than `expect` is a failure naming the call and the answer. */
  async call<T = unknown>(expect: number, method: string, path: string, body?: unknown, type?: string): Promise<T> {
    const r = await this.api<T>(method, path, body, type);
    if (r.status !== expect) throw new Error(`${this.label}: ${method} ${path} answered ${r.status}, expected ${expect}: ${r.text.slice(0, 500)}`);
    return r.body;
  }

  /** The last lines the process wrote. */
  tail(lines = 20): string {
    return this.output.join('').split('\n').slice(-lines).join('\n');
  }
}
