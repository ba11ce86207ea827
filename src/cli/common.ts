import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_CONFIG_FILE } from '../config/dev.js';
import { loadConfig } from '../config/load.js';
import type { LoadedConfig } from '../config/schema.js';
import { auditLog, type AuditLog } from '../audit.js';
import { ConfigError, isGatewayError } from '../errors.js';
import { createLogger } from '../log.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';

export interface ConfigOpts {
  config?: string;
}

export function addConfigOption(cmd: Command): Command {
  return cmd.option('-c, --config <file>', `configuration file (default: $KNOOPPUNT_CONFIG or ./${DEFAULT_CONFIG_FILE})`);
}

/** The configuration file to use: --config, $KNOOPPUNT_CONFIG, or ./knooppunt.config.json when it exists. */
export function configFile(opts: ConfigOpts): string | null {
  if (opts.config) return resolve(opts.config);
  if (process.env.KNOOPPUNT_CONFIG) return resolve(process.env.KNOOPPUNT_CONFIG);
  const dflt = resolve(DEFAULT_CONFIG_FILE);
  return existsSync(dflt) ? dflt : null;
}

export function loadCliConfig(opts: ConfigOpts): LoadedConfig {
  return loadConfig(configFile(opts));
}

/** Run `fn` with the configured store open, closing it afterwards. */
export async function withStore<T>(opts: ConfigOpts, fn: (store: Store, config: LoadedConfig) => Promise<T>): Promise<T> {
  const config = loadCliConfig(opts);
  const store = await openStore(config);
  try {
    return await fn(store, config);
  } finally {
    await store.close();
  }
}

/**
 * Print a failure the way an operator can act on it — one line (plus one per problem), never a stack trace
 * (KNOOPPUNT_DEBUG=1 adds it) — and set the exit code (issue 10 §14).
 */
export function reportError(e: unknown): void {
  if (e instanceof ConfigError) console.error(e.describe());
  else if (isGatewayError(e)) {
    console.error(`${e.code}: ${e.message}`);
    for (const p of e.problems) console.error(`  - ${p.severity === 'warning' ? '(warning) ' : ''}${p.path}: ${p.message}`);
  } else console.error(`error: ${describeError(e)}`);
  if (process.env.KNOOPPUNT_DEBUG && (e as Error | undefined)?.stack) console.error((e as Error).stack);
  process.exitCode = 1;
}

/** A system error in words: the failing call, path or address and what to do about it. */
export function describeError(e: unknown): string {
  const err = e as NodeJS.ErrnoException & { address?: string; port?: number };
  // Duck-typed: errors of Node's own modules may come from another realm (jest's vm) and fail instanceof.
  if (typeof e !== 'object' || e === null || typeof (e as { message?: unknown }).message !== 'string') return String(e);
  switch (err.code) {
    case 'EADDRINUSE': return `address ${err.address ?? ''}:${err.port ?? ''} is already in use; stop the other process or choose another port (KNOOPPUNT_LISTEN_PORTAL_PORT, KNOOPPUNT_LISTEN_EBMS_PORT, or listen.* in the configuration)`;
    case 'EACCES': case 'EPERM': return err.path ? `permission denied: ${err.path}` : `permission denied${err.port ? ` for port ${err.port} (ports below 1024 need privileges)` : ''}: ${err.message}`;
    case 'ENOENT': return err.path ? `no such file or folder: ${err.path}` : err.message;
    case 'EISDIR': return `${err.path ?? 'the path'} is a folder, not a file`;
    case 'ENOTDIR': return `a part of ${err.path ?? 'the path'} is not a folder`;
    case 'EROFS': return `read-only file system: ${err.path ?? ''}`;
    default: return err.message;
  }
}

/** A list with a header line, columns padded to their widest cell (issue 10 §14: column headers in lists). */
export function table(header: string[], rows: string[][]): void {
  for (const l of columns(header, rows)) console.log(l);
}

export function columns(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

/** Wrap an async action so that errors print cleanly and exit non-zero. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      reportError(e);
    }
  };
}

/** Audit lines of CLI changes: the structured log on stderr (stdout stays the command's output). */
export function cliAudit(config: LoadedConfig): AuditLog {
  return auditLog(createLogger(config.log.level, process.stderr));
}
