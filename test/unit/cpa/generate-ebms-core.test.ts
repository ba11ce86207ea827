import { ValidationError } from '../../../src/errors.js';
import { encryptionVariantOf } from '../../../src/cpa/encryption-variant.js';
import { generateCpa } from '../../../src/cpa/generate.js';
import { EBMS_CORE_ENCRYPTION_WARNING, type CpaBeheerFields } from '../../../src/cpa/generate-input.js';
import { validateCpa, validateCpaXml } from '../../../src/cpa/validate.js';
import { adapterFields, hubIdentity, xmllint } from './cpa-fixtures.js';

/** Issue 18: the per-CPA encryption choice and PersistDuration >= TimeToLive (DK-08) in the generator and validator. */
const hub = hubIdentity();
const AES256_CBC = 'http://www.w3.org/2001/04/xmlenc#aes256-cbc';
const RSA_1_5 = 'http://www.w3.org/2001/04/xmlenc#rsa-1_5';

function problemsOf(fields: CpaBeheerFields): { path: string; message: string }[] {
  try {
    generateCpa(fields, { hub });
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).problems;
  }
  throw new Error('expected a ValidationError');
}

const persistDurations = (xml: string) => [...xml.matchAll(/<tns:PersistDuration>([^<]+)<\/tns:PersistDuration>/g)].map((m) => m[1]);

