import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/load.js';
import { DemoNode } from '../../../src/demo/nodes.js';
import { testPki } from '../../helpers/pki.js';

/** `demo --ports BASE` (issue 10 item 8): each node on fixed ports, its hub endpoints following the ebMS port. */
describe('demo nodes on fixed ports', () => {
  test('a node created with a base port listens on BASE and BASE + 1, and its endpoints follow the ebMS port', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kp-demo-nodes-'));
    const node = await DemoNode.create({ label: 'gemeente 0363', party: 'gemeente-0363', mode: 'adapter' }, dir, testPki().files, 21_302);
    expect([node.portal, node.ebms]).toEqual(['http://127.0.0.1:21302', 'https://localhost:21303/ebms']);
    const written = JSON.parse(readFileSync(node.configFile, 'utf8')) as { hub: Record<string, unknown> };
    expect(written.hub.endpoints).toBeUndefined();
    const cfg = loadConfig(node.configFile, {});
    expect(cfg.listen).toEqual({ portal: { host: '127.0.0.1', port: 21302 }, ebms: { host: '127.0.0.1', port: 21303 } });
    expect(cfg.hub.endpoints).toEqual({ diginetwerk: 'https://localhost:21303/ebms', internet: 'https://localhost:21303/ebms' });
  });
});
