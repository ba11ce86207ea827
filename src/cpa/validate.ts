import { GatewayError } from '../errors.js';
import { ACTOR_NEXT_MSH, ACTOR_TO_PARTY_MSH, type CollaborationProtocolAgreement, type ParseIssue, type PartyInfo } from './model.js';
import { durationToMs, formatDuration } from './duration.js';
import { parseCpa, type ParseOptions } from './parse.js';
import { formatDateTime } from './serialize.js';
import { checkCertificates, checkDocExchanges, checkTransports } from './validate-security.js';
import type { CpaProblem, CpaValidationResult, ValidateOptions } from './validate-types.js';

export type { CpaProblem, CpaProblemCode, CpaValidationResult, ValidateOptions } from './validate-types.js';
export { toProblems } from './validate-types.js';

/**
 * Validate any CPA (also ones knooppunt did not generate) against cpp-cpa-2_0.xsd structure (as far as the parser
 * sees it) and the Digikoppeling rules. Collects EVERY problem with severity and an XPath-like location; never
 * stops at the first. EC `validateCPA` rejects proposed/expired/Start>=End and only logs unsupported parts; here
 * the unsupported parts the MSH cannot honour are errors ("unsupported: ...").
 */

const ROOT = '/CollaborationProtocolAgreement';
export const OIN_PARTY_ID = /^\d{20}(_(O|T|A|OTA))?$/;

const PARSE_CODES: Record<ParseIssue['kind'], Pick<CpaProblem, 'code' | 'severity'>> = {
  missing: { code: 'STRUCTURE', severity: 'error' },
  invalid: { code: 'INVALID_VALUE', severity: 'error' },
  unknown: { code: 'UNKNOWN_ELEMENT', severity: 'error' },
  unsupported: { code: 'UNSUPPORTED', severity: 'warning' }, // ignored parts (EC only logs these)
  empty: { code: 'EMPTY_VALUE', severity: 'warning' }, // schema-valid but empty
};

export function validateCpa(cpa: CollaborationProtocolAgreement, options: ValidateOptions = {}): CpaValidationResult {
  const now = options.now ?? new Date();
  const problems: CpaProblem[] = [];
  const add = (p: CpaProblem): void => { problems.push(p); };
  for (const i of cpa.parseIssues) add({ ...PARSE_CODES[i.kind], location: i.location, message: i.message });

  if (cpa.Status && cpa.Status !== 'agreed') {
    add({ code: 'STATUS', severity: 'error', location: `${ROOT}/Status/@value`, message: `Status is "${cpa.Status}"; only an agreed CPA can be used` });
  }
  const startOk = !Number.isNaN(cpa.Start.getTime());
  const endOk = !Number.isNaN(cpa.End.getTime());
  if (startOk && endOk && cpa.Start >= cpa.End) {
    add({ code: 'PERIOD', severity: 'error', location: `${ROOT}/End`, message: `End ${formatDateTime(cpa.End)} is not after Start ${formatDateTime(cpa.Start)}` });
  }
  if (endOk && cpa.End < now) add({ code: 'EXPIRED', severity: 'error', location: `${ROOT}/End`, message: `the CPA expired on ${formatDateTime(cpa.End)}` });
  if (startOk && cpa.Start > now) add({ code: 'NOT_YET_ACTIVE', severity: 'warning', location: `${ROOT}/Start`, message: `the CPA is not active before ${formatDateTime(cpa.Start)}` });
  if (cpa.PartyInfo.length !== 2) {
    add({ code: 'PARTY_COUNT', severity: 'error', location: ROOT, message: `exactly two PartyInfo elements are required, found ${cpa.PartyInfo.length}` });
  }

  checkIds(cpa, add);
  cpa.PartyInfo.forEach((p, i) => {
    const base = `${ROOT}/PartyInfo[${i + 1}]`;
    checkPartyIds(p, base, add);
    checkRoles(p, base, add);
    checkRefs(cpa, p, i, base, add);
    checkChannels(p, base, add);
    checkPersistDuration(p, base, now, add);
    checkTransports(p, base, add);
    checkDocExchanges(p, base, options, add);
    checkCertificates(cpa, p, base, now, add);
  });
  if (cpa.PartyInfo.length === 2) checkCanSendMatches(cpa, add);
  return { valid: !problems.some((p) => p.severity === 'error'), problems };
}