describe('cpa generate --encryption', () => {
  test.each(['osb-be-e', 'osb-rm-e'])('%s ebms-core: aes256-cbc first, rsa-1_5, valid per the XSD, with the weaker-than-DK-28 warning', (profile) => {
    const g = generateCpa(adapterFields({ profile, encryption: 'ebms-core' }), { hub });
    for (const p of g.cpa.PartyInfo) {
      for (const d of p.DocExchange) {
        expect(d.ebXMLReceiverBinding!.ReceiverDigitalEnvelope!.EncryptionAlgorithm.map((a) => a.value)).toEqual([AES256_CBC, RSA_1_5]);
        expect(d.ebXMLSenderBinding!.SenderDigitalEnvelope!.EncryptionAlgorithm.map((a) => a.value)).toEqual([AES256_CBC, RSA_1_5]);
      }
    }
    expect(g.encryption).toBe('ebms-core');
    expect(encryptionVariantOf(g.cpa)).toBe('ebms-core');
    expect(g.warnings).toEqual([{ path: 'encryption', severity: 'warning', message: EBMS_CORE_ENCRYPTION_WARNING }]);
    expect(EBMS_CORE_ENCRYPTION_WARNING).toMatch(/weaker than Digikoppeling's rule \(DK-28: AES-GCM with RSA-OAEP\)/);
    const [status, out] = xmllint(g.xml);
    expect(out.trim()).toBe('cpa.xml validates');
    expect(status).toBe(0);
    // `cpa validate`: usable (no error), the legacy algorithms reported as warnings where they stand
    const v = validateCpaXml(g.xml);
    expect(v.valid).toBe(true);
    expect(v.problems.filter((p) => p.code === 'ENCRYPTION').map((p) => [p.severity, p.location.replace(/PartyInfo\[\d\]/, 'PartyInfo[n]')]))
      .toContainEqual(['warning', '/CollaborationProtocolAgreement/PartyInfo[n]/DocExchange[1]/ebXMLReceiverBinding/ReceiverDigitalEnvelope/EncryptionAlgorithm[2]']);
  });

  test('the default stays Digikoppeling (AES-256-GCM + RSA-OAEP) without a warning', () => {
    for (const encryption of [undefined, 'digikoppeling']) {
      const g = generateCpa(adapterFields({ profile: 'osb-rm-e', ...(encryption ? { encryption } : {}) }), { hub });
      expect(g.encryption).toBe('digikoppeling');
      expect(encryptionVariantOf(g.cpa)).toBe('digikoppeling');
      expect(g.cpa.PartyInfo[0]!.DocExchange[0]!.ebXMLReceiverBinding!.ReceiverDigitalEnvelope!.EncryptionAlgorithm[0]!.value).toBe('http://www.w3.org/2009/xmlenc11#aes256-gcm');
      expect(g.warnings).toEqual([]);
    }
    expect(encryptionVariantOf(generateCpa(adapterFields({ profile: 'osb-rm-s' }), { hub }).cpa)).toBeNull();
  });

  test('ebms-core only for the encrypted profiles; an unknown variant is refused at its field', () => {
    expect(problemsOf(adapterFields({ profile: 'osb-rm-s', encryption: 'ebms-core' })))
      .toEqual([{ path: 'encryption', message: 'ebms-core applies only to the encrypted profiles osb-be-e and osb-rm-e' }]);
    expect(problemsOf(adapterFields({ profile: 'osb-rm-e', encryption: 'aes-cbc' })))
      .toEqual([{ path: 'encryption', message: 'must be one of digikoppeling, ebms-core' }]);
  });
});

describe('PersistDuration >= TimeToLive = RetryInterval x (Retries + 1) (DK-08)', () => {
  test('the defaults (8 retries of PT3H: TimeToLive 27 h) give PersistDuration P1DT3H, silently', () => {
    const g = generateCpa(adapterFields({ profile: 'osb-rm-s' }), { hub });
    expect(persistDurations(g.xml)).toEqual(['P1DT3H', 'P1DT3H', 'P1DT3H', 'P1DT3H']);
    expect(g.warnings).toEqual([]);
  });

  test('an explicit shorter value is raised to TimeToLive and the generator says so at the field', () => {
    const g = generateCpa(adapterFields({ profile: 'osb-rm-e', retries: 5, retryInterval: 'PT2H', persistDuration: 'PT6H' }), { hub });
    expect(persistDurations(g.xml)).toEqual(['PT12H', 'PT12H', 'PT12H', 'PT12H']);
    expect(g.warnings).toEqual([{
      path: 'persistDuration', severity: 'warning',
      message: 'PT6H is shorter than TimeToLive PT12H (RetryInterval PT2H x (Retries 5 + 1)); set to PT12H so a resent message is still recognised as a duplicate (DK-08)',
    }]);
  });

  test('an explicit value at least TimeToLive is kept as given', () => {
    const g = generateCpa(adapterFields({ profile: 'osb-rm', retries: 5, retryInterval: 'PT2H', persistDuration: 'PT12H' }), { hub });
    expect(persistDurations(g.xml)).toEqual(['PT12H', 'PT12H', 'PT12H', 'PT12H']);
    expect(g.warnings).toEqual([]);
    expect(persistDurations(generateCpa(adapterFields({ profile: 'osb-rm', persistDuration: 'P7D' }), { hub }).xml)[0]).toBe('P7D');
  });

  test('best effort has no ReliableMessaging and no PersistDuration', () => {
    for (const profile of ['osb-be', 'osb-be-s', 'osb-be-e']) {
      const g = generateCpa(adapterFields({ profile, persistDuration: 'PT1H' }), { hub });
      expect(persistDurations(g.xml)).toEqual([]);
      expect(g.warnings).toEqual([]);
    }
  });

  test('every generated reliable CPA has PersistDuration >= TimeToLive and `cpa validate` is silent about it', () => {
    for (const profile of ['osb-rm', 'osb-rm-s', 'osb-rm-e']) {
      for (const [retries, retryInterval] of [[0, 'PT1M'], [8, 'PT3H'], [100, 'PT3H'], [3, 'P1D']] as const) {
        const g = generateCpa(adapterFields({ profile, retries, retryInterval }), { hub });
        expect(validateCpa(g.cpa).problems.filter((p) => p.code === 'RELIABILITY')).toEqual([]);
      }
    }
  });

  test('`cpa validate` warns where PersistDuration is shorter than TimeToLive, with the location', () => {
    const g = generateCpa(adapterFields({ profile: 'osb-rm-s' }), { hub });
    const xml = g.xml.replaceAll('<tns:PersistDuration>P1DT3H</tns:PersistDuration>', '<tns:PersistDuration>P1D</tns:PersistDuration>');
    const r = validateCpaXml(xml);
    expect(r.valid).toBe(true);
    const rel = r.problems.filter((p) => p.code === 'RELIABILITY');
    expect(rel.map((p) => [p.severity, p.location])).toEqual([1, 2].flatMap((i) => ['ebXMLSenderBinding', 'ebXMLReceiverBinding'].map((b) =>
      ['warning', `/CollaborationProtocolAgreement/PartyInfo[${i}]/DocExchange[1]/${b}/PersistDuration`])));
    expect(rel[0]!.message).toBe('PersistDuration P1D is shorter than TimeToLive P1DT3H (RetryInterval PT3H x (Retries 8 + 1)): a message resent after PersistDuration is not recognised as a duplicate (DK-08)');
  });
});
