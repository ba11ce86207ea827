import type { Command } from 'commander';
import { SYSTEM } from '../audit.js';
import { ensureDevSetup } from '../config/dev.js';
import { loadConfig } from '../config/load.js';
import { startKnooppunt } from '../server.js';
import { OrganisationService } from '../registry/organisations.js';
import { TokenService } from '../registry/tokens.js';
import { installShutdown } from './shutdown.js';
import { action, addConfigOption, configFile, type ConfigOpts } from './common.js';
import { ensureFirstAccount } from './users.js';

/** Plain-text lines for a person at a terminal: on stderr, and only when stdout is a terminal (issue 10 §11). */
export function banner(line: string): void {
  if (process.stdout.isTTY) process.stderr.write(`${line}\n`);
}

export function registerServe(program: Command): void {
  addConfigOption(program.command('serve'))
    .description('start knooppunt: portal/API listener and ebMS listener (mutual TLS). Without any configuration, a development setup is created first.')
    .action(action(async (opts: ConfigOpts) => {
      let file = configFile(opts);
      if (!file) {
        const dev = ensureDevSetup(process.cwd());
        file = dev.configFile;
        if (dev.createdConfig) banner(`Created development configuration ${dev.configFile} and PKI in certs-dev/`);
      }
      const config = loadConfig(file);
      const kp = await startKnooppunt(config);
      banner(`knooppunt is running\n  portal/API: ${kp.urls.portal}  (health: ${kp.urls.portal}/healthz)\n  ebMS:       ${kp.urls.ebms}  (mutual TLS)`);
      // The first portal account, when there is none yet: its credentials go to stderr once, never to the log.
      await ensureFirstAccount(kp.store, config);
      // Issue 10 §10: whenever the hub operator has no usable token (a fresh database, whatever the configuration),
      // make one and show it once on stderr — never in the structured log, which records only its id.
      const hub = await new OrganisationService(kp.store).ensureHub(config.hub.oin, config.hub.name);
      const issued = await new TokenService(kp.store, { audit: kp.audit }).ensureOperatorToken(hub, SYSTEM);
      if (issued) process.stderr.write(`hub operator API token (shown once; store it safely): ${issued.token}\n`);
      installShutdown({ stop: () => kp.stop(), graceMs: config.shutdown.graceMs, log: (msg, fields) => kp.logger.warn(fields, msg) });
    }));
}
