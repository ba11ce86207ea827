import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { cpaDetail, cpaSummary, cpaWarnings, CPA_STATUSES, requestedOins } from '../api/cpas.js';
import { OrganisationService } from '../registry/organisations.js';
import type { LoadedConfig } from '../config/schema.js';
import { generateCpa } from '../cpa/generate.js';
import type { CpaBeheerFields } from '../cpa/generate-input.js';
import { hubIdentityFromConfig } from '../cpa/hub-identity.js';
import { CpaService } from '../cpa/service.js';
import { BERICHTSTROMEN, DK_PROFILES } from '../cpa/templates.js';
import { validateCpaXml } from '../cpa/validate.js';
import { DEFAULT_MAX_CPA_BYTES } from '../cpa/xml-reader.js';
import { ConfigError, isGatewayError, ValidationError, type Problem } from '../errors.js';
import { createLogger } from '../log.js';
import type { Store } from '../store/store.js';
import { cliActor } from '../audit.js';
import { addConfigOption, cliAudit, columns, describeError, loadCliConfig, withStore, type ConfigOpts } from './common.js';

/**
 * `knooppunt cpa …`: CPA Beheer on the command line (issue 3 §5, seed 002 §3.3). Every command is a `runCpa…`
 * function that writes through `io` and returns the exit code, so that tests run them in-process.
 */

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export const processIo: CliIo = {
  out: (line) => { process.stdout.write(`${line}\n`); },
  err: (line) => { process.stderr.write(`${line}\n`); },
};

export interface CpaGenerateOpts extends ConfigOpts {
  profielnaam?: string;
  oin?: string;
  hrn?: string;
  ingangsdatum?: string;
  einddatum?: string;
  connectietype?: string;
  endpoint?: string;
  serverCert?: string;
  clientCert?: string;
  signingCert?: string;
  berichtstroom?: string;
  profile?: string;
  encryption?: string;
  syncReply?: string;
  retries?: string;
  retryInterval?: string;
  persistDuration?: string;
  out?: string;
  store?: boolean;
}

/** CPA Beheer field → the option that sets it, so that problems name what the operator typed. */
const OPTION_OF: Record<string, string> = {
  profielnaam: '--profielnaam', oin: '--oin', hrn: '--hrn', ingangsdatum: '--ingangsdatum', einddatum: '--einddatum',
  connectietype: '--connectietype', endpoint: '--endpoint', serverCertPem: '--server-cert', clientCertPem: '--client-cert',
  signingCertPem: '--signing-cert', berichtstroom: '--berichtstroom', profile: '--profile', syncReplyMode: '--sync-reply',
  retries: '--retries', retryInterval: '--retry-interval', persistDuration: '--persist-duration', encryption: '--encryption',
};

const line = (p: Problem): string => `${OPTION_OF[p.path] ?? p.path}: ${p.message}`;
const errorCount = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Print a failure the way an operator can act on it (every problem) and give exit code 1. */
export function reportTo(io: CliIo, e: unknown): number {
  if (e instanceof ConfigError) io.err(e.describe());
  else if (isGatewayError(e)) {
    io.err(`${e.code}: ${e.message}`);
    for (const p of e.problems) io.err(`  ${p.severity ?? 'error'} ${p.path}: ${p.message}`);
  } else io.err(`error: ${describeError(e)}`);
  return 1;
}

async function guarded(io: CliIo, fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (e) {
    return reportTo(io, e);
  }
}

const silent = createLogger('silent');
const service = (store: Store, config: LoadedConfig) => new CpaService({ store, hub: hubIdentityFromConfig(config), logger: silent, audit: cliAudit(config), allowLegacySha1: config.legacy.sha1, trustAnchors: config.pem.trustAnchors });

/** Read the certificate files; an unreadable file is a problem of its option (not also "is required"). */
function readCerts(opts: CpaGenerateOpts, problems: Problem[]): Partial<CpaBeheerFields> {
  const out: Partial<CpaBeheerFields> = {};
  const files = [['serverCertPem', opts.serverCert], ['clientCertPem', opts.clientCert], ['signingCertPem', opts.signingCert]] as const;
  for (const [field, file] of files) {
    if (file === undefined) continue;
    try {
      out[field] = readFileSync(file, 'utf8');
    } catch (e) {
      problems.push({ path: field, message: `cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})` });
    }
  }
  return out;
}

