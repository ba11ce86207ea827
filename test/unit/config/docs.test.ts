import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../../src/paths.js';
import { configDocs } from '../../../src/cli/config.js';

test('docs/configuration.md is the current settings table (regenerate: npx knooppunt config --docs > docs/configuration.md)', () => {
  expect(readFileSync(join(packageRoot, 'docs', 'configuration.md'), 'utf8')).toBe(configDocs());
});
