import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** Numbered SQL migrations from migrations/<dialect>/NNNN_name.sql, in order; numbers must be 1..n without gaps. */
export function readMigrations(dialect: 'sqlite', dir = join(packageRoot, 'migrations', dialect)): Migration[] {
  const list = readdirSync(dir)
    .map((f) => ({ f, m: FILE.exec(f) }))
    .filter((x): x is { f: string; m: RegExpExecArray } => x.m !== null)
    .map(({ f, m }) => ({ version: Number(m[1]), name: m[2]!, sql: readFileSync(join(dir, f), 'utf8') }))
    .sort((a, b) => a.version - b.version);
  list.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration numbering gap: expected ${i + 1}, found ${m.version} (${m.name})`);
  });
  return list;
}
