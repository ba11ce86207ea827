import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_CONFIG_FILE } from '../config/dev.js';
import { loadConfig } from '../config/load.js';
import type { LoadedConfig } from '../config/schema.js';
import { ConfigError, isGatewayError } from '../errors.js';
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

/** Print a failure the way an operator can act on it, and set the exit code. */
export function reportError(e: unknown): void {
  if (e instanceof ConfigError) console.error(e.describe());
  else if (isGatewayError(e)) {
    console.error(`${e.code}: ${e.message}`);
    for (const p of e.problems) console.error(`  - ${p.severity === 'warning' ? '(warning) ' : ''}${p.path}: ${p.message}`);
  } else console.error(e instanceof Error ? e.stack ?? e.message : String(e));
  process.exitCode = 1;
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