/** Parse and validate XML; a document that cannot be read as a CPA gives one `XML` problem. */
export function validateCpaXml(xml: string, options: ValidateOptions & ParseOptions = {}): CpaValidationResult & { cpa?: CollaborationProtocolAgreement } {
  let cpa: CollaborationProtocolAgreement;
  try {
    cpa = parseCpa(xml, options);
  } catch (e) {
    if (e instanceof GatewayError && e.code === 'ERR_CPA_INVALID') {
      return { valid: false, problems: [{ code: 'XML', severity: 'error', location: '/', message: e.message }] };
    }
    throw e;
  }
  return { ...validateCpa(cpa, options), cpa };
}

function checkPartyIds(p: PartyInfo, base: string, add: (p: CpaProblem) => void): void {
  p.PartyId.forEach((id, j) => {
    const loc = `${base}/PartyId[${j + 1}]`;
    if (!id.type) add({ code: 'PARTYID_TYPE', severity: 'error', location: `${loc}/@type`, message: `PartyId "${id.value}" has no type (DK-15)` });
    else if (id.type === 'urn:osb:oin') {
      if (!OIN_PARTY_ID.test(id.value)) add({ code: 'OIN_FORMAT', severity: 'error', location: loc, message: `"${id.value}" is not an OIN: 20 digits, optionally followed by _O, _T, _A or _OTA (DK-15)` });
    } else add({ code: 'PARTYID_TYPE', severity: 'warning', location: `${loc}/@type`, message: `PartyId type "${id.type}" is not urn:osb:oin; new partners use their OIN (DK-15)` });
  });
}

function checkRoles(p: PartyInfo, base: string, add: (p: CpaProblem) => void): void {
  const names = [...new Set(p.CollaborationRole.map((r) => r.Role.name))];
  if (names.length > 1) {
    add({ code: 'ROLE_COUNT', severity: 'error', location: base, message: `a party has exactly one role in a CPA, found ${names.length}: ${names.join(', ')} (DK-17)` });
  }
}

/** XML IDs must be unique in the document (cpp-cpa-2_0.xsd type ID). */
function checkIds(cpa: CollaborationProtocolAgreement, add: (p: CpaProblem) => void): void {
  const seen = new Map<string, string>();
  const see = (id: string, loc: string): void => {
    if (!id) return;
    const first = seen.get(id);
    if (first) add({ code: 'DUPLICATE_ID', severity: 'error', location: loc, message: `id "${id}" is also used at ${first}` });
    else seen.set(id, loc);
  };
  cpa.PartyInfo.forEach((p, i) => {
    const b = `${ROOT}/PartyInfo[${i + 1}]`;
    p.CollaborationRole.forEach((r, k) => {
      const sb = `${b}/CollaborationRole[${k + 1}]/ServiceBinding`;
      r.ServiceBinding.CanSend.forEach((s, j) => see(s.ThisPartyActionBinding.id, `${sb}/CanSend[${j + 1}]/ThisPartyActionBinding/@id`));
      r.ServiceBinding.CanReceive.forEach((s, j) => see(s.ThisPartyActionBinding.id, `${sb}/CanReceive[${j + 1}]/ThisPartyActionBinding/@id`));
    });
    p.Certificate.forEach((c, j) => see(c.certId, `${b}/Certificate[${j + 1}]/@certId`));
    p.SecurityDetails.forEach((s, j) => see(s.securityId, `${b}/SecurityDetails[${j + 1}]/@securityId`));
    p.DeliveryChannel.forEach((d, j) => see(d.channelId, `${b}/DeliveryChannel[${j + 1}]/@channelId`));
    p.Transport.forEach((t, j) => see(t.transportId, `${b}/Transport[${j + 1}]/@transportId`));
    p.DocExchange.forEach((d, j) => see(d.docExchangeId, `${b}/DocExchange[${j + 1}]/@docExchangeId`));
  });
  cpa.SimplePart.forEach((s, j) => see(s.id, `${ROOT}/SimplePart[${j + 1}]/@id`));
  cpa.Packaging.forEach((pk, j) => {
    see(pk.id, `${ROOT}/Packaging[${j + 1}]/@id`);
    pk.CompositeList.forEach((cl, k) => cl.forEach((c, m) => see(c.id, `${ROOT}/Packaging[${j + 1}]/CompositeList[${k + 1}]/${c.kind}[${m + 1}]/@id`)));
  });
}

