/**
 * The texts of the ZIP intake (seed 002 §5 "Foutomschrijvingen", seed 001 §3.2 and §4.1.1).
 *
 * Category 1 — the file as a whole cannot be read: the seed's own messages, no verwerkingsverslag.
 * Category 2 — per entry, in the verwerkingsverslag: the hub's GGk/StUF codes (IB002, StUF055, IB240, IB007 …)
 * from the HubProcessor, and for what is wrong with the entry as a file in the ZIP the ZIP codes below.
 */

/** Seed 002 §5 category 1, verbatim. */
export const FILE_NOT_ZIP = 'Bestand heeft niet de extensie “.zip”';
export const FILE_INVALID_ZIP = 'Het bestand is geen geldig zip-bestand';
/** "Bestand groter dan 1GB" for the default cap; the configured cap otherwise. */
export function fileTooLarge(maxBytes: number): string {
  const gb = maxBytes / (1024 * 1024 * 1024);
  const mb = maxBytes / (1024 * 1024);
  return `Bestand groter dan ${Number.isInteger(gb) ? `${gb}GB` : Number.isInteger(mb) ? `${mb}MB` : `${maxBytes} bytes`}`;
}

/** Per-entry refusals about the entry as a file in the ZIP (not about its StUF content). */
export const zipFoutcodes = {
  ZIP001: 'Het zip-bestand bevat een map; mappen zijn niet toegestaan',
  ZIP002: 'Bestand heeft niet de extensie .xml',
  ZIP003: 'Onveilige bestandsnaam (absoluut pad, .. of \\)',
  ZIP004: 'Versleutelde bestanden worden niet verwerkt',
  ZIP005: 'Compressieverhouding te hoog (zip-bom)',
  ZIP006: 'Bestand kan niet worden uitgepakt',
} as const;

export type ZipFoutcode = keyof typeof zipFoutcodes;

/** "Reden" of a ZIP refusal: the code's title, then the detail. */
export function zipReden(code: ZipFoutcode, detail?: string): string {
  return detail ? `${zipFoutcodes[code]}: ${detail}` : zipFoutcodes[code];
}
