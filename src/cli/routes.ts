/** `knooppunt routes list|set|delete|partner`: the routing table (GGk manual §4 "Routeren"). */
import { Option, type Command } from 'commander';
import { cliActor } from '../audit.js';
import type { LoadedConfig } from '../config/schema.js';
import { GatewayError } from '../errors.js';
import { OrganisationService } from '../registry/organisations.js';
import { BERICHTSTROMEN, KANALEN, RICHTINGEN, STUF_VERSIES, type RouteBerichtstroom, type RouteRichting } from '../routing/model.js';
import { RoutingTableService } from '../routing/routes.js';
import type { Store } from '../store/store.js';
import { action, addConfigOption, cliAudit, table, withStore, type ConfigOpts } from './common.js';

function service(store: Store, config?: LoadedConfig): RoutingTableService {
  return new RoutingTableService({ store, organisations: new OrganisationService(store), ...(config ? { audit: cliAudit(config) } : {}) });
}

const stroom = (required = true) => new Option('--stroom <stroom>', 'berichtstroom').choices(BERICHTSTROMEN).makeOptionMandatory(required);
const richting = (required = true) => new Option('--richting <richting>', 'richting').choices(RICHTINGEN).makeOptionMandatory(required);
const stufVersie = () => new Option('--stuf-versie <versie>', 'StUF-GGk version of the exchange').choices(STUF_VERSIES).default('0210');

interface ListOpts extends ConfigOpts { gemeente?: string; stroom?: RouteBerichtstroom; richting?: RouteRichting; json?: boolean }
interface SetOpts extends ConfigOpts { gemeente: string; stroom: string; berichttype: string; richting: string; kanaal: string; cpa?: string; stufVersie?: string }
interface PartnerOpts extends ConfigOpts { stroom: string; org: string; cpa: string; stufVersie?: string }

export function registerRoutes(program: Command): void {
  const routes = program.command('routes').description('routing table: per gemeente and berichttype, Digikoppeling (CPA) or Portaal, and the StUF version');

  addConfigOption(routes.command('list'))
    .description('list routes and the chain partner per berichtstroom')
    .option('--gemeente <code>', 'only this gemeentecode')
    .addOption(stroom(false))
    .addOption(richting(false))
    .option('--json', 'print JSON')
    .action(action(async (opts: ListOpts) => {
      await withStore(opts, async (store) => {
        const svc = service(store);
        const list = await svc.list({
          ...(opts.gemeente ? { gemeentecode: opts.gemeente } : {}), ...(opts.stroom ? { berichtstroom: opts.stroom } : {}),
          ...(opts.richting ? { richting: opts.richting } : {}),
        });
        const partners = await svc.listKetenpartners();
        if (opts.json) { console.log(JSON.stringify({ routes: list, ketenpartners: partners }, null, 2)); return; }
        if (partners.length > 0) {
          table(['KETENPARTNER', 'STROOM', 'ORGANISATION', 'CPA', 'STUF'], partners.map((k) => ['ketenpartner', k.berichtstroom, k.organisationId, k.cpaId, k.stufVersie]));
        }
        if (list.length > 0) {
          table(['GEMEENTE', 'STROOM', 'BERICHTTYPE', 'RICHTING', 'KANAAL', 'CPA', 'STUF'],
            list.map((r) => [r.gemeentecode, r.berichtstroom, r.berichttype, r.richting, r.kanaal, r.cpaId ?? '-', r.stufVersie]));
        }
        if (list.length === 0 && partners.length === 0) console.log('no routes');
      });
    }));

  addConfigOption(routes.command('set'))
    .description('set a route (berichttype * = every berichttype of the stroom in that richting)')
    .requiredOption('--gemeente <code>', 'gemeentecode (4 digits)')
    .addOption(stroom())
    .requiredOption('--berichttype <type>', 'e.g. JW302, or *')
    .addOption(richting())
    .addOption(new Option('--kanaal <kanaal>', 'channel').choices(KANALEN).makeOptionMandatory())
    .option('--cpa <cpaId>', 'the gemeente\'s CPA (required for digikoppeling)')
    .addOption(stufVersie())
    .action(action(async (opts: SetOpts) => {
      await withStore(opts, async (store, config) => {
        const saved = await service(store, config).set({
          gemeentecode: opts.gemeente, berichtstroom: opts.stroom, berichttype: opts.berichttype, richting: opts.richting, kanaal: opts.kanaal,
          ...(opts.cpa ? { cpaId: opts.cpa } : {}), ...(opts.stufVersie ? { stufVersie: opts.stufVersie } : {}),
        }, 'cli', cliActor());
        for (const r of saved) console.log(`set ${r.gemeentecode} ${r.berichtstroom} ${r.berichttype} ${r.richting}: ${r.kanaal}${r.cpaId ? ` ${r.cpaId}` : ''}, StUF ${r.stufVersie}`);
      });
    }));

  addConfigOption(routes.command('delete'))
    .description('remove a route')
    .requiredOption('--gemeente <code>', 'gemeentecode')
    .addOption(stroom())
    .requiredOption('--berichttype <type>', 'e.g. JW302')
    .addOption(richting())
    .action(action(async (opts: ConfigOpts & { gemeente: string; stroom: RouteBerichtstroom; berichttype: string; richting: RouteRichting }) => {
      await withStore(opts, async (store, config) => {
        const key = { gemeentecode: opts.gemeente, berichtstroom: opts.stroom, berichttype: opts.berichttype.toUpperCase(), richting: opts.richting };
        if (!(await service(store, config).delete(key, cliActor()))) {
          throw new GatewayError('ERR_NOT_FOUND', `no route ${key.gemeentecode} ${key.berichtstroom} ${key.berichttype} ${key.richting}`);
        }
        console.log(`deleted ${key.gemeentecode} ${key.berichtstroom} ${key.berichttype} ${key.richting}`);
      });
    }));

  addConfigOption(routes.command('partner'))
    .description('set the chain partner (e.g. the VECOZO knooppunt) that takes every message for zorgaanbieders of a berichtstroom')
    .addOption(stroom())
    .requiredOption('--org <ref>', 'the ketenpartner: OIN or organisation id')
    .requiredOption('--cpa <cpaId>', 'the CPA between the hub and the ketenpartner')
    .addOption(stufVersie())
    .action(action(async (opts: PartnerOpts) => {
      await withStore(opts, async (store, config) => {
        const k = await service(store, config).setKetenpartner({
          berichtstroom: opts.stroom, organisation: opts.org, cpaId: opts.cpa, ...(opts.stufVersie ? { stufVersie: opts.stufVersie } : {}),
        }, 'cli', cliActor());
        console.log(`ketenpartner for ${k.berichtstroom}: ${k.organisationId} via CPA ${k.cpaId}, StUF ${k.stufVersie}`);
      });
    }));
}
