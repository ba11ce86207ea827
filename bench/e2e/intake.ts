/**
 * ZIP intake (issue 16, Done when: "A 1 GB ZIP upload … processed with the server's peak RSS under 256 MB"): the
 * hub runs as its own process (`knooppunt serve`), so its peak RSS (VmHWM from /proc) is the server's alone. The
 * bench generates a ZIP of valid JW301 Di01 envelopes from gemeente 0363 on the fly into a temp file (streamed:
 * never the whole file in memory; removed afterwards), uploads it over HTTP as multipart/form-data (streamed), and
 * polls the upload until it is Afgeleverd. Each envelope carries a valid JW301 plus a comment of random text so
 * the ZIP does not compress far below its content (like real base64 payloads). Correct entries are forwarded to
 * the chain partner (an in-process adapter) over an activated CPA, as over Digikoppeling.
 *
 * Figures: peak RSS of the server process (MB), entries processed per second (upload's startedAt → finishedAt),
 * and the upload's transfer rate.
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { OrganisationService } from '../../src/registry/organisations.js';
import { TokenService } from '../../src/registry/tokens.js';
import { RoutingTableService } from '../../src/routing/routes.js';
import { buildDi01, xmlBestand } from '../../src/stuf/build.js';
import { jw301OfSize } from '../micro/istandaarden.js';
import { freePort, link, type World } from '../lib/world.js';

const PARAMS = { applicatieVersie: '0001', applicatieSubversie: '0004', functieVersie: '0003', functieSubversie: '0002' };

export interface IntakeFigures {
  zipBytes: number;
  entries: number;
  status: string;
  refused: number;
  processSeconds: number;
  perSecond: number;
  uploadSeconds: number;
  uploadMBps: number;
  peakRssMb: number;
  idleRssMb: number;
}

/** One Di01 of about `bytes`: a valid 5 KB JW301 plus an XML comment of random text. */
function envelope(bytes: number): Buffer {
  const base = jw301OfSize(5 * 1024).toString('utf8');
  const pad = Math.max(0, Math.floor((bytes * 3) / 4) - base.length);
  const xml = base.replace('<jw301:Header>', `<!-- ${randomBytes(Math.ceil(pad * 0.75)).toString('base64').slice(0, pad).replace(/-/g, '+')} --><jw301:Header>`);
  return Buffer.from(buildDi01({
    zender: { organisatie: '0363', applicatie: 'JeugdApp' }, ontvanger: { organisatie: '98765432', applicatie: 'GGk' },
    referentienummer: randomUUID(), functie: 'JW301', parameters: PARAMS, bericht: xmlBestand(xml),
  }), 'utf8');
}

/** Writes a ZIP of ≈ targetBytes to `path`, entries made one at a time as yazl reaches them. */
async function writeZip(path: string, targetBytes: number, entryBytes: number): Promise<number> {
  const zip = new yazl.ZipFile();
  // Measured: an entry compresses to ≈ 0.664 of its size (the random comment is base64 text, then base64 again).
  const n = Math.max(1, Math.round(targetBytes / (entryBytes * 0.664)));
  for (let i = 0; i < n; i++) {
    zip.addReadStreamLazy(`JW301_${String(i).padStart(6, '0')}.xml`, {}, (cb) => {
      const s = new PassThrough();
      s.end(envelope(entryBytes));
      cb(null, s);
    });
  }
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(path));
  return n;
}

function rssOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

function httpJson(url: string, token: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    request(url, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => { try { resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>); } catch (e) { reject(e); } });
    }).on('error', reject).end();
  });
}

