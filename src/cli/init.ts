import type { Command } from 'commander';
import { generateDevPki } from '../pki/dev-pki.js';
import { ensureDevSetup } from '../config/dev.js';
import { action, withStore } from './common.js';
import { ensureFirstAccount } from './users.js';

export function registerInit(program: Command): void {
  program.command('init')
    .description('create a development configuration (knooppunt.config.json), the dev PKI (certs-dev/) and data/ in the current folder; existing files are kept')
    .action(action(async () => {
      const r = ensureDevSetup(process.cwd());
      console.log(`${r.createdConfig ? 'created' : 'kept'} ${r.configFile}; dev PKI ${r.createdPki ? 'created' : 'kept'} in certs-dev/`);
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
