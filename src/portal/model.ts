/**
 * Portal roles and products (issue 16 §1). Seed 001 §1.2: "Elke berichtstroom die uitgewisseld kan worden heeft
 * een eigen product waarvoor gebruikers apart geautoriseerd kunnen worden. Deze producten zijn iWmo, iJw, iEb
 * (CAK), PGB-Wmo en PGB-Jw." Seed 002 §3.3.2/§4: CPA Beheer and Routeren are for the productbeheerder.
 */
export type Role = 'gebruiker' | 'productbeheerder' | 'gebruikersbeheerder';
export const ROLES: readonly Role[] = ['gebruiker', 'productbeheerder', 'gebruikersbeheerder'];

export const ROLE_LABELS: Record<Role, string> = {
  gebruiker: 'Gebruiker',
  productbeheerder: 'Productbeheerder',
  gebruikersbeheerder: 'Gebruikersbeheerder',
};

export type ProductId = 'iwmo' | 'ijw' | 'ieb' | 'pgb-wmo' | 'pgb-jw';

export interface Product {
  id: ProductId;
  /** The seed's name (seed 001 §1.2). */
  label: string;
  /** The routing table's berichtstroom, for the products the hub routes today. */
  berichtstroom: 'iwmo' | 'ijw' | null;
  /** Berichttype prefix of the product's messages (WMO301, JW301…), for the mailbox and the Berichtenlog. */
  prefix: string | null;
}

export const PRODUCTS: readonly Product[] = [
  { id: 'iwmo', label: 'iWmo', berichtstroom: 'iwmo', prefix: 'WMO' },
  { id: 'ijw', label: 'iJw', berichtstroom: 'ijw', prefix: 'JW' },
  { id: 'ieb', label: 'iEb', berichtstroom: null, prefix: null },
  { id: 'pgb-wmo', label: 'PGB-Wmo', berichtstroom: null, prefix: null },
  { id: 'pgb-jw', label: 'PGB-Jw', berichtstroom: null, prefix: null },
];

export const PRODUCT_IDS: readonly ProductId[] = PRODUCTS.map((p) => p.id);

export function productById(id: string): Product | undefined {
  return PRODUCTS.find((p) => p.id === id);
}

/** The product a berichttype belongs to (WMO301 → iWmo, JW301 → iJw), or undefined. */
export function productOfBerichttype(berichttype: string | null): Product | undefined {
  if (!berichttype) return undefined;
  const t = berichttype.toUpperCase();
  return PRODUCTS.find((p) => p.prefix !== null && t.startsWith(p.prefix) && /^\d/.test(t.slice(p.prefix.length)));
}
