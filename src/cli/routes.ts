/** `knooppunt routes list|set|delete|partner`: the routing table (GGk manual §4 "Routeren"). */
import type { Command } from 'commander';
import { OrganisationService } from '../registry/organisations.js';
import type { RouteBerichtstroom, RouteRichting } from '../routing/model.js';
import { RoutingTableService } from '../routing/routes.js';
import type { Store } from '../store/store.js';
import { action, addConfigOption, withStore, type ConfigOpts } from './common.js';

function service(store: Store): RoutingTableService {
  return new RoutingTableService({ store, organisations: new OrganisationService(store) });
}

interface ListOpts extends ConfigOpts { gemeente?: string; stroom?: RouteBerichtstroom; richting?: RouteRichting; json?: boolean }
interface SetOpts extends ConfigOpts { gemeente: string; stroom: string; berichttype: string; richting: string; kanaal: string; cpa?: string; stufVersie?: string }
interface PartnerOpts extends ConfigOpts { stroom: string; org: string; cpa: string; stufVersie?: string }

export function registerRoutes(program: Command): void {
  const routes = program.command('routes').description('routing table: per gemeente and berichttype, Digikoppeling (CPA) or Portaal, and the StUF version');

  addConfigOption(routes.command('list'))
    .description('list routes and the chain partner per berichtstroom')
    .option('--gemeente <code>', 'only this gemeentecode')
    .option('--stroom <stroom>', 'ijw | iwmo')
    .option('--richting <richting>', 'verzenden | ontvangen')
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
        for (const k of partners) console.log(`ketenpartner ${k.berichtstroom.padEnd(5)} ${k.organisationId}  CPA ${k.cpaId}  StUF ${k.stufVersie}`);
        for (const r of list) {
          console.log(`${r.gemeentecode} ${r.berichtstroom.padEnd(5)} ${r.berichttype.padEnd(7)} ${r.richting.padEnd(10)} ${r.kanaal.padEnd(13)} ${(r.cpaId ?? '-').padEnd(40)} StUF ${r.stufVersie}`);
        }
        if (list.length === 0 && partners.length === 0) console.log('no routes');
      });
    }));

  addConfigOption(routes.command('set'))
    .description('set a route (berichttype * = every berichttype of the stroom in that richting)')
    .requiredOption('--gemeente <code>', 'gemeentecode (4 digits)')
    .requiredOption('--stroom <stroom>', 'ijw | iwmo')
    .requiredOption('--berichttype <type>', 'e.g. JW302, or *')
    .requiredOption('--richting <richting>', 'verzenden | ontvangen')
    .requiredOption('--kanaal <kanaal>', 'digikoppeling | portaal')
    .option('--cpa <cpaId>', 'the gemeente\'s CPA (required for digikoppeling)')
    .option('--stuf-versie <versie>', 'StUF-GGk version of the exchange', '0210')
    .action(action(async (opts: SetOpts) => {
      await withStore(opts, async (store) => {
        const saved = await service(store).set({
          gemeentecode: opts.gemeente, berichtstroom: opts.stroom, berichttype: opts.berichttype, richting: opts.richting, kanaal: opts.kanaal,
          ...(opts.cpa ? { cpaId: opts.cpa } : {}), ...(opts.stufVersie ? { stufVersie: opts.stufVersie } : {}),
        }, 'cli');
        for (const r of saved) console.log(`set ${r.gemeentecode} ${r.berichtstroom} ${r.berichttype} ${r.richting}: ${r.kanaal}${r.cpaId ? ` ${r.cpaId}` : ''}, StUF ${r.stufVersie}`);
      });
    }));

  addConfigOption(routes.command('delete'))
    .description('remove a route')
    .requiredOption('--gemeente <code>', 'gemeentecode')
    .requiredOption('--stroom <stroom>', 'ijw | iwmo')
    .requiredOption('--berichttype <type>', 'e.g. JW302')
    .requiredOption('--richting <richting>', 'verzenden | ontvangen')
    .action(action(async (opts: ConfigOpts & { gemeente: string; stroom: RouteBerichtstroom; berichttype: string; richting: RouteRichting }) => {
      await withStore(opts, async (store) => {
        const key = { gemeentecode: opts.gemeente, berichtstroom: opts.stroom, berichttype: opts.berichttype.toUpperCase(), richting: opts.richting };
        if (!(await service(store).delete(key))) throw new Error(`no route ${key.gemeentecode} ${key.berichtstroom} ${key.berichttype} ${key.richting}`);
        console.log(`deleted ${key.gemeentecode} ${key.berichtstroom} ${key.berichttype} ${key.richting}`);
      });
    }));

  addConfigOption(routes.command('partner'))
    .description('set the chain partner (e.g. the VECOZO knooppunt) that takes every message for zorgaanbieders of a berichtstroom')
    .requiredOption('--stroom <stroom>', 'ijw | iwmo')
    .requiredOption('--org <ref>', 'the ketenpartner: OIN or organisation id')
    .requiredOption('--cpa <cpaId>', 'the CPA between the hub and the ketenpartner')
    .option('--stuf-versie <versie>', 'StUF-GGk version of the exchange', '0210')
    .action(action(async (opts: PartnerOpts) => {
      await withStore(opts, async (store) => {
        const k = await service(store).setKetenpartner({
          berichtstroom: opts.stroom, organisation: opts.org, cpaId: opts.cpa, ...(opts.stufVersie ? { stufVersie: opts.stufVersie } : {}),
        }, 'cli');
        console.log(`ketenpartner for ${k.berichtstroom}: ${k.organisationId} via CPA ${k.cpaId}, StUF ${k.stufVersie}`);
      });
    }));
}
