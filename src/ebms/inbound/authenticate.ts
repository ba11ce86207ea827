import { X509Certificate } from 'node:crypto';
import { isActiveAt } from '../../cpa/resolve.js';
import { partyByPartyId } from '../../cpa/resolve.js';
import type { CollaborationProtocolAgreement, PartyInfo } from '../../cpa/model.js';
import type { CpaRecord } from '../../store/store.js';
import type { TlsPeer } from '../transport/server.js';
import { EbmsError } from '../errors.js';
import type { MessageHeader } from '../envelope/model.js';
import { oinOf } from '../../registry/model.js';

const FROM_PARTY = '//Header/MessageHeader/From/PartyId';
const TO_PARTY = '//Header/MessageHeader/To/PartyId';
const CPA_ID = '//Header/MessageHeader/CPAId';

/** DER of the certificates a party presents as TLS client, per parsed CPA party (CpaService caches the model). */
const clientDerCache = new WeakMap<PartyInfo, Buffer[]>();

/** Certificates a party presents as TLS client (ClientCertificateRef of any of its Transports), as DER. */
function clientCertificates(party: PartyInfo): Buffer[] {
  let ders = clientDerCache.get(party);
  if (!ders) {
    const refs = new Set(party.Transport.map((t) => t.TransportSender?.TransportClientSecurity?.ClientCertificateRef).filter((r): r is string => !!r));
    ders = party.Certificate.filter((c) => refs.has(c.certId) && c.pem).map((c) => new X509Certificate(c.pem!).raw);
    clientDerCache.set(party, ders);
  }
  return ders;
}

/**
 * Pipeline step "peer certificate must match the CPA party": the TLS client certificate is the CPA's
 * ClientCertificateRef of the From party (ebms-core ClientCertificateValidator), and the OIN in its
 * subject.serialNumber equals the From PartyId (DK-16, BP EB005/EB014). Both From and To must be parties of the
 * CPA and To must be us. Every failure is a SecurityFailure/Inconsistent answered synchronously (the sender is
 * not yet known to be the CPA party, so nothing is sent to the CPA's endpoint and nothing is stored).
 */
export function authenticatePeer(cpa: CollaborationProtocolAgreement, h: MessageHeader, peer: TlsPeer, selfOin: string): PartyInfo {
  const fromParty = h.From.PartyId.map((id) => partyByPartyId(cpa, id)).find((p) => p !== undefined);
  if (!fromParty) throw new EbmsError('Inconsistent', FROM_PARTY, `From PartyId ${h.From.PartyId.map((p) => p.value).join(', ')} is not a party of CPA ${cpa.cpaid}`);
  const toParty = h.To.PartyId.map((id) => partyByPartyId(cpa, id)).find((p) => p !== undefined);
  if (!toParty || toParty === fromParty) throw new EbmsError('Inconsistent', TO_PARTY, `To PartyId ${h.To.PartyId.map((p) => p.value).join(', ')} is not the other party of CPA ${cpa.cpaid}`);
  if (!toParty.PartyId.some((id) => oinOf(id.value) === selfOin)) {
    throw new EbmsError('Inconsistent', TO_PARTY, `To PartyId is not this MSH (OIN ${selfOin})`);
  }
  const fromOins = new Set(h.From.PartyId.map((p) => oinOf(p.value)));
  if (!peer.oin || !fromOins.has(peer.oin)) {
    throw new EbmsError('SecurityFailure', FROM_PARTY, `TLS client certificate OIN ${peer.oin ?? '(none)'} does not equal the From PartyId (DK-16)`);
  }
  const allowed = clientCertificates(fromParty);
  if (!allowed.some((der) => der.equals(peer.raw))) {
    throw new EbmsError('SecurityFailure', FROM_PARTY, `TLS client certificate ${peer.fingerprint256} is not the ClientCertificate of ${fromParty.partyName} in CPA ${cpa.cpaid}`);
  }
  return fromParty;
}

/**
 * CPA usable for this message (b.7 rule 4): Status agreed and Start <= Timestamp <= End (ebms-core CPAValidator),
 * and for business messages our lifecycle: a CPA is used for business only after a successful Ping Pong
 * (seed 002 §3.3.5); Ping/Pong and Status signals are always allowed so that it can be activated.
 */
export function checkCpaUsable(cpa: CollaborationProtocolAgreement, record: CpaRecord, h: MessageHeader, isSignal: boolean): void {
  if (!isActiveAt(cpa, h.MessageData.Timestamp)) {
    throw new EbmsError('Inconsistent', CPA_ID, `CPA ${cpa.cpaid} is not agreed or not valid at ${h.MessageData.Timestamp.toISOString()}`);
  }
  if (record.status === 'ingetrokken' || record.status === 'verlopen') {
    throw new EbmsError('Inconsistent', CPA_ID, `CPA ${cpa.cpaid} is ${record.status}`);
  }
  if (!isSignal && record.status !== 'geactiveerd') {
    throw new EbmsError('Inconsistent', CPA_ID, `CPA ${cpa.cpaid} is not activated: run a Ping Pong test first (status ${record.status})`);
  }
}
