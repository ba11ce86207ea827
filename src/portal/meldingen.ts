/**
 * Dutch wording of the core's field messages for the portal's forms (portal labels in Dutch; the API and CLI keep
 * the core's English). Unknown messages are shown as they are, so no problem is ever hidden.
 */
const RULES: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^is required$/, () => 'Dit veld is verplicht.'],
  [/^must be at most (\d+) characters$/, (m) => `Gebruik ten hoogste ${m[1]} tekens.`],
  [/^give either oin or hrn, not both$/, () => 'Vul óf een OIN óf een HRN in, niet allebei.'],
  [/^either oin or hrn is required$/, () => 'Vul een OIN of (als externe dienstverlener) een HRN in.'],
  [/^must be 20 digits, optionally followed by _O, _T, _A or _OTA \(DK-15\)$/, () => 'Een OIN bestaat uit 20 cijfers (eventueel gevolgd door _O, _T, _A of _OTA).'],
  [/^must be an 8-digit KvK number/, () => 'Een HRN is een KvK-nummer van 8 cijfers.'],
  [/^must be a date YYYY-MM-DD$/, () => 'Vul een datum in als JJJJ-MM-DD.'],
  [/^must be later than ingangsdatum$/, () => 'De einddatum moet na de ingangsdatum liggen.'],
  [/^must not be in the past$/, () => 'De einddatum mag niet in het verleden liggen.'],
  [/^must be diginetwerk or internet$/, () => 'Kies Diginetwerk of Internet.'],
  [/^must be an absolute https:\/\/ URL$/, () => 'Vul een volledig adres in dat begint met https://.'],
  [/^host (\S+) does not match the server certificate/, (m) => `De host ${m[1]} staat niet in het servercertificaat (SAN/CN).`],
  [/^must be one of (.+)$/, (m) => `Kies een van: ${m[1]}.`],
  [/^is not a PEM certificate: (.*)$/, (m) => `Dit is geen geldig certificaat (PEM, van -----BEGIN CERTIFICATE----- tot en met -----END CERTIFICATE-----): ${m[1]}`],
  [/^must have an RSA key \(found (\S+)\)$/, (m) => `Het certificaat moet een RSA-sleutel hebben (gevonden: ${m[1]}).`],
  [/^RSA key must be at least 2048 bits \(found (\d+)\)$/, (m) => `De RSA-sleutel moet ten minste 2048 bits zijn (gevonden: ${m[1]}).`],
  [/^is not yet valid \(notBefore (\S+)\)$/, (m) => `Het certificaat is nog niet geldig (vanaf ${m[1].slice(0, 10)}).`],
  [/^has expired \(notAfter (\S+)\)$/, (m) => `Het certificaat is verlopen (op ${m[1].slice(0, 10)}).`],
  [/^has no subject\.serialNumber \(OIN\); expected (\d+)/, (m) => `Het certificaat bevat geen OIN (subject.serialNumber); verwacht: ${m[1]}.`],
  [/^subject\.serialNumber (\S+) does not equal the OIN (\d+)/, (m) => `Het OIN in het certificaat (${m[1]}) is niet het ingevulde OIN ${m[2]}.`],
];

export function inDutch(message: string): string {
  for (const [re, f] of RULES) {
    const m = re.exec(message);
    if (m) return f(m);
  }
  return message;
}
