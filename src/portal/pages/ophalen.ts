/**
 * Ophalen (seed 001 §4.2, seed 002 §6): the gemeente's Portaal mailbox per product. Download one (marks it
 * `gelezen`), `Download selectie` as one ZIP, take the `gelezen` mark away, `Verwijder selectie`, and `download alle
 * niet eerder gedownloade bestanden`. Every action goes through the MailboxService with the gemeente's scope.
 */
import { Router, type Request, type Response } from 'express';
import { GatewayError } from '../../errors.js';
import type { MailboxItem } from '../../store/store.js';
import type { PortalContext } from '../context.js';
import { chooseGemeente, requirePage, requireProductPage } from '../guard.js';
import { productOfBerichttype, type Product } from '../model.js';
import { productTabs } from '../nav.js';
import { flash, renderPage } from '../render.js';
import { productsOf } from '../access.js';

const PATH = '/ophalen';

/** Content-Disposition with an ASCII fallback and the RFC 6266/5987 UTF-8 name. */
export function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

function ofProduct(items: MailboxItem[], product: Product): MailboxItem[] {
  return items.filter((i) => productOfBerichttype(i.berichttype)?.id === product.id);
}

function idsOf(body: Record<string, unknown>): string[] {
  const v = body.ids;
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');
}

export function ophalenRoutes(ctx: PortalContext): Router {
  const r = Router();

  r.get(PATH, (_req, res) => {
    const { viewer } = requirePage(res, PATH);
    const first = productsOf(viewer)[0];
    if (!first) throw new GatewayError('ERR_FORBIDDEN', 'geen product');
    res.redirect(303, `${PATH}/${first.id}`);
  });

  const load = async (req: Request, res: Response) => {
    const { viewer, entry, product } = requireProductPage(res, PATH, String(req.params.product));
    const gemeente = chooseGemeente(viewer, req.query.gemeente ?? (req.body as Record<string, unknown> | undefined)?.gemeente);
    return { viewer, entry, product, gemeente };
  };

  r.get(`${PATH}/:product`, async (req, res) => {
    const { viewer, entry, product, gemeente } = await load(req, res);
    const items = gemeente ? ofProduct(await ctx.mailbox.list({ organisationId: gemeente.id }), product) : [];
    renderPage(req, res, 'ophalen.njk', {
      title: `Ophalen ${product.label}`, product, gemeente, items, tabs: productTabs(viewer, entry, product.id),
      action: `${PATH}/${product.id}`,
    });
  });

  r.post(`${PATH}/:product`, async (req, res) => {
    const { product, gemeente } = await load(req, res);
    if (!gemeente) throw new GatewayError('ERR_NOT_FOUND', 'geen gemeente');
    const scope = { organisationId: gemeente.id };
    const body = req.body as Record<string, unknown>;
    const back = `${PATH}/${product.id}?gemeente=${encodeURIComponent(gemeente.code)}`;
    // Only items of this product and this gemeente: anything else is "not found" (no hint it exists elsewhere).
    const mine = async (ids: string[]) => {
      const items = await Promise.all(ids.map((id) => ctx.mailbox.get(scope, id)));
      if (items.some((i) => productOfBerichttype(i.berichttype)?.id !== product.id)) throw new GatewayError('ERR_NOT_FOUND', 'geen bestand');
      return items;
    };
    const sendZip = async (ids: string[]) => {
      const { zip } = await ctx.mailbox.downloadZip(scope, ids);
      res.setHeader('Content-Type', 'application/zip');
      res.setHeader('Content-Disposition', attachment(`${product.id}-${gemeente.code}-${new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}.zip`));
      res.send(zip);
    };

    if (typeof body.download === 'string') {
      const [item] = await mine([body.download]);
      const { content } = await ctx.mailbox.download(scope, item!.id);
      res.setHeader('Content-Type', item!.contentType);
      res.setHeader('Content-Disposition', attachment(item!.bestandsnaam));
      res.send(content);
      return;
    }
    const actie = body.actie;
    if (actie === 'nieuw') {
      const unread = ofProduct(await ctx.mailbox.list(scope, { read: false }), product);
      if (unread.length === 0) { flash(req, 'ok', 'Er zijn geen bestanden die u nog niet eerder downloadde.'); res.redirect(303, back); return; }
      await sendZip(unread.map((i) => i.id));
      return;
    }
    const ids = idsOf(body);
    if (ids.length === 0) { flash(req, 'error', 'Selecteer eerst een of meer bestanden.'); res.redirect(303, back); return; }
    await mine(ids);
    if (actie === 'selectie') { await sendZip(ids); return; }
    if (actie === 'ongelezen') {
      for (const id of ids) await ctx.mailbox.setRead(scope, id, false);
      flash(req, 'ok', `De markering ‘gelezen’ is verwijderd bij ${ids.length} bestand(en); ze worden niet na 168 uur verwijderd.`);
    } else if (actie === 'verwijder') {
      for (const id of ids) await ctx.mailbox.delete(scope, id);
      flash(req, 'ok', `${ids.length} bestand(en) verwijderd. U vindt ze nog 60 dagen terug in de Berichtenlog.`);
    } else throw new GatewayError('ERR_VALIDATION', 'onbekende actie');
    res.redirect(303, back);
  });
  return r;
}