/** POSTs the file as multipart/form-data, streamed from disk with a Content-Length. */
function upload(url: string, token: string, file: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const boundary = `----kp${randomUUID()}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="berichtstroom"\r\n\r\nijw\r\n`
    + `--${boundary}\r\nContent-Disposition: form-data; name="bestand"; filename="bench.zip"\r\nContent-Type: application/zip\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const length = head.length + statSync(file).size + tail.length;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.write(head);
    const body = createReadStream(file);
    body.on('error', reject);
    body.on('end', () => req.end(tail));
    body.pipe(req, { end: false });
  });
}

export async function intakeRun(world: World, repo: string, opts: { targetBytes: number; entryBytes: number; timeoutMs: number; log: (s: string) => void }): Promise<IntakeFigures> {
  // Set-up in-process: the hub's registry, the chain partner's activated CPA and route, a token for gemeente 0363.
  const hub = await world.start('intake-hub', 'hub', 'hub');
  const partner = await world.start('intake-partner', 'partner', 'adapter');
  const organisations = new OrganisationService(hub.store);
  const gem = await organisations.add({ kind: 'gemeente', code: '0363', name: 'Amsterdam', oins: [world.files.parties['gemeente-0363']!.oin] });
  const ketenpartner = await organisations.add({ kind: 'ketenpartner', code: partner.config.hub.oin, name: 'Ketenpartner iJw' });
  const partnerCpa = await link(world, hub, partner, 'partner', { profile: 'osb-rm', berichtstroom: 'ijw' }, { organisationId: ketenpartner.id });
  await new RoutingTableService({ store: hub.store, organisations }).setKetenpartner({ berichtstroom: 'ijw', organisation: ketenpartner.id, cpaId: partnerCpa });
  const { token } = await new TokenService(hub.store).create(gem, 'bench', { kind: 'cli', id: 'bench' });
  const configFile = hub.config.source!;
  world.nodes.splice(world.nodes.indexOf(hub), 1);
  await hub.stop();

  // The server as its own process.
  const port = await freePort();
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as { listen: { portal: { port: number } }; log: { level: string } };
  config.listen.portal.port = port;
  config.log.level = 'warn';
  writeFileSync(configFile, JSON.stringify(config));
  const child = spawn(process.execPath, [join(repo, 'dist-bench', 'src', 'cli', 'main.js'), 'serve', '--config', configFile], { stdio: ['ignore', 'ignore', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  try {
    const up = performance.now() + 60_000;
    for (;;) {
      try { await httpJson(`${base}/healthz`, ''); break; } catch { /* not yet */ }
      if (performance.now() > up) throw new Error('intake bench: server did not start');
      await new Promise((r) => setTimeout(r, 200));
    }
    const idleRssMb = rssOf(child.pid!).rss;

    const zipPath = join(world.dir, 'bench.zip');
    opts.log(`intake: generating a ZIP of ≈ ${(opts.targetBytes / 1048576).toFixed(0)} MB`);
    const entries = await writeZip(zipPath, opts.targetBytes, opts.entryBytes);
    const zipBytes = statSync(zipPath).size;
    opts.log(`intake: ${entries} entries, ${(zipBytes / 1048576).toFixed(1)} MB; uploading`);
    let peak = 0;
    const sampler = setInterval(() => { try { peak = Math.max(peak, rssOf(child.pid!).rss); } catch { /* exited */ } }, 100);
    try {
      const t0 = performance.now();
      const res = await upload(`${base}/api/uploads`, token, zipPath);
      const uploadSeconds = (performance.now() - t0) / 1000;
      rmSync(zipPath, { force: true });
      if (res.status !== 202) throw new Error(`intake bench: upload answered ${res.status} ${JSON.stringify(res.body)}`);
      const id = res.body.id as string;
      const deadline = performance.now() + opts.timeoutMs;
      let u: Record<string, unknown>;
      for (;;) {
        u = await httpJson(`${base}/api/uploads/${id}`, token);
        if (u.status === 'afgeleverd' || u.status === 'afgekeurd') break;
        if (performance.now() > deadline) throw new Error(`intake bench: upload still ${String(u.statusText)} after ${opts.timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 1000));
      }
      const verslag = u.verslag as { resultaat: string; foutcode: string | null; reden: string | null }[];
      const refused = verslag.filter((e) => e.resultaat === 'geweigerd');
      if (refused.length > 0) opts.log(`intake: refused e.g. ${refused[0]!.foutcode}: ${refused[0]!.reden}`);
      const processSeconds = (Date.parse(u.finishedAt as string) - Date.parse(u.startedAt as string)) / 1000;
      const { hwm } = rssOf(child.pid!);
      return {
        zipBytes, entries, status: u.status as string, refused: refused.length, processSeconds, perSecond: entries / processSeconds,
        uploadSeconds, uploadMBps: zipBytes / 1048576 / uploadSeconds, peakRssMb: Math.max(peak, hwm), idleRssMb,
      };
    } finally {
      clearInterval(sampler);
      rmSync(zipPath, { force: true });
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}
