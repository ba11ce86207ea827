/**
 * Aanleveren (seed 002 §3.1): the ZIP intake page per product. Until the intake (issue 16 §3) lands this page
 * says so; the product tabs and rights already apply.
 */
import { Router } from 'express';
import { GatewayError } from '../../errors.js';
import { productsOf } from '../access.js';
import type { PortalContext } from '../context.js';
import { requirePage, requireProductPage } from '../guard.js';
import { productTabs } from '../nav.js';
import { renderPage } from '../render.js';

const PATH = '/aanleveren';

export function aanleverenRoutes(_ctx: PortalContext): Router {
  const r = Router();
  r.get(PATH, (_req, res) => {
    const { viewer } = requirePage(res, PATH);
    const first = productsOf(viewer)[0];
    if (!first) throw new GatewayError('ERR_FORBIDDEN', 'geen product');
    res.redirect(303, `${PATH}/${first.id}`);
  });
  r.get(`${PATH}/:product`, (req, res) => {
    const { viewer, entry, product } = requireProductPage(res, PATH, String(req.params.product));
    renderPage(req, res, 'aanleveren.njk', { title: `Aanleveren ${product.label}`, product, tabs: productTabs(viewer, entry, product.id) });
  });
  return r;
}
