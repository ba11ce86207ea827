/**
 * Who is looking (issue 16 §1): the logged-in user, its organisation, the gemeenten it may act for and its rights.
 * Read from the store on every request, so a right taken away takes effect at the user's next click.
 *
 * A gemeente's accounts act for that gemeente only. A samenwerkingsverband or hoofdgemeente that acts for several
 * gemeenten is registered as an organisation of its own with its OIN (kind ketenpartner, code = OIN); its accounts
 * act for every gemeente whose authorised OINs (the registry) include that OIN. An OIN shared by several gemeenten
 * (a service provider, a hoofdgemeente's OIN) therefore never lets one gemeente's staff see another's data. The hub
 * operator's accounts act for all gemeenten.
 */
import type { Organisation } from '../registry/model.js';
import type { Store } from '../store/store.js';
import { PRODUCTS, type Product, type ProductId, type Role } from './model.js';
import type { PortalUser } from './users.js';

export interface Viewer {
  user: PortalUser;
  organisation: Organisation;
  isOperator: boolean;
  /** Gemeenten this user may act for (all registered ones for the operator). */
  gemeenten: Organisation[];
}

export function hasRole(v: Viewer, role: Role): boolean {
  return v.user.roles.includes(role);
}

export function hasProduct(v: Viewer, product: ProductId): boolean {
  return v.user.products.includes(product);
}

/** Products the user has the right for, in the seed's order. */
export function productsOf(v: Viewer): Product[] {
  return PRODUCTS.filter((p) => hasProduct(v, p.id));
}

export async function gemeentenFor(store: Store, org: Organisation, isOperator: boolean): Promise<Organisation[]> {
  if (isOperator) return store.organisations.list({ kind: 'gemeente' });
  const byId = new Map<string, Organisation>();
  if (org.kind === 'gemeente') byId.set(org.id, org);
  else if (org.kind === 'ketenpartner') {
    for (const g of await store.organisations.findByOin(org.code)) if (g.kind === 'gemeente') byId.set(g.id, g);
  }
  return [...byId.values()].sort((a, b) => a.code.localeCompare(b.code));
}

export function isOperatorOrg(org: Organisation, hubOin: string): boolean {
  return org.kind === 'knooppunt' && org.code === hubOin;
}
