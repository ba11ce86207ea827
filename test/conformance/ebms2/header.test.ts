/**
 * ebMS2 conformance, b.7 rule 5: the MessageHeader and the reliability/sync header blocks against the CPA (as
 * ebms-core's MessageHeaderValidator asserts them). osb-rm + mshSignalsOnly answers synchronously (HTTP 200 with the
 * MessageError); osb-be + none answers with HTTP 204 and queues the MessageError for the sender's endpoint.
 */
import type { Pair } from '../../helpers/msh.js';
import { editSoap, expectAccepted, expectMessageError, pairFor, prepareDi01, replaceOnce, toHub, type Prepared } from './conformance.js';

const MH = '//Header/MessageHeader';
const NEXT_MSH = 'urn:oasis:names:tc:ebxml-msg:actor:nextMSH';
const TO_PARTY_MSH = 'urn:oasis:names:tc:ebxml-msg:actor:toPartyMSH';

describe('b.7-5 header checks, osb-rm + mshSignalsOnly (sync MessageError)', () => {
  let pair: Pair;
  let msg: Prepared;
  beforeAll(async () => { pair = await pairFor('osb-rm', 'mshSignalsOnly'); });
  beforeEach(async () => { msg = await prepareDi01(pair); });
  afterAll(() => pair.close());

  const refused = async (edit: (xml: string) => string, errorCode: string, location: string, mode: 'sync' | 'async' = 'sync') =>
    expectMessageError(pair.hub, await toHub(pair, editSoap(msg, edit)), msg.messageId, errorCode, location, mode);

  test('b.7-5 eb:version 2.1 on MessageHeader → Inconsistent @ //Header/MessageHeader/@version', () =>
    refused((x) => replaceOnce(x, '<eb:MessageHeader eb:version="2.0"', '<eb:MessageHeader eb:version="2.1"'), 'Inconsistent', `${MH}/@version`));

  test('b.7-5 From PartyId not in the CPA → Inconsistent @ //Header/MessageHeader/From/PartyId', () =>
    refused((x) => replaceOnce(x, `>${pair.gemeente.oin}</eb:PartyId>`, '>00000099000000099999</eb:PartyId>'), 'Inconsistent', `${MH}/From/PartyId`));

  test('b.7-5 To PartyId not in the CPA → Inconsistent @ //Header/MessageHeader/To/PartyId', () =>
    refused((x) => replaceOnce(x, `>${pair.hub.oin}</eb:PartyId>`, '>00000099000000099999</eb:PartyId>'), 'Inconsistent', `${MH}/To/PartyId`));

  test('b.7-5 From PartyId with a type the CPA does not give it → Inconsistent @ //Header/MessageHeader/From/PartyId', () =>
    refused((x) => replaceOnce(x, `<eb:PartyId eb:type="urn:osb:oin">${pair.gemeente.oin}<`, `<eb:PartyId eb:type="urn:example:kvk">${pair.gemeente.oin}<`), 'Inconsistent', `${MH}/From/PartyId`));

  test('ebMS 2.0 §3.1.1 From/Role absent (as Hermes sends) → accepted: the CPA gives the sender one role for this action', async () =>
    expectAccepted(await toHub(pair, editSoap(msg, (x) => replaceOnce(x, '<eb:Role>Deelnemer</eb:Role>', '')))));

  test('ebMS 2.0 §3.1.1 To/Role absent → accepted: the CPA gives the receiver one role for this action', async () =>
    expectAccepted(await toHub(pair, editSoap(msg, (x) => replaceOnce(x, '<eb:Role>Knooppunt</eb:Role>', '')))));

  test('ebMS 2.0 §3.1.1 From and To without Role → accepted', async () =>
    expectAccepted(await toHub(pair, editSoap(msg, (x) => replaceOnce(replaceOnce(x, '<eb:Role>Knooppunt</eb:Role>', ''), '<eb:Role>Deelnemer</eb:Role>', '')))));

  test('b.7-5 From/Role not a role of the sender (no CanSend) → ValueNotRecognized @ //Header/MessageHeader/Action', () =>
    refused((x) => replaceOnce(x, '<eb:Role>Deelnemer</eb:Role>', '<eb:Role>Onbekend</eb:Role>'), 'ValueNotRecognized', `${MH}/Action`));

  test('b.7-5 To/Role not the receiving role (no CanReceive) → ValueNotRecognized @ //Header/MessageHeader/Action', () =>
    refused((x) => replaceOnce(x, '<eb:Role>Knooppunt</eb:Role>', '<eb:Role>Deelnemer</eb:Role>'), 'ValueNotRecognized', `${MH}/Action`));

  test('b.7-5 unknown Action → ValueNotRecognized @ //Header/MessageHeader/Action', () =>
    refused((x) => replaceOnce(x, '<eb:Action>envelopHeenbericht-ggk_Di01</eb:Action>', '<eb:Action>onbekendeActie</eb:Action>'), 'ValueNotRecognized', `${MH}/Action`));

  test('b.7-5 unknown Service → ValueNotRecognized @ //Header/MessageHeader/Action', () =>
    refused((x) => replaceOnce(x, '>GGK:OntvangAsynchroon:0210</eb:Service>', '>GGK:Onbekend:0000</eb:Service>'), 'ValueNotRecognized', `${MH}/Action`));

  test('b.7-5 Service with another type → ValueNotRecognized @ //Header/MessageHeader/Action', () =>
    refused((x) => replaceOnce(x, '<eb:Service eb:type="urn:osb:services">', '<eb:Service eb:type="urn:example:other">'), 'ValueNotRecognized', `${MH}/Action`));

  test('b.7-5 RefToMessageId of no known message → ValueNotRecognized @ //Header/MessageHeader/MessageData/RefToMessageId', () =>
    refused((x) => replaceOnce(x, '</eb:Timestamp>', '</eb:Timestamp><eb:RefToMessageId>nooit-gezien@example.org</eb:RefToMessageId>'), 'ValueNotRecognized', `${MH}/MessageData/RefToMessageId`));

  test('b.7-5 RefToMessageId of a message the hub has seen → accepted', async () => {
    const first = await prepareDi01(pair);
    expectAccepted(await toHub(pair, first));
    const w = editSoap(msg, (x) => replaceOnce(x, '</eb:Timestamp>', `</eb:Timestamp><eb:RefToMessageId>${first.messageId}</eb:RefToMessageId>`));
    expectAccepted(await toHub(pair, w));
  });

  test('b.7-5 TimeToLive passed → TimeToLiveExpired @ //Header/MessageHeader/MessageData/TimeToLive', () =>
    refused((x) => x.replace(/<eb:TimeToLive>[^<]+<\/eb:TimeToLive>/, `<eb:TimeToLive>${new Date(Date.now() - 1000).toISOString()}</eb:TimeToLive>`), 'TimeToLiveExpired', `${MH}/MessageData/TimeToLive`));

  test('b.7-5 DuplicateElimination absent while the CPA says always → Inconsistent @ //Header/MessageHeader/DuplicateElimination', () =>
    refused((x) => replaceOnce(x, '<eb:DuplicateElimination/>', ''), 'Inconsistent', `${MH}/DuplicateElimination`));

  test('b.7-5 AckRequested absent while the CPA says always → Inconsistent @ //Header/AckRequested', () =>
    refused((x) => x.replace(/<eb:AckRequested [^>]*\/>/, ''), 'Inconsistent', '//Header/AckRequested'));

  test('b.7-5 AckRequested eb:version 1.0 → Inconsistent @ //Header/AckRequested/@version', () =>
    refused((x) => x.replace(/<eb:AckRequested eb:version="2.0"/, '<eb:AckRequested eb:version="1.0"'), 'Inconsistent', '//Header/AckRequested/@version'));

  test('b.7-5 AckRequested signed="true" while the CPA says ackSignatureRequested never → Inconsistent @ //Header/AckRequested/@signed', () =>
    refused((x) => replaceOnce(x, 'eb:signed="false"', 'eb:signed="true"'), 'Inconsistent', '//Header/AckRequested/@signed'));

  test('b.7-5 AckRequested actor nextMSH → NotSupported @ //Header/AckRequested/@actor', () =>
    refused((x) => replaceOnce(x, `SOAP:actor="${TO_PARTY_MSH}"`, `SOAP:actor="${NEXT_MSH}"`), 'NotSupported', '//Header/AckRequested/@actor'));

  test('b.7-5 AckRequested actor neither toPartyMSH nor nextMSH → Inconsistent @ //Header/AckRequested/@actor', () =>
    refused((x) => replaceOnce(x, `SOAP:actor="${TO_PARTY_MSH}"`, 'SOAP:actor="urn:example:someone"'), 'Inconsistent', '//Header/AckRequested/@actor'));

  test('b.7-5 SyncReply absent while the CPA says mshSignalsOnly → Inconsistent @ //Header/SyncReply (answered async: no SyncReply)', () =>
    refused((x) => x.replace(/<eb:SyncReply [^>]*\/>/, ''), 'Inconsistent', '//Header/SyncReply', 'async'));

  test('b.7-5 SyncReply with another actor → Inconsistent @ //Header/SyncReply/@actor', () =>
    refused((x) => replaceOnce(x, 'SOAP:actor="http://schemas.xmlsoap.org/soap/actor/next"', 'SOAP:actor="urn:example:someone"'), 'Inconsistent', '//Header/SyncReply/@actor'));

  test('b.7-5 MessageOrder → NotSupported @ //Header/MessageOrder (DK-13)', () =>
    refused((x) => replaceOnce(x, '</eb:MessageHeader>', '</eb:MessageHeader><eb:MessageOrder eb:version="2.0" SOAP:mustUnderstand="1"><eb:SequenceNumber eb:status="Reset">0</eb:SequenceNumber></eb:MessageOrder>'), 'NotSupported', '//Header/MessageOrder'));
});

