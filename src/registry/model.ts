/**
 * Organisation registry (architecture map "Parties and identities"): gemeenten by CBS gemeentecode with the OINs
 * authorised to act for them (a samenwerkingsverband or service provider may act for several), zorgaanbieders by
 * AGB code, chain partners (VECOZO, CAK, SVB…) by OIN, and the hub itself.
 */
export type OrganisationKind = 'gemeente' | 'zorgaanbieder' | 'ketenpartner' | 'knooppunt';

export const ORGANISATION_KINDS: readonly OrganisationKind[] = ['gemeente', 'zorgaanbieder', 'ketenpartner', 'knooppunt'];

export interface Organisation {
  /** `<kind>:<code>`, stable and readable, e.g. `gemeente:0363`. */
  id: string;
  kind: OrganisationKind;
  /** CBS gemeentecode (4 digits), AGB code (8 digits) or OIN (20 digits) for chain partners and the hub. */
  code: string;
  name: string;
  /** OINs authorised to act for this organisation on Digikoppeling. */
  oins: string[];
  createdAt: string;
}

export const GEMEENTECODE = /^\d{4}$/;
export const AGB_CODE = /^\d{8}$/;
/** OIN (IA ch06): 20 digits. PartyIds may add a non-production suffix (DK-15), the registry keeps the bare OIN. */
export const OIN = /^\d{20}$/;

/**
 * The OIN of a PartyId value: a non-production suffix _O/_T/_A/_OTA (DK-15) is not part of the OIN, and the
 * certificate's subject.serialNumber carries the bare OIN (DK-16).
 */
export function oinOf(partyIdValue: string): string {
  return partyIdValue.replace(/_(O|T|A|OTA|OT|TA)$/, '');
}

export function organisationId(kind: OrganisationKind, code: string): string {
  return `${kind}:${code}`;
}
