/**
 * Page guards: the role and product right a page needs (its NAV entry), checked on every request. A page the user
 * may not open is 403; a product the user has no right for is 404 (no hint that it exists for others).
 */
import type { Response } from 'express';
import { GatewayError } from '../errors.js';
import type { Organisation } from '../registry/model.js';
import { hasProduct, hasRole, type Viewer } from './access.js';
import { productById, type Product } from './model.js';
import { navEntry, type NavEntry } from './nav.js';

export function viewerOf(res: Response): Viewer {
  const v = res.locals.viewer as Viewer | undefined;
  if (!v) throw new GatewayError('ERR_UNAUTHENTICATED', 'niet ingelogd');
  return v;
}

/** The viewer, when it may open the page at `path` (its NAV entry's role). */
export function requirePage(res: Response, path: string): { viewer: Viewer; entry: NavEntry } {
  const viewer = viewerOf(res);
  const entry = navEntry(path);
  if (entry.role && !hasRole(viewer, entry.role)) throw new GatewayError('ERR_FORBIDDEN', `pagina ${entry.label} vraagt de rol ${entry.role}`);
  return { viewer, entry };
}

/** A per-product page: the product must exist, be one the user has the right for (and routed, if asked). */
export function requireProductPage(res: Response, path: string, productId: string): { viewer: Viewer; entry: NavEntry; product: Product } {
  const { viewer, entry } = requirePage(res, path);
  const product = productById(productId);
  if (!product || !hasProduct(viewer, product.id) || (entry.routedProductsOnly && product.berichtstroom === null)) {
    throw new GatewayError('ERR_NOT_FOUND', `geen product ${productId}`);
  }
  return { viewer, entry, product };
}

/**
 * The gemeente the page shows: `?gemeente=CODE` among those the viewer acts for, else the first. 404 for a code the
 * viewer may not act for (no hint whether it exists).
 */
export function chooseGemeente(viewer: Viewer, code: unknown): Organisation | null {
  if (code === undefined || code === '') return viewer.gemeenten[0] ?? null;
  const g = typeof code === 'string' ? viewer.gemeenten.find((o) => o.code === code) : undefined;
  if (!g) throw new GatewayError('ERR_NOT_FOUND', `geen gemeente ${String(code)}`);
  return g;
}
