import type { LoadedConfig } from '../config/schema.js';
import { SqliteStore } from './sqlite/store.js';
import type { Store } from './store.js';

/** Open the store the configuration names (PostgreSQL joins here for several instances). */
export async function openStore(config: Pick<LoadedConfig, 'store'>): Promise<Store> {
  switch (config.store.kind) {
    case 'sqlite':
      return SqliteStore.open(config.store.path);
  }
}
