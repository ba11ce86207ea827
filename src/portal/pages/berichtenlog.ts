/**
 * Berichtenlog (seed 002 §7): sent and received messages of the gemeente, portal and Digikoppeling, accepted and
 * refused; a date range of at most a week back, filter on berichttype, `Tonen`. Only the products the user has a
 * right for are shown (a user without iJw sees no JW rows).
 */
import { Router } from 'express';
import { catalogue } from '../../istandaarden/catalogue.js';
import { BERICHTENLOG_MAX_DAYS, BerichtenlogService } from '../../routing/berichtenlog.js';
import { productsOf } from '../access.js';
import type { PortalContext } from '../context.js';
import { chooseGemeente, requirePage } from '../guard.js';
import { renderPage } from '../render.js';

const PATH = '/berichtenlog';
const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** YYYY-MM-DD of a moment in Europe/Amsterdam. */
function day(d: Date): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Amsterdam' }).format(d);
}

export function berichtenlogRoutes(ctx: PortalContext): Router {
  const r = Router();
  const log = new BerichtenlogService(ctx.store);

  r.get(PATH, async (req, res) => {
    const { viewer } = requirePage(res, PATH);
    const gemeente = chooseGemeente(viewer, req.query.gemeente);
    const products = productsOf(viewer).filter((p) => p.prefix !== null);
    const now = new Date();
    const today = day(now);
    const earliest = day(new Date(now.getTime() - BERICHTENLOG_MAX_DAYS * DAY_MS));
    const q = req.query as Record<string, unknown>;
    const form = {
      van: typeof q.van === 'string' && q.van !== '' ? q.van : today,
      tot: typeof q.tot === 'string' && q.tot !== '' ? q.tot : today,
      berichttype: typeof q.berichttype === 'string' ? q.berichttype : '',
    };
    const errors: Record<string, string> = {};
    if (!DAY.test(form.van) || Number.isNaN(Date.parse(form.van))) errors.van = 'Vul een datum in als JJJJ-MM-DD.';
    else if (form.van < earliest) errors.van = `U kunt tot maximaal een week geleden berichten opvragen (vanaf ${earliest}).`;
    if (!DAY.test(form.tot) || Number.isNaN(Date.parse(form.tot))) errors.tot = 'Vul een datum in als JJJJ-MM-DD.';
    else if (!errors.van && form.tot < form.van) errors.tot = 'De einddatum ligt vóór de begindatum.';
    const types = catalogue.filter((d) => products.some((p) => p.berichtstroom === d.berichtstroom)).map((d) => d.berichttype);
    if (form.berichttype !== '' && !types.includes(form.berichttype)) errors.berichttype = 'Kies een berichttype uit de lijst.';
    let rows: Awaited<ReturnType<BerichtenlogService['list']>> = [];
    if (gemeente && Object.keys(errors).length === 0 && products.length > 0) {
      // Whole days in Europe/Amsterdam: from 00:00 of `van` until 00:00 after `tot` (a margin of a day each side, then exact).
      const from = new Date(Date.parse(`${form.van}T00:00:00Z`) - DAY_MS);
      const to = new Date(Date.parse(`${form.tot}T00:00:00Z`) + 2 * DAY_MS);
      rows = (await log.list({ gemeentecode: gemeente.code, from, to, prefixes: products.map((p) => p.prefix!), ...(form.berichttype ? { berichttype: form.berichttype } : {}) }))
        .filter((e) => { const d = day(new Date(e.at)); return d >= form.van && d <= form.tot; });
    }
    renderPage(req, res, 'berichtenlog.njk', {
      title: 'Berichtenlog', gemeente, rows, form, errors, types, earliest, today, action: PATH,
    }, Object.keys(errors).length > 0 ? 400 : 200);
  });
  return r;
}
