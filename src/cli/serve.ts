import type { Command } from 'commander';
import { ensureDevSetup } from '../config/dev.js';
import { loadConfig } from '../config/load.js';
import { startKnooppunt } from '../server.js';
import { createToken } from '../api/tokens.js';
import { OrganisationService } from '../registry/organisations.js';
import { action, addConfigOption, configFile, type ConfigOpts } from './common.js';
import { ensureFirstAccount } from './users.js';

export function registerServe(program: Command): void {
  addConfigOption(program.command('serve'))
    .description('start knooppunt: portal/API listener and ebMS listener (mutual TLS). Without any configuration, a development setup is created first.')
    .action(action(async (opts: ConfigOpts) => {
      let file = configFile(opts);
      let firstStart = false;
      if (!file) {
        const dev = ensureDevSetup(process.cwd());
        file = dev.configFile;
        firstStart = dev.createdConfig;
        if (dev.createdConfig) console.log(`Created development configuration ${dev.configFile} and PKI in certs-dev/`);
      }
      const config = loadConfig(file);
      const kp = await startKnooppunt(config);
      console.log(`knooppunt is running\n  portal/API: ${kp.urls.portal}  (health: ${kp.urls.portal}/healthz)\n  ebMS:       ${kp.urls.ebms}  (mutual TLS)`);
      // The first portal account, when there is none yet: its credentials go to stderr once, never to the log.
      await ensureFirstAccount(kp.store, config);
      if (firstStart) {
        const hub = await new OrganisationService(kp.store).resolve(config.hub.oin);
        const { token } = await createToken(kp.store, hub, 'first start (hub operator)');
        console.log(`  hub operator API token (shown once): ${token}`);
      }
      const shutdown = (signal: string) => {
        kp.logger.info({ signal }, 'shutdown requested');
        void kp.stop().then(() => process.exit(0));
      };
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      process.once('SIGINT', () => shutdown('SIGINT'));
    }));
}