/** Every IDREF resolves, and to the right kind of element of the right party. */
function checkRefs(cpa: CollaborationProtocolAgreement, p: PartyInfo, index: number, base: string, add: (p: CpaProblem) => void): void {
  const other = cpa.PartyInfo[index === 0 ? 1 : 0];
  const channels = new Set(p.DeliveryChannel.map((d) => d.channelId));
  const certs = new Set(p.Certificate.map((c) => c.certId));
  const allCerts = new Set(cpa.PartyInfo.flatMap((q) => q.Certificate.map((c) => c.certId)));
  const security = new Set(p.SecurityDetails.map((s) => s.securityId));
  const packages = new Set(cpa.Packaging.map((pk) => pk.id));
  const ref = (value: string | undefined, set: Set<string>, loc: string, what: string): void => {
    if (value === undefined || value === '' || set.has(value)) return; // empty: reported by the parser
    add({ code: 'IDREF', severity: 'error', location: loc, message: `"${value}" does not resolve to ${what}` });
  };
  ref(p.defaultMshChannelId, channels, `${base}/@defaultMshChannelId`, 'a DeliveryChannel of this party');
  ref(p.defaultMshPackageId, packages, `${base}/@defaultMshPackageId`, 'a Packaging');
  const transports = new Set(p.Transport.map((t) => t.transportId));
  const docExchanges = new Set(p.DocExchange.map((d) => d.docExchangeId));
  p.DeliveryChannel.forEach((d, j) => {
    ref(d.transportId, transports, `${base}/DeliveryChannel[${j + 1}]/@transportId`, 'a Transport of this party');
    ref(d.docExchangeId, docExchanges, `${base}/DeliveryChannel[${j + 1}]/@docExchangeId`, 'a DocExchange of this party');
  });
  p.OverrideMshActionBinding.forEach((o, j) => ref(o.channelId, channels, `${base}/OverrideMshActionBinding[${j + 1}]/@channelId`, 'a DeliveryChannel of this party'));
  const otherBindings = (kind: 'CanSend' | 'CanReceive') => new Set((other?.CollaborationRole ?? []).flatMap((r) => r.ServiceBinding[kind].map((s) => s.ThisPartyActionBinding.id)));
  p.CollaborationRole.forEach((r, k) => {
    const sb = `${base}/CollaborationRole[${k + 1}]/ServiceBinding`;
    for (const kind of ['CanSend', 'CanReceive'] as const) {
      const counterpart = otherBindings(kind === 'CanSend' ? 'CanReceive' : 'CanSend');
      r.ServiceBinding[kind].forEach((s, j) => {
        const loc = `${sb}/${kind}[${j + 1}]`;
        const b = s.ThisPartyActionBinding;
        ref(b.packageId, packages, `${loc}/ThisPartyActionBinding/@packageId`, 'a Packaging');
        b.ChannelId.forEach((c, m) => ref(c, channels, `${loc}/ThisPartyActionBinding/ChannelId[${m + 1}]`, 'a DeliveryChannel of this party'));
        if (b.ChannelId.length > 1) add({ code: 'UNSUPPORTED', severity: 'error', location: `${loc}/ThisPartyActionBinding`, message: `unsupported: ${b.ChannelId.length} ChannelIds for one action (one delivery channel per action)` });
        ref(s.OtherPartyActionBinding, counterpart, `${loc}/OtherPartyActionBinding`, `a ${kind === 'CanSend' ? 'CanReceive' : 'CanSend'} action binding of the other party`);
      });
    }
  });
  p.Transport.forEach((t, j) => {
    const loc = `${base}/Transport[${j + 1}]`;
    const cs = t.TransportSender?.TransportClientSecurity;
    ref(cs?.ClientCertificateRef, certs, `${loc}/TransportSender/TransportClientSecurity/ClientCertificateRef/@certId`, 'a Certificate of this party');
    ref(cs?.ServerSecurityDetailsRef, security, `${loc}/TransportSender/TransportClientSecurity/ServerSecurityDetailsRef/@securityId`, 'a SecurityDetails of this party');
    const ss = t.TransportReceiver?.TransportServerSecurity;
    ref(ss?.ServerCertificateRef, certs, `${loc}/TransportReceiver/TransportServerSecurity/ServerCertificateRef/@certId`, 'a Certificate of this party');
    ref(ss?.ClientSecurityDetailsRef, security, `${loc}/TransportReceiver/TransportServerSecurity/ClientSecurityDetailsRef/@securityId`, 'a SecurityDetails of this party');
  });
  p.DocExchange.forEach((d, j) => {
    const loc = `${base}/DocExchange[${j + 1}]`;
    const s = d.ebXMLSenderBinding;
    const r = d.ebXMLReceiverBinding;
    ref(s?.SenderNonRepudiation?.SigningCertificateRef, certs, `${loc}/ebXMLSenderBinding/SenderNonRepudiation/SigningCertificateRef/@certId`, 'a Certificate of this party');
    ref(s?.SenderDigitalEnvelope?.EncryptionSecurityDetailsRef, security, `${loc}/ebXMLSenderBinding/SenderDigitalEnvelope/EncryptionSecurityDetailsRef/@securityId`, 'a SecurityDetails of this party');
    ref(r?.ReceiverNonRepudiation?.SigningSecurityDetailsRef, security, `${loc}/ebXMLReceiverBinding/ReceiverNonRepudiation/SigningSecurityDetailsRef/@securityId`, 'a SecurityDetails of this party');
    ref(r?.ReceiverDigitalEnvelope?.EncryptionCertificateRef, certs, `${loc}/ebXMLReceiverBinding/ReceiverDigitalEnvelope/EncryptionCertificateRef/@certId`, 'a Certificate of this party');
  });
  p.SecurityDetails.forEach((s, j) => s.AnchorCertificateRef.forEach((a, m) =>
    ref(a, allCerts, `${base}/SecurityDetails[${j + 1}]/TrustAnchors/AnchorCertificateRef[${m + 1}]/@certId`, 'a Certificate')));
}

