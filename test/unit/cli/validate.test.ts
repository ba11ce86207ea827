import { closeSync, mkdtempSync, openSync, ftruncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerValidate, validateFiles } from '../../../src/cli/validate.js';
import { MAX_ENVELOPE_BYTES } from '../../../src/stuf/model.js';
import { di01, du01, payload } from '../routing/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'knooppunt-validate-'));
function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
const REF = '3f2c8a9e-1b4d-4c6e-9f0a-7b8c9d0e1f2a';
const NO_BSN = payload('jw301').replace('<jw301:Bsn>999993653</jw301:Bsn>', '');

describe('knooppunt validate', () => {
  test('valid envelopes and bare messages: exit 0, one OK line each', () => {
    const files = [file('di01.xml', di01({ referentienummer: REF })), file('du01.xml', du01(REF)), file('jw315.xml', payload('jw315'))];
    expect(validateFiles(files)).toEqual({ exitCode: 0, lines: [
      `${files[0]}: OK envelopHeenbericht-ggk_Di01 JW301`,
      `${files[1]}: OK envelopRetourbericht-ggk_Du01 JW302`,
      `${files[2]}: OK JW315 (3.2)`,
    ] });
  });

  test('a bare message that breaks the schema: StUF055 naming element and rule', () => {
    const f = file('bad.xml', NO_BSN);
    expect(validateFiles([f])).toEqual({ exitCode: 1, lines: [`${f}: StUF055 /Bericht/Client/Bsn: minOccurs: required element Bsn is missing before Geboortedatum`] });
  });

  test('every registry-free problem of an envelope is listed, in Fo01 priority order', () => {
    const bad = di01({ referentienummer: REF }, NO_BSN.replace('<jw301:BerichtCode>436<', '<jw301:BerichtCode>437<'))
      .replace(REF, '12345678-1234-1234-1234-123456789012');
    const f = file('envelop-bad.xml', bad);
    expect(validateFiles([f])).toEqual({ exitCode: 1, lines: [
      `${f}: IB009 GGK:stuurgegevens/StUF:referentienummer: "12345678-1234-1234-1234-123456789012" is geen UUID versie 4`,
      `${f}: StUF055 /Bericht/Header/BerichtCode: pattern: '437' does not match 436 (LDT_BerichtCode)`,
      `${f}: StUF055 /Bericht/Client/Bsn: minOccurs: required element Bsn is missing before Geboortedatum`,
      `${f}: IB240 GGK:stuurgegevens/StUF:functie: functie JW301 hoort bij BerichtCode 436, het bericht heeft BerichtCode 437`,
    ] });
  });

  test('envelope structure (RIN001), unreadable file, oversized file (IB007), DOCTYPE; one bad file makes the exit code 1', () => {
    const ok = file('ok.xml', payload('jw301'));
    const rin = file('rin.xml', di01({ referentienummer: REF }).replace(/<StUF:functie>JW301<\/StUF:functie>/, ''));
    const doctype = file('doctype.xml', payload('jw301').replace('<?xml version="1.0" encoding="UTF-8"?>\n', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "x">]>'));
    const big = join(dir, 'big.xml');
    const fd = openSync(big, 'w');
    ftruncateSync(fd, MAX_ENVELOPE_BYTES + 1);
    closeSync(fd);
    const missing = join(dir, 'missing.xml');
    const r = validateFiles([ok, rin, doctype, big, missing]);
    expect(r.exitCode).toBe(1);
    expect(r.lines).toEqual([
      `${ok}: OK JW301 (3.2)`,
      `${rin}: RIN001 GGK:stuurgegevens/StUF:functie: envelop niet conform XSD: required element is missing`,
      expect.stringMatching(new RegExp(`^${doctype.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: StUF055 /: doctype: `)),
      `${big}: IB007 -: Bestand is ${MAX_ENVELOPE_BYTES + 1} bytes, maximaal ${MAX_ENVELOPE_BYTES} bytes toegestaan`,
      expect.stringMatching(new RegExp(`^${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot read: ENOENT`)),
    ]);
  });

  test('the command prints the lines and sets the exit code', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const { log, error } = console;
    console.log = (l: string) => { out.push(l); };
    console.error = (l: string) => { err.push(l); };
    const before = process.exitCode;
    try {
      const program = new Command('knooppunt').exitOverride();
      registerValidate(program);
      const good = file('cmd-ok.xml', payload('jw302'));
      const bad = file('cmd-bad.xml', NO_BSN);
      await program.parseAsync(['node', 'knooppunt', 'validate', good, bad]);
      expect(process.exitCode).toBe(1);
      expect(out).toEqual([`${good}: OK JW302 (3.2)`]);
      expect(err).toEqual([`${bad}: StUF055 /Bericht/Client/Bsn: minOccurs: required element Bsn is missing before Geboortedatum`]);
    } finally {
      console.log = log;
      console.error = error;
      process.exitCode = before;
    }
  });
});
