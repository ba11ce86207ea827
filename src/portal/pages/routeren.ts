/**
 * Routeren (seed 002 §4, productbeheerder): per berichtuitwisseling `Uitwisseling via` Digikoppeling or Portaal,
 * the CPA profile (only activated CPAs are offered, seed 002 §3.3.5: "De CPA is daarna zichtbaar op de
 * routeerpagina") and the StUF version (§4.2: "direct van kracht"); `Opslaan` stores all rows at once through the
 * RoutingTableService, which checks them again.
 */
import { Router, type Request, type Response } from 'express';
import { cpaSummary } from '../../api/cpas.js';
import { GatewayError, isGatewayError } from '../../errors.js';
import { catalogue } from '../../istandaarden/catalogue.js';
import { STUF_VERSIES } from '../../routing/model.js';
import type { RouteInput } from '../../routing/routes.js';
import type { RouteRecord } from '../../store/store.js';
import { productsOf } from '../access.js';
import type { PortalContext } from '../context.js';
import { chooseGemeente, requirePage, requireProductPage } from '../guard.js';
import { productTabs } from '../nav.js';
import { inDutch } from '../meldingen.js';
import { flash, renderPage } from '../render.js';
import { STATUS_LABELS } from './cpa-beheer.js';

const PATH = '/routeren';

interface Row {
  berichttype: string;
  name: string;
  richting: 'verzenden' | 'ontvangen';
  kanaal: string;
  cpaId: string;
  stufVersie: string;
}

export function routerenRoutes(ctx: PortalContext): Router {
  const r = Router();

  r.get(PATH, (_req, res) => {
    const { viewer } = requirePage(res, PATH);
    const first = productsOf(viewer).find((p) => p.berichtstroom !== null);
    if (!first) throw new GatewayError('ERR_FORBIDDEN', 'geen product met een routeertabel');
    res.redirect(303, `${PATH}/${first.id}`);
  });

  const load = async (req: Request, res: Response) => {
    const { viewer, entry, product } = requireProductPage(res, PATH, String(req.params.product));
    const gemeente = chooseGemeente(viewer, req.query.gemeente ?? (req.body as Record<string, unknown> | undefined)?.gemeente);
    const stroom = product.berichtstroom!;
    const routes = gemeente ? await ctx.routes.list({ gemeentecode: gemeente.code, berichtstroom: stroom }) : [];
    // Only activated CPAs of this gemeente and berichtstroom (seed 002 §3.3.5).
    const cpas = gemeente
      ? (await ctx.cpas.list({ status: 'geactiveerd', partyOins: gemeente.oins })).map((c) => cpaSummary(c))
        .filter((c) => c.status === 'geactiveerd' && (c.berichtstroom === null || c.berichtstroom.toLowerCase() === stroom))
      : [];
    const rows: Row[] = catalogue.filter((d) => d.berichtstroom === stroom).map((d) => {
      const richting = d.direction === 'gemeente->aanbieder' ? 'verzenden' as const : 'ontvangen' as const;
      const route = routes.find((x: RouteRecord) => x.berichttype === d.berichttype && x.richting === richting);
      return { berichttype: d.berichttype, name: d.name, richting, kanaal: route?.kanaal ?? '', cpaId: route?.cpaId ?? '', stufVersie: route?.stufVersie ?? '0210' };
    });
    return { viewer, entry, product, gemeente, cpas, rows };
  };

  const show = async (req: Request, res: Response, data: Awaited<ReturnType<typeof load>>, extra: Record<string, unknown> = {}, status = 200) => {
    renderPage(req, res, 'routeren.njk', {
      title: `Routeren ${data.product.label}`, ...data, tabs: productTabs(data.viewer, data.entry, data.product.id), action: `${PATH}/${data.product.id}`,
      stufVersies: STUF_VERSIES, statusLabels: STATUS_LABELS, errors: {}, ...extra,
    }, status);
  };

  r.get(`${PATH}/:product`, async (req, res) => { await show(req, res, await load(req, res)); });

  r.post(`${PATH}/:product`, async (req, res) => {
    const data = await load(req, res);
    const { viewer, product, gemeente, cpas } = data;
    if (!gemeente) throw new GatewayError('ERR_NOT_FOUND', 'geen gemeente');
    const posted = (req.body as Record<string, unknown>).r;
    const list = (Array.isArray(posted) ? posted : posted && typeof posted === 'object' ? Object.values(posted) : []) as Record<string, unknown>[];
    const errors: Record<string, string> = {};
    const inputs: RouteInput[] = [];
    const rows = data.rows.map((row) => {
      const p = list.find((x) => x && x.berichttype === row.berichttype && x.richting === row.richting);
      return p ? { ...row, kanaal: String(p.kanaal ?? ''), cpaId: String(p.cpaId ?? ''), stufVersie: String(p.stufVersie ?? row.stufVersie) } : row;
    });
    for (const row of rows) {
      if (row.kanaal === '') continue;
      const key = `${row.berichttype}-${row.richting}`;
      if (row.kanaal === 'digikoppeling' && !cpas.some((c) => c.cpaId === row.cpaId)) {
        errors[`${key}-cpaId`] = row.cpaId ? 'Kies een geactiveerde CPA van deze gemeente.' : 'Kies een CPA-profiel voor uitwisseling via Digikoppeling.';
        continue;
      }
      inputs.push({ gemeentecode: gemeente.code, berichtstroom: product.berichtstroom!, berichttype: row.berichttype, richting: row.richting,
        kanaal: row.kanaal, cpaId: row.kanaal === 'digikoppeling' ? row.cpaId : null, stufVersie: row.stufVersie });
    }
    if (Object.keys(errors).length === 0 && inputs.length > 0) {
      try {
        await ctx.routes.setAll(inputs, viewer.user.username);
        ctx.logger.info({ audit: true, action: 'routes saved', by: viewer.user.username, gemeentecode: gemeente.code, berichtstroom: product.berichtstroom, count: inputs.length }, 'portal routes saved');
        flash(req, 'ok', `De routering voor ${product.label} is opgeslagen en direct van kracht.`);
        res.redirect(303, `${PATH}/${product.id}?gemeente=${encodeURIComponent(gemeente.code)}`);
        return;
      } catch (e) {
        if (!isGatewayError(e) || e.code !== 'ERR_VALIDATION') throw e;
        for (const p of e.problems) {
          const m = /^routes\.(\d+)\.(\w+)/.exec(p.path);
          const input = m ? inputs[Number(m[1])] : undefined;
          if (input) errors[`${input.berichttype}-${input.richting}-${m![2]}`] ??= inDutch(p.message);
        }
      }
    } else if (Object.keys(errors).length === 0) {
      flash(req, 'error', 'Er is niets ingesteld om op te slaan.');
      res.redirect(303, `${PATH}/${product.id}?gemeente=${encodeURIComponent(gemeente.code)}`);
      return;
    }
    await show(req, res, { ...data, rows }, { errors }, 400);
  });
  return r;
}
