/**
 * The portal's navigation (issue 16 §2, seed 001 §4 / seed 002 §3–7): one entry per page, each with the role and
 * product right it needs. A page is added by (1) a route module in `src/portal/pages/`, (2) its template in
 * `views/portal/`, (3) an entry here with the role and whether it is per product — see docs/architecture.md.
 */
import { hasRole, productsOf, type Viewer } from './access.js';
import type { Role } from './model.js';

export interface NavEntry {
  /** Dutch label, the seed's tab name. */
  label: string;
  /** Path prefix; per-product pages live under `${path}/${productId}`. */
  path: string;
  /** Role needed besides gebruiker (every user has that). */
  role?: Role;
  /** Per product (Aanleveren, Ophalen, Routeren): shown only with a product right, one tab per product. */
  perProduct?: boolean;
  /** Only products routed by the hub today (iWmo, iJw) have a routing table. */
  routedProductsOnly?: boolean;
}

export const NAV: NavEntry[] = [
  { label: 'Aanleveren', path: '/aanleveren', perProduct: true },
  { label: 'Ophalen', path: '/ophalen', perProduct: true },
  { label: 'Berichtenlog', path: '/berichtenlog' },
  { label: 'CPA Beheer', path: '/cpa-beheer', role: 'productbeheerder' },
  { label: 'Routeren', path: '/routeren', role: 'productbeheerder', perProduct: true, routedProductsOnly: true },
  { label: 'Gebruikers', path: '/gebruikers', role: 'gebruikersbeheerder' },
  { label: 'Ketendata', path: '/ketendata' },
];

export interface NavItem {
  label: string;
  href: string;
  current: boolean;
}

/** Whether the viewer may open the entry at all (role, and for per-product pages at least one product). */
export function mayOpen(v: Viewer, e: NavEntry): boolean {
  if (e.role && !hasRole(v, e.role)) return false;
  if (e.perProduct) return productsOf(v).some((p) => !e.routedProductsOnly || p.berichtstroom !== null);
  return true;
}

export function navFor(v: Viewer, currentPath: string): NavItem[] {
  return NAV.filter((e) => mayOpen(v, e)).map((e) => ({ label: e.label, href: e.path, current: currentPath === e.path || currentPath.startsWith(`${e.path}/`) }));
}

/** Product tabs of a per-product page: only the products the viewer has a right for. */
export function productTabs(v: Viewer, e: NavEntry, currentProduct: string): NavItem[] {
  return productsOf(v).filter((p) => !e.routedProductsOnly || p.berichtstroom !== null)
    .map((p) => ({ label: p.label, href: `${e.path}/${p.id}`, current: p.id === currentProduct }));
}

export function navEntry(path: string): NavEntry {
  const e = NAV.find((n) => n.path === path);
  if (!e) throw new Error(`no navigation entry ${path}`);
  return e;
}