/** MessagingCharacteristics allowed by DK-06 (sync reply) and DK-07 (reliable vs best effort), DK-14 (no multi-hop). */
function checkChannels(p: PartyInfo, base: string, add: (p: CpaProblem) => void): void {
  p.DeliveryChannel.forEach((d, j) => {
    const loc = `${base}/DeliveryChannel[${j + 1}]/MessagingCharacteristics`;
    const m = d.MessagingCharacteristics;
    const docExchange = p.DocExchange.find((x) => x.docExchangeId === d.docExchangeId);
    if (m.syncReplyMode !== 'none' && m.syncReplyMode !== 'mshSignalsOnly') {
      add({ code: 'UNSUPPORTED', severity: 'error', location: `${loc}/@syncReplyMode`, message: `unsupported: syncReplyMode "${m.syncReplyMode}" (none or mshSignalsOnly only, DK-06)` });
    }
    if (m.actor === ACTOR_NEXT_MSH) add({ code: 'UNSUPPORTED', severity: 'error', location: `${loc}/@actor`, message: 'unsupported: actor nextMSH (multi-hop is never used, DK-14)' });
    for (const a of ['ackRequested', 'duplicateElimination', 'ackSignatureRequested'] as const) {
      if (m[a] === 'perMessage') add({ code: 'MESSAGING', severity: 'error', location: `${loc}/@${a}`, message: `${a} "perMessage" is not allowed; always or never (DK-07)` });
    }
    if (m.ackRequested === 'always') {
      if (m.duplicateElimination !== 'always') add({ code: 'MESSAGING', severity: 'error', location: `${loc}/@duplicateElimination`, message: 'duplicateElimination must be always when ackRequested is always (reliable messaging, DK-07)' });
      if (m.actor !== ACTOR_TO_PARTY_MSH && m.actor !== ACTOR_NEXT_MSH) add({ code: 'MESSAGING', severity: 'error', location: `${loc}/@actor`, message: `actor must be ${ACTOR_TO_PARTY_MSH} when ackRequested is always (DK-07)` });
      if (docExchange && !docExchange.ebXMLSenderBinding?.ReliableMessaging) {
        add({ code: 'RELIABILITY', severity: 'warning', location: `${base}/DocExchange[${p.DocExchange.indexOf(docExchange) + 1}]/ebXMLSenderBinding`, message: 'no ReliableMessaging (Retries, RetryInterval) for a reliable channel: the message is sent once' });
      }
    } else if (m.ackRequested === 'never') {
      if (m.syncReplyMode !== 'none') add({ code: 'MESSAGING', severity: 'error', location: `${loc}/@syncReplyMode`, message: 'syncReplyMode must be none for best effort (ackRequested never, DK-06)' });
      if (m.duplicateElimination === 'always') add({ code: 'MESSAGING', severity: 'warning', location: `${loc}/@duplicateElimination`, message: 'duplicateElimination always with ackRequested never: best effort does not eliminate duplicates (DK-07)' });
    }
  });
}

