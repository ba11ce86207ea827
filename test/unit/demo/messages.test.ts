import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { demoPayloads, di01, du01 } from '../../../src/demo/messages.js';
import { validatePayload } from '../../../src/istandaarden/validate.js';
import { packageRoot } from '../../../src/paths.js';
import { parseStufMessage } from '../../../src/stuf/parse.js';

/** The demo's own payloads (issue 6 §5): valid for our validator AND for xmllint with the official XSDs. */
const schemas = resolve(packageRoot, '..', 'shared', 'schemas');
const p = demoPayloads({ gemeentecode: '0363', andereGemeentecode: '0518', agb: '12345678', today: new Date('2025-03-04T10:00:00Z') });
const dir = mkdtempSync(join(tmpdir(), 'kp-demo-msg-'));

function xmllint(xml: string, xsd: string): string {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.xml`);
  writeFileSync(file, xml);
  const r = spawnSync('xmllint', ['--noout', '--schema', join(schemas, xsd), file], { encoding: 'utf8' });
  return r.stderr.replace(file, 'FILE').trim();
}

test.each([
  ['toewijzing', 'JW301'], ['retour', 'JW302'], ['verzoek', 'JW315'], ['antwoord', 'JW301'], ['andereGemeente', 'JW301'],
] as const)('%s is a valid %s for the istandaarden validator and for xmllint', (name, bt) => {
  expect(validatePayload(p[name])).toEqual({ berichttype: bt, version: '3.2', valid: true, problems: [] });
  expect(xmllint(p[name], `ijw-3.2/${bt}.xsd`)).toBe('FILE validates');
});

test('the broken JW301 is refused by both, for the Bsn pattern and the missing Geslacht', () => {
  const v = validatePayload(p.ongeldig);
  expect(v.valid).toBe(false);
  expect(v.problems.map((x) => [x.element, x.rule])).toEqual([
    ['/Bericht/Client/Bsn', 'pattern'],
    ['/Bericht/Client/Geslacht', 'minOccurs'],
  ]);
  expect(xmllint(p.ongeldig, 'ijw-3.2/JW301.xsd')).toMatch(/Bsn.*\n[\s\S]*fails to validate/);
});

test('the gemeentecodes and the retour header sit where the catalogue says', () => {
  expect(p.toewijzing).toContain('<jw301:Afzender>0363</jw301:Afzender><jw301:Ontvanger>12345678</jw301:Ontvanger>');
  expect(p.retour).toContain('<jw302:Afzender>0363</jw302:Afzender><jw302:Ontvanger>12345678</jw302:Ontvanger>');
  expect(p.retour).toContain('<ijw:Identificatie>TW-DEMO-0001</ijw:Identificatie>');
  expect(p.verzoek).toContain('<jw315:Afzender>12345678</jw315:Afzender><jw315:Ontvanger>0363</jw315:Ontvanger>');
  expect(p.antwoord).toContain('<jw301:ReferentieAanbieder>VOT-2025-0042</jw301:ReferentieAanbieder>');
  expect(p.andereGemeente).toContain('<jw301:Afzender>0518</jw301:Afzender>');
});

test('the envelopes validate against the ggk0210 XSD and carry the payload', () => {
  const heen = di01('JW301', { zender: { organisatie: '0363', applicatie: 'Demo' }, ontvanger: { organisatie: '12345678', applicatie: 'GGk' } }, p.toewijzing);
  const retour = du01('JW302', { zender: { organisatie: '12345678', applicatie: 'Demo' }, ontvanger: { organisatie: '0363', applicatie: 'GGk' } }, heen.referentienummer, p.retour);
  for (const e of [heen, retour]) expect(xmllint(e.xml, 'stuf-ggk0210/ggkberichten/ggk0210_msg_ggkberichten.xsd')).toBe('FILE validates');
  const parsed = parseStufMessage(retour.xml);
  expect(parsed).toMatchObject({ element: 'envelopRetourbericht-ggk_Du01', stuurgegevens: { crossRefnummer: heen.referentienummer, referentienummer: retour.referentienummer, functie: 'JW302' } });
});
