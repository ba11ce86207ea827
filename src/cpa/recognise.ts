import { BERICHTSTROMEN, loadBerichtstroomTemplate, type Berichtstroom, type DkProfile } from './templates.js';
import type { CollaborationProtocolAgreement, PartyInfo } from './model.js';

/**
 * What CPA Beheer records for a CPA it generated, recognised in an imported one (issue 10 item 9): the Digikoppeling
 * profile from the party's default channel (reliable → osb-rm, else osb-be; -s signed, -e encrypted, DK-34) and the
 * berichtstroom from the ProcessSpecification of a cpa-templates/<berichtstroom>.json template. Null when unknown.
 */
export function recogniseProfile(party: PartyInfo): DkProfile | null {
  const channel = party.DeliveryChannel.find((c) => c.channelId === party.defaultMshChannelId) ?? party.DeliveryChannel[0];
  if (!channel) return null;
  const sender = party.DocExchange.find((d) => d.docExchangeId === channel.docExchangeId)?.ebXMLSenderBinding;
  const reliable = channel.MessagingCharacteristics.ackRequested === 'always';
  const suffix = sender?.SenderDigitalEnvelope ? '-e' : sender?.SenderNonRepudiation ? '-s' : '';
  return `osb-${reliable ? 'rm' : 'be'}${suffix}` as DkProfile;
}

export function recogniseBerichtstroom(cpa: CollaborationProtocolAgreement, templatesDir?: string): Berichtstroom | null {
  const names = new Set(cpa.PartyInfo.flatMap((p) => p.CollaborationRole.map((r) => r.ProcessSpecification.name)));
  for (const b of BERICHTSTROMEN) {
    try {
      if (names.has(loadBerichtstroomTemplate(b, templatesDir).processSpecification.name)) return b;
    } catch { /* a template that does not load is reported by `cpa generate` */ }
  }
  return null;
}
