/**
 * The 'done' criterion of issue 6 part 2: our structural validator and the official XSDs (xmllint, libxml2) agree on
 * valid/invalid for every document of a generated corpus (minimal + full instances and mutated variants), for every
 * iJw 3.2 and iWmo 3.2 berichttype that has an official XSD.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { catalogue } from '../../../src/istandaarden/catalogue.js';
import { validatePayload } from '../../../src/istandaarden/validate.js';
import { packageRoot } from '../../../src/paths.js';
import { corpus } from './corpus.js';
import type { CorpusDoc } from './corpus.js';

const schemas = resolve(packageRoot, '..', 'shared', 'schemas');

function xsdOf(berichttype: string): string {
  const dir = berichttype.startsWith('JW') ? 'ijw-3.2' : 'iwmo-3.2';
  return join(schemas, dir, `${berichttype}.xsd`);
}

/** xmllint's verdict per file (one process for all files of one schema). */
function xmllint(xsd: string, files: string[]): Map<string, boolean> {
  const r = spawnSync('xmllint', ['--noout', '--schema', xsd, ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const verdict = new Map<string, boolean>();
  for (const line of r.stderr.split('\n')) {
    const m = /^(\S+) (validates|fails to validate)$/.exec(line);
    if (m) verdict.set(m[1]!, m[2] === 'validates');
  }
  return verdict;
}

const withXsd = catalogue.map((d) => d.berichttype).filter((bt) => existsSync(xsdOf(bt)));

describe('validator agrees with the official XSDs (xmllint) on a generated corpus', () => {
  const dir = mkdtempSync(join(tmpdir(), 'istd-corpus-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('every iJw 3.2 type and the iWmo 3.2 heenberichten have an official XSD here', () => {
    expect(withXsd).toEqual([
      'JW301', 'JW302', 'JW305', 'JW306', 'JW307', 'JW308', 'JW315', 'JW316', 'JW317', 'JW318', 'JW319', 'JW320', 'JW323', 'JW325',
      'WMO301', 'WMO305', 'WMO307', 'WMO315', 'WMO317', 'WMO319', 'WMO323',
    ]);
  });

  test.each(withXsd)('%s: same verdict as xmllint for every corpus document', (bt) => {
    const docs: CorpusDoc[] = corpus(bt);
    const files = docs.map((d, i) => {
      const f = join(dir, `${bt}-${String(i).padStart(3, '0')}-${d.label.replace(/[^a-z0-9@-]/gi, '_')}.xml`);
      writeFileSync(f, d.xml);
      return f;
    });
    const lint = xmllint(xsdOf(bt), files);
    const disagreements: string[] = [];
    const wrongExpectation: string[] = [];
    docs.forEach((d, i) => {
      const official = lint.get(files[i]!);
      const ours = validatePayload(d.xml);
      if (official === undefined) disagreements.push(`${d.label}: xmllint gave no verdict`);
      else if (official !== ours.valid) {
        disagreements.push(`${d.label}: xmllint ${official ? 'valid' : 'invalid'}, ours ${ours.valid ? 'valid' : JSON.stringify(ours.problems)}`);
      }
      if (d.expect !== 'edge' && official !== (d.expect === 'valid')) wrongExpectation.push(`${d.label}: expected ${d.expect}`);
      if (!ours.valid) expect(ours.problems.length).toBeGreaterThan(0);
      expect(ours.berichttype).toBe(bt);
    });
    expect(disagreements).toEqual([]);
    expect(wrongExpectation).toEqual([]);
    // The corpus must really exercise both sides.
    expect(docs.filter((d) => d.expect === 'invalid').length).toBeGreaterThan(20);
    expect([...lint.values()].filter((v) => v).length).toBeGreaterThanOrEqual(3);
  });
});
