/**
 * Fo01 for a refused Di01/Du01 (StUF-GGk spec §2.3/§3.1): zender and ontvanger swapped relative to the refused
 * message, crossRefnummer = its referentienummer, a new UUID v4 referentienummer, tijdstipBericht now, and
 * the StufError's code, plek and omschrijving in the body.
 */
import { randomUUID } from 'node:crypto';
import { buildFo01Bericht, normaliseDetailsXml } from './build.js';
import type { StufError } from './errors.js';
import { FO01_ELEMENT } from './model.js';
import type { EnvelopStuurgegevens, Fo01Bericht, Fo01Stuurgegevens, GgkEnvelop, Systeem } from './model.js';
import { formatTijdstip } from './tijdstip.js';

export interface Fo01Options {
  /** Replaces the swapped zender, e.g. the knooppunt itself: { organisatie: 'IB', applicatie: 'GGK' }. */
  zender?: Systeem;
  /** Default: a new UUID v4. */
  referentienummer?: string;
  /** Default: now. */
  tijdstip?: Date;
  /** StUF:details when the error has none; see fo01Details(). */
  details?: string;
  /** StUF:detailsXML: a well-formed XML fragment, e.g. the refused envelope (XML declaration is dropped). */
  detailsXML?: string;
}

/** The stuurgegevens a Fo01 needs from the refused message (a Di01/Du01 or one recovered by peekStuurgegevens). */
export type RefusedStuurgegevens = Pick<EnvelopStuurgegevens | Fo01Stuurgegevens, 'zender' | 'ontvanger' | 'referentienummer'>;

/** Fo01 `details` convention of the chain: functie + '-' + applicatieVersie + applicatieSubversie (JW315-00010004). */
export function fo01Details(envelop: GgkEnvelop): string {
  return `${envelop.stuurgegevens.functie}-${envelop.parameters.applicatieVersie}${envelop.parameters.applicatieSubversie}`;
}

export function createFo01(ref: RefusedStuurgegevens, error: StufError, options: Fo01Options = {}): Fo01Bericht {
  const details = error.details ?? options.details;
  const fo01: Fo01Bericht = {
    element: FO01_ELEMENT,
    stuurgegevens: {
      berichtcode: 'Fo01',
      zender: { ...(options.zender ?? ref.ontvanger) },
      ontvanger: { ...ref.zender },
      referentienummer: options.referentienummer ?? randomUUID(),
      tijdstipBericht: formatTijdstip(options.tijdstip),
      crossRefnummer: ref.referentienummer,
    },
    body: { code: error.code, plek: error.plek, omschrijving: error.omschrijving },
  };
  if (details !== undefined) fo01.body.details = details;
  if (options.detailsXML !== undefined) fo01.body.detailsXML = normaliseDetailsXml(options.detailsXML);
  return fo01;
}

/** The Fo01 XML refusing `ref` with `error`; validates against ggk0210_msg_ggkberichten.xsd. */
export function buildFo01(ref: RefusedStuurgegevens, error: StufError, options: Fo01Options = {}): string {
  return buildFo01Bericht(createFo01(ref, error, options));
}