/**
 * DK-08: PersistDuration (how long the receiver remembers a MessageId; ebms-core CPAUtils.getPersistTime) must be
 * at least TimeToLive = RetryInterval x (Retries + 1) (how long the sender may resend; ebms-core
 * EbMSMessageFactory.createTimeToLive), else a late resend is taken for a new message and delivered twice.
 */
function checkPersistDuration(p: PartyInfo, base: string, now: Date, add: (p: CpaProblem) => void): void {
  const ms = (text: string | undefined): number | null => {
    if (text === undefined) return null;
    try {
      return durationToMs(text, now);
    } catch {
      return null; // an invalid duration is reported by the parser
    }
  };
  p.DocExchange.forEach((d, j) => {
    const bindings = [['ebXMLSenderBinding', d.ebXMLSenderBinding], ['ebXMLReceiverBinding', d.ebXMLReceiverBinding]] as const;
    const rm = d.ebXMLSenderBinding?.ReliableMessaging ?? d.ebXMLReceiverBinding?.ReliableMessaging;
    for (const [name, b] of bindings) {
      const r = b?.ReliableMessaging ?? rm;
      const interval = ms(r?.RetryInterval);
      const persist = ms(b?.PersistDuration);
      if (!r || interval === null || persist === null) continue;
      const ttl = interval * ((r.Retries ?? 0) + 1);
      if (persist < ttl) {
        add({
          code: 'RELIABILITY', severity: 'warning', location: `${base}/DocExchange[${j + 1}]/${name}/PersistDuration`,
          message: `PersistDuration ${b!.PersistDuration} is shorter than TimeToLive ${formatDuration(ttl)} (RetryInterval ${r.RetryInterval} x (Retries ${r.Retries ?? 0} + 1)): a message resent after PersistDuration is not recognised as a duplicate (DK-08)`,
        });
      }
    }
  });
}

/** Each CanSend of one party has a CanReceive for the same Service (value, type) and action at the other party. */
function checkCanSendMatches(cpa: CollaborationProtocolAgreement, add: (p: CpaProblem) => void): void {
  cpa.PartyInfo.forEach((p, i) => {
    const other = cpa.PartyInfo[i === 0 ? 1 : 0]!;
    const receives = new Set(other.CollaborationRole.flatMap((r) => r.ServiceBinding.CanReceive.map((c) => `${r.ServiceBinding.Service.type ?? ''}|${r.ServiceBinding.Service.value}|${c.ThisPartyActionBinding.action}`)));
    p.CollaborationRole.forEach((r, k) => r.ServiceBinding.CanSend.forEach((s, j) => {
      const svc = r.ServiceBinding.Service;
      if (!receives.has(`${svc.type ?? ''}|${svc.value}|${s.ThisPartyActionBinding.action}`)) {
        add({
          code: 'CANSEND_UNMATCHED', severity: 'error', location: `${ROOT}/PartyInfo[${i + 1}]/CollaborationRole[${k + 1}]/ServiceBinding/CanSend[${j + 1}]`,
          message: `no CanReceive at the other party for service "${svc.value}" action "${s.ThisPartyActionBinding.action}"`,
        });
      }
    }));
  });
}