describe('b.7-5 header checks, osb-be + none (HTTP 204, MessageError queued)', () => {
  let pair: Pair;
  let msg: Prepared;
  beforeAll(async () => { pair = await pairFor('osb-be', 'none'); });
  beforeEach(async () => { msg = await prepareDi01(pair); });
  afterAll(() => pair.close());

  const refused = async (edit: (xml: string) => string, errorCode: string, location: string, mode: 'sync' | 'async' = 'async') =>
    expectMessageError(pair.hub, await toHub(pair, editSoap(msg, edit)), msg.messageId, errorCode, location, mode);
  const ack = `<eb:AckRequested eb:version="2.0" SOAP:mustUnderstand="1" SOAP:actor="${TO_PARTY_MSH}" eb:signed="false"/>`;

  test('b.7-5 DuplicateElimination present while the CPA says never → Inconsistent @ //Header/MessageHeader/DuplicateElimination', () =>
    refused((x) => replaceOnce(x, '</eb:MessageData>', '</eb:MessageData><eb:DuplicateElimination/>'), 'Inconsistent', `${MH}/DuplicateElimination`));

  test('b.7-5 AckRequested present while the CPA says never → Inconsistent @ //Header/AckRequested', () =>
    refused((x) => replaceOnce(x, '</eb:MessageHeader>', `</eb:MessageHeader>${ack}`), 'Inconsistent', '//Header/AckRequested'));

  test('b.7-5 SyncReply present while the CPA says none → Inconsistent @ //Header/SyncReply (answered in the HTTP response it asked for)', () =>
    refused((x) => replaceOnce(x, '</eb:MessageHeader>', '</eb:MessageHeader><eb:SyncReply eb:version="2.0" SOAP:mustUnderstand="1" SOAP:actor="http://schemas.xmlsoap.org/soap/actor/next"/>'), 'Inconsistent', '//Header/SyncReply', 'sync'));

  test('b.7-5 the MessageError of an async refusal goes to the gemeente endpoint of the CPA', async () => {
    const out = await toHub(pair, editSoap(msg, (x) => replaceOnce(x, '<eb:MessageHeader eb:version="2.0"', '<eb:MessageHeader eb:version="3.0"')));
    await expectMessageError(pair.hub, out, msg.messageId, 'Inconsistent', `${MH}/@version`, 'async');
    const rec = (await pair.hub.store.messages.listByRef('out', msg.messageId))[0]!;
    expect((await pair.hub.store.outbox.get(rec.id))?.endpoint).toBe('https://localhost:9443/gemeente/ebms');
  });
});

