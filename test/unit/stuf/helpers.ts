/** Test helpers for src/stuf: the official ggk0210 schemas and examples (never copied into the repo) and xmllint. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { packageRoot } from '../../../src/paths.js';
import type { EnvelopInput } from '../../../src/stuf/build.js';
import { xmlBestand } from '../../../src/stuf/build.js';

export const ggkDir = resolve(packageRoot, '..', 'shared', 'schemas', 'stuf-ggk0210');
/** Root schema for Di01, Du01 and Fo01 alike (it imports the StUF0301 schema that declares Fo01Bericht). */
export const ggkSchema = join(ggkDir, 'ggkberichten', 'ggk0210_msg_ggkberichten.xsd');

export function voorbeeld(name: 'Di01-xml' | 'Di01-tekst' | 'Du01' | 'Fo01'): string {
  const file = {
    'Di01-xml': 'envelopHeenbericht-ggk_Di01_v21-xml.xml',
    'Di01-tekst': 'envelopHeenbericht-ggk_Di01_v21-tekst.xml',
    Du01: 'envelopRetourbericht-ggk_Du01-v21.xml',
    Fo01: 'Fo01.xml',
  }[name];
  return readFileSync(join(ggkDir, 'voorbeeldberichten', file), 'utf8');
}

/** Validates with xmllint (libxml2) against the official root schema. */
export function xmllint(xml: string | Buffer): { valid: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'stuf-xsd-'));
  try {
    const file = join(dir, 'message.xml');
    writeFileSync(file, xml);
    const run = spawnSync('xmllint', ['--noout', '--nonet', '--schema', ggkSchema, file], { encoding: 'utf8' });
    return { valid: run.status === 0, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const REF_DI01 = '3f2c8a9e-1b4d-4c6e-9f0a-7b8c9d0e1f2a';
export const REF_DU01 = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';

export const JW301_PAYLOAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
  + '<jw301:Bericht xmlns:jw301="http://www.istandaarden.nl/ijw/3_2/jw301/schema"><jw301:Header>'
  + '<jw301:BerichtCode>436</jw301:BerichtCode></jw301:Header></jw301:Bericht>\n';

/** A JW301 heenbericht from gemeente 0363 to zorgaanbieder 12345678. */
export function di01Input(overrides: Partial<EnvelopInput> = {}): EnvelopInput {
  return {
    zender: { organisatie: '0363', applicatie: 'Gemeente Jeugd', administratie: 'Amsterdam', gebruiker: '' },
    ontvanger: { organisatie: '12345678', applicatie: 'GGk' },
    referentienummer: REF_DI01,
    tijdstipBericht: '20240701140000123',
    functie: 'JW301',
    parameters: { applicatieVersie: '0001', applicatieSubversie: '0004', functieVersie: '0003', functieSubversie: '0002' },
    bericht: xmlBestand(JW301_PAYLOAD),
    ...overrides,
  };
}
