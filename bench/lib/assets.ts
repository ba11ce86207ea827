import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { packageRoot } from '../../src/paths.js';

/**
 * The benchmark runs the sources compiled to dist-bench/ (tsconfig.bench.json, rootDir '.'), where src/paths.ts
 * sees `packageRoot` = dist-bench/. The data folders the code reads at run time (migrations, CPA templates, the
 * JW301 fixture) are linked in there, so that the compiled code finds them where it looks.
 */
export function linkAssets(): string {
  if (basename(packageRoot) !== 'dist-bench') return packageRoot;
  const repo = resolve(packageRoot, '..');
  for (const rel of ['migrations', 'cpa-templates', join('test', 'fixtures')]) {
    const at = join(packageRoot, rel);
    if (existsSync(at)) continue;
    mkdirSync(dirname(at), { recursive: true });
    symlinkSync(join(repo, rel), at, 'dir');
  }
  return repo;
}