describe('ebMS 2.0 §3.1.1 Role absent and ambiguous', () => {
  let pair: Pair;
  beforeAll(async () => { pair = await pairFor('osb-rm', 'mshSignalsOnly'); });
  afterAll(() => pair.close());

  test('From/Role absent while the CPA gives the sender two roles for the action → Inconsistent @ //Header/MessageHeader/From/Role', async () => {
    const msg = await prepareDi01(pair);
    // A CPA that passes validation gives a party one role (DK-17, ROLE_COUNT): the model the pipeline uses gets a second.
    const { cpa } = await pair.hub.cpas.require(pair.cpaId);
    const gemeente = cpa.PartyInfo.find((p) => p.PartyId.some((id) => id.value === pair.gemeente.oin))!;
    const role = gemeente.CollaborationRole[0]!;
    gemeente.CollaborationRole.push({ ...role, Role: { ...role.Role, name: 'Deelnemer2' } });
    expect((await pair.hub.cpas.require(pair.cpaId)).cpa).toBe(cpa);
    await expectMessageError(pair.hub, await toHub(pair, editSoap(msg, (x) => replaceOnce(x, '<eb:Role>Deelnemer</eb:Role>', ''))), msg.messageId, 'Inconsistent', `${MH}/From/Role`, 'sync');
    // With the Role named, the same CPA resolves.
    expectAccepted(await toHub(pair, await prepareDi01(pair)));
  });
});