/** `cpa generate`: the CPA XML on stdout (or --out), exit 0; bad input: every problem on stderr, exit 1. */
export async function runCpaGenerate(opts: CpaGenerateOpts, io: CliIo = processIo): Promise<number> {
  return guarded(io, async () => {
    const config = loadCliConfig(opts);
    const readProblems: Problem[] = [];
    const certs = readCerts(opts, readProblems);
    const retries = opts.retries === undefined ? undefined : /^\d+$/.test(opts.retries) ? Number(opts.retries) : opts.retries;
    const fields = {
      profielnaam: opts.profielnaam, oin: opts.oin, hrn: opts.hrn, ingangsdatum: opts.ingangsdatum, einddatum: opts.einddatum,
      connectietype: opts.connectietype, endpoint: opts.endpoint, ...certs, berichtstroom: opts.berichtstroom, profile: opts.profile,
      syncReplyMode: opts.syncReply, retries, retryInterval: opts.retryInterval, persistDuration: opts.persistDuration,
      encryption: opts.encryption,
    };
    const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as unknown as CpaBeheerFields;
    const hub = hubIdentityFromConfig(config);
    const fail = (fieldProblems: Problem[]): number => {
      const unread = new Set(readProblems.map((p) => p.path));
      const problems = [...readProblems, ...fieldProblems.filter((p) => !unread.has(p.path))];
      io.err(`CPA Beheer input is invalid: ${errorCount(problems.length, 'problem')}`);
      for (const p of problems) io.err(`  ${line(p)}`);
      return 1;
    };
    let owner: string | null = null;
    const attempt = async (store: boolean) => {
      try {
        return store
          ? await withStore(opts, async (st, cfg) => {
            owner = await new OrganisationService(st).ownerForOins(requestedOins({ oin: opts.oin, hrn: opts.hrn }));
            return service(st, cfg).generate(defined, { ...(owner ? { organisationId: owner } : {}), actor: cliActor() });
          })
          : generateCpa(defined, { hub, trustAnchors: config.pem.trustAnchors });
      } catch (e) {
        if (e instanceof ValidationError) return e;
        throw e;
      }
    };
    // An unreadable file is never generated around (a missing --signing-cert would silently fall back): dry run only.
    const generated = await attempt(Boolean(opts.store) && readProblems.length === 0);
    if (generated instanceof ValidationError) return fail(generated.problems);
    if (readProblems.length > 0) return fail([]);
    for (const w of generated.warnings) io.err(`warning ${line(w)}`);
    if (opts.out) {
      writeFileSync(opts.out, generated.xml);
      io.err(`wrote CPA ${generated.cpaId} to ${opts.out}`);
    } else io.out(generated.xml);
    if (opts.store) io.err(`stored CPA ${generated.cpaId} (status gegenereerd${owner ? `, organisation ${owner}` : ''})`);
    return 0;
  });
}

