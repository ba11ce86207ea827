import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError, type Problem } from '../errors.js';
import { keyMatchesCertificate, parseCertificate, splitPemCertificates } from '../pki/certificate.js';
import { ENV_PREFIX, SETTINGS, envName, type Setting } from './defaults.js';
import { configSchema, type KnooppuntConfig, type LoadedConfig } from './schema.js';

type Json = Record<string, unknown>;

/** Environment variables of ours that are not settings. */
const NON_SETTING_ENV = new Set(['KNOOPPUNT_CONFIG', 'KNOOPPUNT_HOME']);

function setAt(obj: Json, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = obj;
  for (const p of parts.slice(0, -1)) {
    if (typeof cur[p] !== 'object' || cur[p] === null || Array.isArray(cur[p])) cur[p] = {};
    cur = cur[p] as Json;
  }
  cur[parts[parts.length - 1]!] = value;
}

function getAt(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Json)[k] : undefined), obj);
}

function deepMerge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b)
      ? deepMerge(b as Json, v as Json) : v;
  }
  return out;
}

function parseEnvValue(s: Setting, raw: string, problems: Problem[]): unknown {
  const name = envName(s.path);
  switch (s.type) {
    case 'number': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) problems.push({ path: name, message: `must be a number, got "${raw}"` });
      return n;
    }
    case 'boolean':
      if (raw !== 'true' && raw !== 'false') problems.push({ path: name, message: `must be true or false, got "${raw}"` });
      return raw === 'true';
    case 'list':
      return raw.split(',').map((x) => x.trim()).filter(Boolean);
    default:
      return raw;
  }
}

function readPem(file: string, path: string, problems: Problem[]): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    problems.push({ path, message: `cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})` });
    return null;
  }
}

/**
 * Load knooppunt.config.json (optional), apply defaults and KNOOPPUNT_* overrides, validate, read the PEM files.
 * Every problem is reported at once, with its path; unknown keys are rejected.
 */
export function loadConfig(file: string | null, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const problems: Problem[] = [];
  let fromFile: Json = {};
  if (file) {
    if (!existsSync(file)) throw new ConfigError(`Configuration file not found: ${file}`, [], 'ERR_CONFIG_NOT_FOUND');
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) problems.push({ path: '(root)', message: 'must be a JSON object' });
      else fromFile = parsed as Json;
    } catch (e) {
      problems.push({ path: '(file)', message: `not valid JSON: ${(e as Error).message}` });
    }
  }
  const base: Json = {};
  for (const s of SETTINGS) if (s.default !== undefined) setAt(base, s.path, s.default);
  const merged = deepMerge(base, fromFile);
  const known = new Set(SETTINGS.map((s) => envName(s.path)));
  for (const [k, v] of Object.entries(env)) {
    if (!k.startsWith(ENV_PREFIX) || v === undefined || NON_SETTING_ENV.has(k)) continue;
    if (!known.has(k)) problems.push({ path: k, message: 'unknown environment variable (see docs/configuration.md)' });
  }
  for (const s of SETTINGS) {
    const raw = env[envName(s.path)];
    if (raw !== undefined) setAt(merged, s.path, parseEnvValue(s, raw, problems));
  }
  followEbmsPort(merged);
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const at = issue.path.map(String).join('.');
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) problems.push({ path: at ? `${at}.${key}` : key, message: 'unknown key' });
      } else {
        const missing = issue.code === 'invalid_type' && getAt(merged, at) === undefined;
        problems.push({ path: at || '(root)', message: missing ? 'required' : issue.message });
      }
    }
  }
  if (problems.length > 0 || !result.success) throw invalid(file, problems);
  const cfg = resolvePaths(result.data, file ? dirname(resolve(file)) : process.cwd());
  const pem = readPems(cfg, problems);
  if (problems.length > 0 || !pem) throw invalid(file, problems);
  return deepFreeze({ ...cfg, source: file ? resolve(file) : null, pem });
}

/**
 * hub.endpoints.* not set (file or environment): they follow the ebMS listener, `https://localhost:{port}/ebms`, so
 * that `init --ports` and KNOOPPUNT_LISTEN_EBMS_PORT move the endpoint put in generated CPAs along (development; a
 * production hub names its Diginetwerk and Internet endpoints explicitly).
 */
function followEbmsPort(merged: Json): void {
  const port = getAt(merged, 'listen.ebms.port');
  const hub = merged.hub;
  // Port 0 (the OS picks one at listen time) gives no endpoint to derive: then they are required.
  if (typeof port !== 'number' || port === 0 || !hub || typeof hub !== 'object' || Array.isArray(hub)) return;
  for (const net of ['diginetwerk', 'internet']) {
    if (getAt(merged, `hub.endpoints.${net}`) === undefined) setAt(merged, `hub.endpoints.${net}`, `https://localhost:${port}/ebms`);
  }
}

function invalid(file: string | null, problems: Problem[]): ConfigError {
  const where = file ? ` in ${file}` : '';
  return new ConfigError(`Invalid configuration${where}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`, problems);
}

function resolvePaths(cfg: KnooppuntConfig, base: string): KnooppuntConfig {
  const out = structuredClone(cfg) as unknown as Json;
  const abs = (p: string) => (p === '' || isAbsolute(p) || /^https?:\/\//.test(p) ? p : resolve(base, p));
  for (const s of SETTINGS) {
    if (!s.isPath) continue;
    const v = getAt(out, s.path);
    if (typeof v === 'string') setAt(out, s.path, abs(v));
    else if (Array.isArray(v)) setAt(out, s.path, v.map((x) => abs(String(x))));
  }
  for (const use of ['server', 'client', 'signing'] as const) {
    const t = (out.tls as Json)[use] as { cert: string; key: string };
    t.cert = abs(t.cert);
    t.key = abs(t.key);
  }
  return out as unknown as KnooppuntConfig;
}

function readPems(cfg: KnooppuntConfig, problems: Problem[]): LoadedConfig['pem'] | null {
  const pairs = {} as LoadedConfig['pem'];
  let ok = true;
  for (const use of ['server', 'client', 'signing'] as const) {
    const cert = readPem(cfg.tls[use].cert, `tls.${use}.cert`, problems);
    const key = readPem(cfg.tls[use].key, `tls.${use}.key`, problems);
    if (!cert || !key) { ok = false; continue; }
    try {
      const info = parseCertificate(cert);
      if (info.oin !== cfg.hub.oin) problems.push({ path: `tls.${use}.cert`, message: `subject.serialNumber ${info.oin ?? '(none)'} differs from hub.oin ${cfg.hub.oin} (DK-16)` });
      if (!keyMatchesCertificate(key, cert)) problems.push({ path: `tls.${use}.key`, message: `does not belong to tls.${use}.cert` });
    } catch (e) {
      problems.push({ path: `tls.${use}`, message: (e as Error).message });
    }
    pairs[use] = { cert, key };
  }
  pairs.trustAnchors = [];
  cfg.tls.trustAnchors.forEach((f, i) => {
    const text = readPem(f, `tls.trustAnchors.${i}`, problems);
    if (text === null) return;
    const certs = splitPemCertificates(text);
    if (certs.length === 0) problems.push({ path: `tls.trustAnchors.${i}`, message: `${f} holds no PEM certificate` });
    pairs.trustAnchors.push(...certs);
  });
  return ok ? pairs : null;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
