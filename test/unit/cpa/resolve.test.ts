import { readFileSync } from 'node:fs';
import { generateCpa } from '../../../src/cpa/generate.js';
import { parseCpa } from '../../../src/cpa/parse.js';
import { isActiveAt, mshSignalChannel, partyByPartyId, resolve, type Resolved } from '../../../src/cpa/resolve.js';
import { testPki } from '../../helpers/pki.js';
import { adapterFields, hubIdentity } from './cpa-fixtures.js';

const pki = testPki();
const pem = (party: string, use: 'server' | 'client' | 'signing') => readFileSync(pki.files.parties[party]![use].cert, 'utf8');
const HUB = pki.files.parties.hub!.oin;
const GEM = pki.files.parties['gemeente-0363']!.oin;
const SERVICE = 'GGK:OntvangAsynchroon:0210';
const DI01 = 'envelopHeenbericht-ggk_Di01';

function cpaFor(profile: string, extra: Parameters<typeof adapterFields>[0] = {}) {
  return parseCpa(generateCpa(adapterFields({ profile, ...extra }), { hub: hubIdentity() }).xml);
}

function ok(r: ReturnType<typeof resolve>): Resolved {
  if (!r.ok) throw new Error(`expected a resolution, got ${r.errorCode}: ${r.description}`);
  return r;
}