/** `cpa validate FILE…`: every problem as "severity location: message"; exit 1 when any file has an error. */
export async function runCpaValidate(files: string[], opts: { legacySha1?: boolean } = {}, io: CliIo = processIo): Promise<number> {
  let exit = 0;
  for (const file of files) {
    let xml: string;
    try {
      const size = statSync(file).size;
      if (size > DEFAULT_MAX_CPA_BYTES) throw new Error(`${size} bytes, more than the limit of ${DEFAULT_MAX_CPA_BYTES} bytes`);
      xml = readFileSync(file, 'utf8');
    } catch (e) {
      io.out(`${file}: cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      exit = 1;
      continue;
    }
    const r = validateCpaXml(xml, { allowLegacySha1: opts.legacySha1 ?? false });
    const errors = r.problems.filter((p) => p.severity === 'error').length;
    const warnings = r.problems.length - errors;
    io.out(`${file}: ${r.valid ? 'valid' : 'invalid'} (${errorCount(errors, 'error')}, ${errorCount(warnings, 'warning')})`);
    for (const p of r.problems) io.out(`${p.severity} ${p.location}: ${p.message}`);
    if (!r.valid) exit = 1;
  }
  return exit;
}

/** `cpa import FILE [--overwrite]`: validated (every problem listed), must name this knooppunt as a party. */
export async function runCpaImport(file: string, opts: ConfigOpts & { overwrite?: boolean }, io: CliIo = processIo): Promise<number> {
  return guarded(io, () => withStore(opts, async (store, config) => {
    if (statSync(file).size > DEFAULT_MAX_CPA_BYTES) throw new ValidationError('CPA file too large', [{ path: file, message: `more than ${DEFAULT_MAX_CPA_BYTES} bytes` }]);
    const { record, warnings } = await service(store, config).import(readFileSync(file, 'utf8'), { overwrite: opts.overwrite ?? false, actor: cliActor() });
    for (const w of warnings) io.err(`${w.severity} ${w.location}: ${w.message}`);
    io.out(`imported CPA ${record.cpaId} (status ${record.status}, party ${record.partyOin})`);
    return 0;
  }));
}

/** `cpa list [--status S] [--json]`: effective status (End passed = verlopen) and expiry warnings. */
export async function runCpaList(opts: ConfigOpts & { json?: boolean; status?: string }, io: CliIo = processIo): Promise<number> {
  return guarded(io, () => withStore(opts, async (store, config) => {
    if (opts.status !== undefined && !CPA_STATUSES.includes(opts.status as never)) {
      throw new ValidationError('invalid option', [{ path: '--status', message: `must be one of ${CPA_STATUSES.join(', ')}` }]);
    }
    const svc = service(store, config);
    const now = new Date();
    const list = (await svc.list()).filter((r) => !opts.status || r.status === opts.status);
    const rows = await Promise.all(list.map(async (r) => ({ ...cpaSummary(r, now), warnings: await cpaWarnings(svc, r, now) })));
    if (opts.json) { io.out(JSON.stringify(rows, null, 2)); return 0; }
    if (rows.length === 0) { io.err('no CPAs'); return 0; }
    for (const l of columns(['CPAID', 'STATUS', 'PARTY OIN', 'PARTY', 'UNTIL', 'WARNINGS'],
      rows.map((r) => [r.cpaId, r.status, r.partyOin, r.partyName ?? '', r.endAt.slice(0, 10), r.warnings.length ? errorCount(r.warnings.length, 'warning') : '']))) io.out(l);
    return 0;
  }));
}

/** `cpa show ID [--json]`: record, parties, profile, warnings and lifecycle events. */
export async function runCpaShow(cpaId: string, opts: ConfigOpts & { json?: boolean }, io: CliIo = processIo): Promise<number> {
  return guarded(io, () => withStore(opts, async (store, config) => {
    const svc = service(store, config);
    const loaded = await svc.require(cpaId);
    const d = cpaDetail(loaded, await cpaWarnings(svc, loaded.record), await svc.events(cpaId));
    if (opts.json) { io.out(JSON.stringify(d, null, 2)); return 0; }
    io.out(`CPAId:         ${d.cpaId}`);
    io.out(`status:        ${d.status}${d.activatedAt ? ` (activated ${d.activatedAt})` : ''}`);
    const a = d.activation;
    io.out(`this side:     ${a.thisSide.active ? `geactiveerd ${a.thisSide.at ?? ''} by ${a.thisSide.by ?? 'a Ping Pong'}` : `not active (${d.status})${d.status === 'gegenereerd' ? ': one Ping Pong from either side activates it' : ''}`}`);
    io.out(`other side:    ${a.otherSide.pingPongCompleted ? `Ping Pong completed ${a.otherSide.at}; answering or receiving the Pong activates its copy (seed 002 §3.3.5)` : 'no Ping Pong yet'}`);
    io.out(`source:        ${d.source}${d.profielnaam ? `, profielnaam ${d.profielnaam}` : ''}`);
    io.out(`period:        ${d.startAt} – ${d.endAt}`);
    io.out(`profile:       ${d.profile.name ?? '-'}  berichtstroom ${d.profile.berichtstroom ?? '-'}  connectietype ${d.profile.connectietype ?? '-'}  syncReplyMode ${d.profile.syncReplyMode ?? '-'}`);
    io.out(`organisation:  ${d.organisationId ?? '-'}`);
    for (const p of d.parties) {
      io.out(`party:         ${p.partyName}  ${p.partyIds.map((i) => i.value).join(', ')}  role ${p.role ?? '-'}  endpoint ${p.endpoint ?? '-'}`);
      for (const c of p.certificates) io.out(`  certificate  ${c.certId}  ${c.subject ?? '(unreadable)'}  notAfter ${c.notAfter ?? '-'}`);
    }
    for (const w of d.warnings) io.out(`warning:       ${w.message}`);
    for (const e of d.events) io.out(`event:         ${e.at}  ${e.event}${e.detail ? `  (${e.detail})` : ''}`);
    return 0;
  }));
}

/** `cpa export ID [--out FILE]`: the stored CPA XML, exactly as agreed. */
export async function runCpaExport(cpaId: string, opts: ConfigOpts & { out?: string }, io: CliIo = processIo): Promise<number> {
  return guarded(io, () => withStore(opts, async (store, config) => {
    const { record } = await service(store, config).require(cpaId);
    if (opts.out) { writeFileSync(opts.out, record.xml); io.err(`wrote CPA ${cpaId} to ${opts.out}`); } else io.out(record.xml);
    return 0;
  }));
}

/** `cpa withdraw ID`: status ingetrokken (a withdrawn CPA never comes back). */
export async function runCpaWithdraw(cpaId: string, opts: ConfigOpts, io: CliIo = processIo): Promise<number> {
  return guarded(io, () => withStore(opts, async (store, config) => {
    const rec = await service(store, config).withdraw(cpaId, 'cli', cliActor());
    io.out(`withdrew CPA ${rec.cpaId} (status ${rec.status})`);
    return 0;
  }));
}

export function registerCpa(program: Command, io: CliIo = processIo): void {
  const cpa = program.command('cpa').description('CPA Beheer: generate, validate, import and manage Digikoppeling CPAs');
  const run = (p: Promise<number>) => p.then((code) => { process.exitCode = code; });
  addConfigOption(cpa.command('generate'))
    .description('generate a CPA between the hub and an adapter from the CPA Beheer fields')
    .option('--profielnaam <name>', 'recognisable profile name (required)')
    .option('--oin <oin>', 'the adapter\'s OIN, 20 digits, optional _O/_T/_A/_OTA (give --oin or --hrn)')
    .option('--hrn <hrn>', 'KvK number of an external service provider, 8 digits')
    .option('--ingangsdatum <date>', 'CPA Start, YYYY-MM-DD (required)')
    .option('--einddatum <date>', 'CPA End, YYYY-MM-DD (required)')
    .addOption(new Option('--connectietype <type>', 'connection type (required)').choices(['diginetwerk', 'internet']))
    .option('--endpoint <url>', 'the adapter\'s https endpoint (required)')
    .option('--server-cert <file>', 'the adapter\'s TLS server certificate, PEM (required)')
    .option('--client-cert <file>', 'the adapter\'s TLS client certificate, PEM (required)')
    .option('--signing-cert <file>', 'separate signing/encryption certificate, PEM (default: the client certificate)')
    .addOption(new Option('--berichtstroom <stroom>', 'berichtstroom (default ijw)').choices(BERICHTSTROMEN))
    .addOption(new Option('--profile <profile>', 'Digikoppeling profile (default osb-rm-s)').choices(DK_PROFILES))
    .addOption(new Option('--sync-reply <mode>', 'syncReplyMode (default none)').choices(['none', 'mshSignalsOnly']))
    .option('--retries <n>', 'reliable messaging Retries (default 8)')
    .option('--retry-interval <duration>', 'RetryInterval, ISO 8601 duration (default PT3H)')
    .option('--persist-duration <duration>', 'PersistDuration, ISO 8601 duration (default P1D, raised to TimeToLive = RetryInterval x (Retries + 1) when shorter)')
    .option('--encryption <variant>', 'digikoppeling | ebms-core: XML Encryption of osb-be-e/osb-rm-e (default digikoppeling = AES-256-GCM + RSA-OAEP; ebms-core = aes256-cbc + RSA-1_5 for eluinstra/ebms-core adapters, weaker)')
    .option('--out <file>', 'write the CPA here instead of stdout')
    .option('--store', 'also record the CPA in the store (status gegenereerd)')
    .action((opts: CpaGenerateOpts) => run(runCpaGenerate(opts, io)));
  cpa.command('validate')
    .description('validate CPA files (XSD structure and Digikoppeling rules); every problem with its location')
    .argument('<file...>', 'CPA XML files')
    .option('--legacy-sha1', 'accept SHA-1 signing as a warning (legacy CPAs)')
    .action((files: string[], opts: { legacySha1?: boolean }) => run(runCpaValidate(files, opts, io)));
  addConfigOption(cpa.command('import'))
    .description('import a CPA made elsewhere; it must validate and name this knooppunt as a party')
    .argument('<file>', 'CPA XML file')
    .option('--overwrite', 'replace a CPA with the same CPAId')
    .action((file: string, opts: ConfigOpts & { overwrite?: boolean }) => run(runCpaImport(file, opts, io)));
  addConfigOption(cpa.command('list'))
    .description('list CPAs with their status and expiry warnings')
    .addOption(new Option('--status <status>', 'only CPAs with this status').choices(CPA_STATUSES))
    .option('--json', 'print JSON')
    .action((opts: ConfigOpts & { json?: boolean; status?: string }) => run(runCpaList(opts, io)));
  addConfigOption(cpa.command('show'))
    .description('show one CPA: parties, profile, warnings, lifecycle events')
    .argument('<id>', 'CPAId')
    .option('--json', 'print JSON')
    .action((id: string, opts: ConfigOpts & { json?: boolean }) => run(runCpaShow(id, opts, io)));
  addConfigOption(cpa.command('export'))
    .description('write the stored CPA XML (stdout or --out)')
    .argument('<id>', 'CPAId')
    .option('--out <file>', 'output file')
    .action((id: string, opts: ConfigOpts & { out?: string }) => run(runCpaExport(id, opts, io)));
  addConfigOption(cpa.command('withdraw'))
    .description('withdraw a CPA (status ingetrokken)')
    .argument('<id>', 'CPAId')
    .action((id: string, opts: ConfigOpts) => run(runCpaWithdraw(id, opts, io)));
}
