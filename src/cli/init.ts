import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../errors.js';
import { DEV_PARTIES, generateDevPki } from '../pki/dev-pki.js';
import { ensureDevSetup } from '../config/dev.js';
import { action, withStore } from './common.js';
import { ensureFirstAccount } from './users.js';

export function registerInit(program: Command): void {
  program.command('init')
    .description('create a development configuration (knooppunt.config.json), the dev PKI (certs-dev/) and data/ in the current folder (or --dir); existing files are kept')
    .option('--mode <mode>', 'hub (the knooppunt: routes every StUF message) or adapter (a gemeente\'s or zorgaanbieder\'s own MSH; its back-office sends and pulls through the API)', 'hub')
    .option('--party <party>', `dev-PKI party whose OIN and certificates this node uses: ${DEV_PARTIES.map((p) => p.id).join(', ')} (default hub; required with --mode adapter)`)
    .option('--ports <base>', 'fixed ports: portal/API on BASE, ebMS on BASE + 1 (default 8080 and 8443); the hub endpoints follow the ebMS port')
    .option('--dir <folder>', 'where to write the configuration and data/ (default: the current folder)')
    .option('--pki <folder>', 'dev-PKI folder (default certs-dev/ in that folder); point a second node at the first one\'s so both share one CA')
    .action(action(async (opts: { mode: string; party?: string; ports?: string; dir?: string; pki?: string }) => {
      if (opts.mode !== 'hub' && opts.mode !== 'adapter') throw new ConfigError('invalid option', [{ path: '--mode', message: 'must be hub or adapter' }]);
      if (opts.mode === 'adapter' && !opts.party) throw new ConfigError('invalid option', [{ path: '--party', message: `is required with --mode adapter: one of ${DEV_PARTIES.filter((p) => p.id !== 'hub').map((p) => p.id).join(', ')}` }]);
      if (opts.ports !== undefined && !/^\d+$/.test(opts.ports)) throw new ConfigError('invalid option', [{ path: '--ports', message: 'must be a port number' }]);
      const dir = resolve(opts.dir ?? process.cwd());
      mkdirSync(dir, { recursive: true });
      const r = ensureDevSetup(dir, { mode: opts.mode, ...(opts.party ? { party: opts.party } : {}), ...(opts.ports ? { ports: Number(opts.ports) } : {}), ...(opts.pki ? { pkiDir: resolve(opts.pki) } : {}) });
      console.log(`${r.createdConfig ? 'created' : 'kept'} ${r.configFile}${r.createdConfig ? ` (mode ${opts.mode}, party ${r.party}, OIN ${r.oin}${opts.ports ? `, portal port ${opts.ports}, ebMS port ${Number(opts.ports) + 1}` : ''})` : ''}; dev PKI ${r.createdPki ? 'created' : 'kept'} in ${opts.pki ?? 'certs-dev/'}`);
      // The first portal account (gebruikersbeheerder), credentials shown once on stderr.
      await withStore({ config: r.configFile }, (store, config) => ensureFirstAccount(store, config));
    }));

  program.command('dev-pki')
    .description('generate the development PKI: a root CA and server, client and signing certificates (OIN in subject.serialNumber) for the hub, gemeenten 0363 and 0518 and the chain partner')
    .option('-d, --dir <dir>', 'target folder', 'certs-dev')
    .option('-f, --force', 'overwrite existing material')
    .action(action(async (opts: { dir: string; force?: boolean }) => {
      const { files, created } = generateDevPki(opts.dir, { force: opts.force ?? false });
      if (!created) { console.log(`${files.caCert} exists; kept (use --force to regenerate)`); return; }
      console.log(`CA: ${files.caCert}`);
      for (const [id, p] of Object.entries(files.parties)) console.log(`${id.padEnd(14)} OIN ${p.oin}  ${p.server.cert}, ${p.client.cert}, ${p.signing.cert}`);
    }));
}