describe('resolve (CPA decision rules, b.8)', () => {
  test('osb-rm-e gemeente -> hub: endpoint, acks, reliability, signing, encryption, TLS certificates', () => {
    const cpa = cpaFor('osb-rm-e');
    const r = ok(resolve(cpa, { fromPartyId: GEM, toPartyId: { value: HUB, type: 'urn:osb:oin' }, service: SERVICE, serviceType: 'urn:osb:services', action: DI01, role: 'Deelnemer' }));
    expect(r.sendingParty).toEqual({ partyName: 'Gemeente Amsterdam iJw', PartyId: [{ value: GEM, type: 'urn:osb:oin' }], role: 'Deelnemer' });
    expect(r.receivingParty.role).toBe('Knooppunt');
    expect(r.endpointUri).toBe('https://knooppunt.diginetwerk.example/ebms');
    expect(r.deliveryChannel.channelId).toBe('Deelnemer_Channel_osb-rm-e');
    expect(r.receiverDeliveryChannel.channelId).toBe('Knooppunt_Channel_osb-rm-e');
    expect(r.canSend.ThisPartyActionBinding.id).toBe('Deelnemer_CanSend_envelopHeenbericht-ggk_Di01');
    expect(r.canReceive.ThisPartyActionBinding.id).toBe('Knooppunt_CanReceive_envelopHeenbericht-ggk_Di01');
    expect([r.ackRequested, r.ackSignatureRequested, r.duplicateElimination, r.syncReplyMode, r.actor])
      .toEqual([true, true, true, 'none', 'urn:oasis:names:tc:ebxml-msg:actor:toPartyMSH']);
    // DK-08: the generator raised the default PersistDuration P1D to TimeToLive (27 h).
    expect(r.reliability).toEqual({ retries: 8, retryIntervalMs: 3 * 3600_000, persistDurationMs: 27 * 3600_000, timeToLiveMs: 27 * 3600_000 });
    expect(r.signing).toEqual({
      required: true, hashFunction: 'http://www.w3.org/2001/04/xmlenc#sha256',
      signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', senderSigningCertPem: pem('gemeente-0363', 'client'),
    });
    expect(r.encryption).toEqual({
      required: true, algorithm: 'http://www.w3.org/2009/xmlenc11#aes256-gcm',
      keyTransportAlgorithm: 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p', receiverEncryptionCertPem: pem('hub', 'signing'),
      algorithms: ['http://www.w3.org/2009/xmlenc11#aes256-gcm', 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p'],
    });
    expect(r.tls).toEqual({ senderClientCertPem: pem('gemeente-0363', 'client'), receiverServerCertPem: pem('hub', 'server') });
    expect(r.active).toBe(true);
  });

  test('hub -> gemeente uses the adapter endpoint and the hub signing certificate; toPartyId is optional', () => {
    const r = ok(resolve(cpaFor('osb-rm-s', { connectietype: 'internet' }), { fromPartyId: HUB, service: SERVICE, action: 'Fo01Bericht' }));
    expect(r.endpointUri).toBe('https://localhost:8443/ebms');
    expect(r.signing.senderSigningCertPem).toBe(pem('hub', 'signing'));
    expect(r.encryption).toEqual({ required: false, algorithm: null, keyTransportAlgorithm: null, algorithms: [], receiverEncryptionCertPem: null });
  });

  test('a separate adapter signing certificate is used for signing and encryption', () => {
    const cpa = cpaFor('osb-rm-e', { signingCertPem: pem('gemeente-0363', 'signing') });
    expect(ok(resolve(cpa, { fromPartyId: GEM, service: SERVICE, action: DI01 })).signing.senderSigningCertPem).toBe(pem('gemeente-0363', 'signing'));
    expect(ok(resolve(cpa, { fromPartyId: HUB, service: SERVICE, action: DI01 })).encryption.receiverEncryptionCertPem).toBe(pem('gemeente-0363', 'signing'));
  });

  test('osb-be: no acks, no retries, no signing; osb-rm with mshSignalsOnly', () => {
    const be = ok(resolve(cpaFor('osb-be'), { fromPartyId: GEM, service: SERVICE, action: DI01 }));
    expect([be.ackRequested, be.duplicateElimination, be.syncReplyMode, be.signing.required, be.encryption.required]).toEqual([false, false, 'none', false, false]);
    expect(be.reliability).toEqual({ retries: 0, retryIntervalMs: 0, persistDurationMs: 0, timeToLiveMs: null });
    const rm = ok(resolve(cpaFor('osb-rm', { syncReplyMode: 'mshSignalsOnly' }), { fromPartyId: GEM, service: SERVICE, action: DI01 }));
    expect([rm.ackRequested, rm.ackSignatureRequested, rm.syncReplyMode, rm.signing.required]).toEqual([true, false, 'mshSignalsOnly', false]);
  });

  test('signing needs isNonRepudiationRequired AND SenderNonRepudiation (EC rule)', () => {
    const cpa = cpaFor('osb-rm-s');
    cpa.PartyInfo[1]!.CollaborationRole[0]!.ServiceBinding.CanSend[0]!.ThisPartyActionBinding.BusinessTransactionCharacteristics.isNonRepudiationRequired = false;
    expect(ok(resolve(cpa, { fromPartyId: GEM, service: SERVICE, action: DI01 })).signing.required).toBe(false);
  });

  test.each([
    [{ fromPartyId: '00000099000000099999', service: SERVICE, action: DI01 }, 'Inconsistent', '//Header/MessageHeader/From/PartyId'],
    [{ fromPartyId: { value: GEM, type: 'urn:other' }, service: SERVICE, action: DI01 }, 'Inconsistent', '//Header/MessageHeader/From/PartyId'],
    [{ fromPartyId: GEM, toPartyId: '00000099000000099999', service: SERVICE, action: DI01 }, 'Inconsistent', '//Header/MessageHeader/To/PartyId'],
    [{ fromPartyId: GEM, toPartyId: GEM, service: SERVICE, action: DI01 }, 'Inconsistent', '//Header/MessageHeader/To/PartyId'],
    [{ fromPartyId: GEM, service: SERVICE, action: DI01, role: 'Knooppunt' }, 'ValueNotRecognized', '//Header/MessageHeader/From/Role'],
    [{ fromPartyId: GEM, service: SERVICE, action: 'Bestaatniet' }, 'ValueNotRecognized', '//Header/MessageHeader/Action'],
    [{ fromPartyId: GEM, service: 'Other:Service', action: DI01 }, 'ValueNotRecognized', '//Header/MessageHeader/Action'],
    [{ fromPartyId: GEM, service: SERVICE, serviceType: 'urn:other', action: DI01 }, 'ValueNotRecognized', '//Header/MessageHeader/Action'],
  ])('miss %#: %j -> %s at %s', (q, errorCode, location) => {
    const r = resolve(cpaFor('osb-rm-s'), q);
    expect(r.ok).toBe(false);
    expect(r).toMatchObject({ errorCode, location });
  });

  test('unknown action description names the service and action', () => {
    const cpa = cpaFor('osb-rm-s');
    expect(resolve(cpa, { fromPartyId: GEM, service: SERVICE, action: 'X' })).toEqual({
      ok: false, errorCode: 'ValueNotRecognized', location: '//Header/MessageHeader/Action',
      description: `CPA ${cpa.cpaid} has no CanSend for service "${SERVICE}" action "X"`,
    });
  });

  test('isActiveAt: agreed and Start <= at <= End', () => {
    const cpa = cpaFor('osb-rm-s');
    expect(isActiveAt(cpa, cpa.Start)).toBe(true);
    expect(isActiveAt(cpa, cpa.End)).toBe(true);
    expect(isActiveAt(cpa, new Date(cpa.Start.getTime() - 1))).toBe(false);
    expect(isActiveAt(cpa, new Date(cpa.End.getTime() + 1))).toBe(false);
    expect(ok(resolve(cpa, { fromPartyId: GEM, service: SERVICE, action: DI01 }, new Date(cpa.End.getTime() + 1))).active).toBe(false);
    cpa.Status = 'proposed';
    expect(isActiveAt(cpa, cpa.Start)).toBe(false);
  });

  test('mshSignalChannel: defaultMshChannelId, or OverrideMshActionBinding for that action', () => {
    const cpa = cpaFor('osb-rm-s');
    const def = mshSignalChannel(cpa, HUB)!;
    expect(def.deliveryChannel.channelId).toBe('Knooppunt_Channel_osb-rm-s');
    expect(def.endpointUri).toBe('https://knooppunt.diginetwerk.example/ebms');
    const hub = partyByPartyId(cpa, HUB)!;
    hub.DeliveryChannel.push({ ...hub.DeliveryChannel[0]!, channelId: 'Knooppunt_Pong', MessagingCharacteristics: { ...hub.DeliveryChannel[0]!.MessagingCharacteristics, syncReplyMode: 'mshSignalsOnly' } });
    hub.OverrideMshActionBinding.push({ action: 'Pong', channelId: 'Knooppunt_Pong' });
    expect(mshSignalChannel(cpa, HUB, 'Pong')!.deliveryChannel.channelId).toBe('Knooppunt_Pong');
    expect(mshSignalChannel(cpa, HUB, 'Acknowledgment')!.deliveryChannel.channelId).toBe('Knooppunt_Channel_osb-rm-s');
    expect(mshSignalChannel(cpa, '123')).toBeUndefined();
  });
});
