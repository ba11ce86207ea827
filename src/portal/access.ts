/**
 * Who is looking (issue 16 §1): the logged-in user, its organisation, the gemeenten it may act for and its rights.
 * Read from the store on every request, so a right taken away takes effect at the user's next click.
 *
 * A user acts for its own organisation's gemeente and for every gemeente whose authorised OINs (the registry)
 * include one of its organisation's own OINs: a samenwerkingsverband (registered with its OIN) or a hoofdgemeente
 * acts for the gemeenten that authorised it. An OIN registered as the code of another organisation (a service
 * provider registered as ketenpartner) is that organisation's, not the gemeente's own, so two gemeenten sharing a
 * service provider do not see each other. The hub operator's users see all gemeenten.
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

/** The OINs an organisation acts with itself (see the header). */
async function ownOins(store: Store, org: Organisation): Promise<string[]> {
  if (org.kind !== 'gemeente') return org.oins.length > 0 ? org.oins : [org.code];
  const out: string[] = [];
  for (const oin of org.oins) {
    const owner = (await store.organisations.findByCode('ketenpartner', oin)) ?? (await store.organisations.findByCode('knooppunt', oin));
    if (!owner) out.push(oin);
  }
  return out;
}

export async function gemeentenFor(store: Store, org: Organisation, isOperator: boolean): Promise<Organisation[]> {
  if (isOperator) return store.organisations.list({ kind: 'gemeente' });
  const byId = new Map<string, Organisation>();
  if (org.kind === 'gemeente') byId.set(org.id, org);
  for (const oin of await ownOins(store, org)) {
    for (const g of await store.organisations.findByOin(oin)) if (g.kind === 'gemeente') byId.set(g.id, g);
  }
  return [...byId.values()].sort((a, b) => a.code.localeCompare(b.code));
}

export function isOperatorOrg(org: Organisation, hubOin: string): boolean {
  return org.kind === 'knooppunt' && org.code === hubOin;
}
