import { Option, type Command } from 'commander';
import { OrganisationService } from '../registry/organisations.js';
import { TokenService } from '../registry/tokens.js';
import { cliActor } from '../audit.js';
import { action, addConfigOption, cliAudit, table, withStore, type ConfigOpts } from './common.js';

export function registerOrgs(program: Command): void {
  const orgs = program.command('orgs').description('organisation registry: gemeenten, zorgaanbieders, chain partners');
  addConfigOption(orgs.command('add'))
    .description('register an organisation')
    .addOption(new Option('--kind <kind>', 'kind of organisation').choices(['gemeente', 'zorgaanbieder', 'ketenpartner']).makeOptionMandatory())
    .requiredOption('--code <code>', 'gemeentecode (4 digits), AGB code (8 digits) or OIN (20 digits) for a chain partner')
    .requiredOption('--name <name>', 'name')
    .option('--oin <oin...>', 'OIN(s) authorised to act for it (required for a gemeente; a samenwerkingsverband may act for several)')
    .action(action(async (opts: ConfigOpts & { kind: string; code: string; name: string; oin?: string[] }) => {
      await withStore(opts, async (store, config) => {
        const org = await new OrganisationService(store, { audit: cliAudit(config) })
          .add({ kind: opts.kind, code: opts.code, name: opts.name, ...(opts.oin ? { oins: opts.oin } : {}) }, cliActor());
        console.log(`registered ${org.id} (${org.name})${org.oins.length ? `, OINs ${org.oins.join(', ')}` : ''}`);
      });
    }));
  addConfigOption(orgs.command('list'))
    .description('list organisations')
    .addOption(new Option('--kind <kind>', 'only this kind').choices(['gemeente', 'zorgaanbieder', 'ketenpartner', 'knooppunt']))
    .option('--json', 'print JSON')
    .action(action(async (opts: ConfigOpts & { kind?: 'gemeente'; json?: boolean }) => {
      await withStore(opts, async (store) => {
        const list = await new OrganisationService(store).list(opts.kind ? { kind: opts.kind } : undefined);
        if (opts.json) { console.log(JSON.stringify(list, null, 2)); return; }
        table(['ID', 'NAME', 'OINS'], list.map((o) => [o.id, o.name, o.oins.join(', ')]));
      });
    }));

  const tokens = program.command('tokens').description('API tokens per organisation (sent as Authorization: Bearer)');
  addConfigOption(tokens.command('create'))
    .description('create an API token for an organisation; it is shown once and stored hashed')
    .requiredOption('--org <ref>', 'gemeentecode, AGB code, OIN or organisation id')
    .option('--name <name>', 'what the token is for', 'api')
    .action(action(async (opts: ConfigOpts & { org: string; name: string }) => {
      await withStore(opts, async (store, config) => {
        const svc = new OrganisationService(store);
        await svc.ensureHub(config.hub.oin, config.hub.name);
        const org = await svc.resolve(opts.org);
        const { token, record } = await new TokenService(store, { audit: cliAudit(config) }).create(org, opts.name, cliActor());
        console.error(`token ${record.id} for ${org.id} (shown once; store it safely):`);
        console.log(token);
      });
    }));
  addConfigOption(tokens.command('list'))
    .description('list API tokens (never their values)')
    .action(action(async (opts: ConfigOpts) => {
      await withStore(opts, async (store) => {
        const list = await new TokenService(store).list();
        table(['ID', 'ORGANISATION', 'NAME', 'CREATED', 'LAST USED', 'REVOKED'], list.map((t) => [t.id, t.organisationId, t.name, t.createdAt, t.lastUsedAt ?? '-', t.revokedAt ?? '-']));
      });
    }));
  addConfigOption(tokens.command('revoke'))
    .description('revoke an API token by id')
    .argument('<id>', 'token id')
    .action(action(async (id: string, opts: ConfigOpts) => {
      await withStore(opts, async (store, config) => {
        await new TokenService(store, { audit: cliAudit(config) }).revoke(id, cliActor());
        console.log(`revoked ${id}`);
      });
    }));
}
