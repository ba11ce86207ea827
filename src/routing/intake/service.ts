/**
 * ZIP intake on the Aanleveren tab (seed 002 §3.1 and §5; seed 001 §3.2 and §4.1). An upload is streamed to disk
 * (never held in memory), refused whole with the seed's message when it is not a `.zip`, too large or not a valid
 * ZIP, and otherwise queued (`Ontvangen`) and processed in the background entry by entry (`Bezig, verwachte
 * aflevertijd HH:MM`). Every entry goes through the HubProcessor — the hub's checks in their written order — so a
 * correct message is routed exactly as if it had arrived over Digikoppeling; what is wrong with an entry goes into
 * the verwerkingsverslag with its code and reason. The result is `Afgeleverd` (nothing refused) or `Afgekeurd`
 * (one or more refused; "alleen de correcte bestanden zijn verwerkt en verzonden").
 *
 * Uploading the same file again "levert geen problemen op" (seed 002 §5): an entry with exactly the bytes of an
 * entry the organisation had delivered before is reported `dubbel` and not delivered again (without this, the
 * hub's IB216 uniqueness check would refuse it).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GatewayError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { ownOins } from '../../registry/organisations.js';
import type { RouteBerichtstroom, Store, UploadEntry, UploadRecord } from '../../store/store.js';
import { StufError } from '../../stuf/errors.js';
import { MAX_ENVELOPE_BYTES } from '../../stuf/model.js';
import type { HubProcessor } from '../hub-processor.js';
import { STUF_CONTENT_TYPE } from '../model.js';
import { FILE_INVALID_ZIP, FILE_NOT_ZIP, fileTooLarge, zipReden, type ZipFoutcode } from './refusals.js';
import { estimateDoneAt } from './estimate.js';
import { openForReading, scanZip, ZipEntryError, ZipFileError, type ZipEntryInfo } from './zip-reader.js';

export interface IntakeLimits {
  maxUploadBytes: number;
  maxEntries: number;
  maxUncompressedBytes: number;
  maxCompressionRatio: number;
}

export interface IntakeOptions {
  store: Store;
  processor: HubProcessor;
  /** Uploads wait in `<dataDir>/uploads/` until processed. */
  dataDir: string;
  limits: IntakeLimits;
  logger?: Logger;
  now?: () => Date;
}

/** Who asks: the operator (null) sees every upload, anyone else only its organisation's. */
export interface IntakeScope {
  organisationId: string | null;
}

export interface NewUpload {
  organisationId: string;
  berichtstroom: RouteBerichtstroom;
  bestandsnaam: string;
  uploadedBy?: string | null;
  /** The file's bytes; read to the end (or until the cap) in every case. */
  content: Readable;
}

/** Shutdown while an upload is processed: the rest of it is done after the restart. */
class Stopped extends Error {}

/** Entries in the hub's checks and routing at once, and their bytes at most (one entry always goes). */
const IN_FLIGHT = 4;
const IN_FLIGHT_BYTES = 32 * 1024 * 1024;

/** The ratio cap applies to entries above this size: small XML files may compress very well. */
const RATIO_MIN_BYTES = 64 * 1024;

export class IntakeService {
  readonly #o: IntakeOptions;
  readonly #now: () => Date;
  readonly #dir: string;
  #running: Promise<void> | null = null;
  #again = false;
  #stopped = false;

  constructor(options: IntakeOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => new Date());
    this.#dir = join(options.dataDir, 'uploads');
  }

  get limits(): IntakeLimits {
    return this.#o.limits;
  }

  /**
   * Receive one file. Whole-file refusals (seed 002 §5 category 1) are recorded as an `afgekeurd` upload with the
   * seed's message and no verslag; `refused` is then true. Otherwise the upload is `ontvangen` and queued.
   */
  async receive(input: NewUpload): Promise<{ upload: UploadRecord; refused: boolean }> {
    const upload: UploadRecord = {
      id: randomUUID(), organisationId: input.organisationId, berichtstroom: input.berichtstroom, bestandsnaam: input.bestandsnaam,
      size: 0, sha256: null, uploadedBy: input.uploadedBy ?? null, status: 'ontvangen', foutmelding: null, entryCount: null,
      createdAt: this.#now().toISOString(), startedAt: null, expectedDoneAt: null, finishedAt: null,
    };
    if (!/\.zip$/i.test(input.bestandsnaam)) {
      input.content.resume();
      return this.#refuseWhole(upload, FILE_NOT_ZIP);
    }
    await mkdir(this.#dir, { recursive: true });
    const part = join(this.#dir, `${upload.id}.part`);
    const path = this.#path(upload.id);
    const hash = createHash('sha256');
    const max = this.#o.limits.maxUploadBytes;
    let tooLarge = false;
    try {
      await pipeline(input.content, async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          upload.size += chunk.length;
          // Over the cap: keep reading (the caller bounds the stream at cap + 1) but write nothing more.
          if (upload.size > max) { tooLarge = true; continue; }
          hash.update(chunk);
          yield chunk;
        }
      }, createWriteStream(part, { flags: 'wx' }));
    } catch (err) {
      await rm(part, { force: true });
      throw err;
    }
    if (tooLarge) {
      await rm(part, { force: true });
      return this.#refuseWhole(upload, fileTooLarge(max));
    }
    upload.sha256 = hash.digest('hex');
    try {
      const scan = await scanZip(part, this.#o.limits);
      upload.entryCount = scan.entryCount;
    } catch (err) {
      await rm(part, { force: true });
      if (!(err instanceof ZipFileError)) throw err;
      return this.#refuseWhole(upload, err.kind === 'invalid' ? FILE_INVALID_ZIP : err.message);
    }
    await rename(part, path);
    await this.#o.store.uploads.insert(upload);
    this.#o.logger?.info({ uploadId: upload.id, organisationId: upload.organisationId, size: upload.size, entries: upload.entryCount }, 'upload received');
    this.kick();
    return { upload, refused: false };
  }

  /** Uploads of the scope, newest first (optionally one product). */
  list(scope: IntakeScope, filter: { berichtstroom?: RouteBerichtstroom; limit?: number; offset?: number } = {}): Promise<UploadRecord[]> {
    return this.#o.store.uploads.list({ ...filter, ...(scope.organisationId === null ? {} : { organisationId: scope.organisationId }) });
  }

  /** One upload with its verwerkingsverslag; ERR_NOT_FOUND when the scope may not see it. */
  async get(scope: IntakeScope, id: string): Promise<{ upload: UploadRecord; verslag: UploadEntry[] }> {
    const upload = await this.#o.store.uploads.get(id);
    if (!upload || (scope.organisationId !== null && upload.organisationId !== scope.organisationId)) {
      throw new GatewayError('ERR_NOT_FOUND', `no upload ${id}`);
    }
    return { upload, verslag: await this.#o.store.uploads.entries(id) };
  }

  /** Start (or continue) background processing of queued uploads; also picks up what a restart interrupted. */
  kick(): void {
    if (this.#stopped) return;
    if (this.#running) { this.#again = true; return; }
    this.#running = this.#drain()
      .catch((err: unknown) => this.#o.logger?.error({ err }, 'upload processing failed; retried at the next kick'))
      .finally(() => {
        this.#running = null;
        if (this.#again) { this.#again = false; this.kick(); }
      });
  }

  /** Resolves when nothing is being processed (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.idle();
  }

  async #drain(): Promise<void> {
    for (;;) {
      if (this.#stopped) return;
      const open = await this.#o.store.uploads.list({ statuses: ['bezig', 'ontvangen'], limit: 1000 });
      const next = open.sort((a, b) => a.createdAt.localeCompare(b.createdAt))[0];
      if (!next) return;
      await this.#process(next);
    }
  }

  async #process(upload: UploadRecord): Promise<void> {
    const { store } = this.#o;
    const startedAt = upload.startedAt ?? this.#now().toISOString();
    if (upload.status === 'ontvangen') {
      const expected = await estimateDoneAt(store, { startedAt: new Date(startedAt), entryCount: upload.entryCount ?? 0, size: upload.size });
      await store.uploads.update(upload.id, { status: 'bezig', startedAt, expectedDoneAt: expected.toISOString() });
    }
    const done = new Set((await store.uploads.entries(upload.id)).map((e) => e.idx)); // resumed after a restart
    const organisation = await store.organisations.get(upload.organisationId);
    // IB002 for a Portaal upload: the uploader's own organisation and the gemeenten that authorised its own OINs.
    const oins = organisation ? await ownOins(store, organisation) : [];
    let zip;
    try {
      zip = await openForReading(this.#path(upload.id));
    } catch (err) {
      if (!(err instanceof ZipFileError) && (err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      this.#o.logger?.error({ uploadId: upload.id, err }, 'uploaded file cannot be read any more');
      await store.uploads.update(upload.id, { status: 'afgekeurd', foutmelding: FILE_INVALID_ZIP, finishedAt: this.#now().toISOString() });
      return;
    }
    try {
      // Entries are unpacked one by one in ZIP order; up to IN_FLIGHT of them are in the hub's checks and routing at
      // once (their stores share one group commit), bounded in bytes so memory stays small whatever the ZIP holds.
      const inFlight = new Set<Promise<void>>();
      let inFlightBytes = 0;
      let failure: unknown;
      try {
        await zip.each(async (info, read) => {
          if (failure) throw failure;
          if (this.#stopped) throw new Stopped();
          if (done.has(info.idx)) return;
          const unpacked = await this.#unpack(upload, info, read);
          if (!Buffer.isBuffer(unpacked)) { await store.uploads.addEntry(unpacked); return; }
          while (inFlight.size >= IN_FLIGHT || (inFlight.size > 0 && inFlightBytes + unpacked.length > IN_FLIGHT_BYTES)) await Promise.race(inFlight);
          if (failure) throw failure;
          inFlightBytes += unpacked.length;
          const work: Promise<void> = this.#route(upload, oins, info, unpacked)
            .then((entry) => store.uploads.addEntry(entry))
            .catch((err: unknown) => { failure ??= err; })
            .finally(() => { inFlight.delete(work); inFlightBytes -= unpacked.length; });
          inFlight.add(work);
        });
      } finally {
        await Promise.all(inFlight);
      }
      if (failure) throw failure;
    } catch (err) {
      if (err instanceof Stopped) return; // stays 'bezig'; resumed at the next start
      if (!(err instanceof ZipFileError)) throw err;
      // The central directory was read in full at receipt; a later failure is damage on disk.
      await store.uploads.addEntry(this.#refusal(upload, { idx: -1, name: upload.bestandsnaam } as ZipEntryInfo, 'ZIP006', err.message));
    } finally {
      zip.close();
    }
    const entries = await store.uploads.entries(upload.id);
    const status = entries.some((e) => e.resultaat === 'geweigerd') ? 'afgekeurd' : 'afgeleverd';
    await store.uploads.update(upload.id, { status, finishedAt: this.#now().toISOString() });
    await rm(this.#path(upload.id), { force: true });
    this.#o.logger?.info({ uploadId: upload.id, status, entries: entries.length, refused: entries.filter((e) => e.resultaat === 'geweigerd').length }, 'upload processed');
  }

  /** One entry's ZIP-level checks and its bytes, or its refusal. */
  async #unpack(upload: UploadRecord, info: ZipEntryInfo, read: (max: number) => Promise<Buffer>): Promise<UploadEntry | Buffer> {
    const name = info.name;
    const segments = name.split('/');
    if (name.includes('\\') || name.startsWith('/') || /^[A-Za-z]:/.test(name) || segments.includes('..') || name.includes('\0')) {
      return this.#refusal(upload, info, 'ZIP003', name);
    }
    if (segments.length > 1) return this.#refusal(upload, info, 'ZIP001', name.endsWith('/') ? name : segments.slice(0, -1).join('/'));
    if (!/\.xml$/i.test(name)) return this.#refusal(upload, info, 'ZIP002');
    if (info.encrypted) return this.#refusal(upload, info, 'ZIP004');
    if (info.uncompressedSize > MAX_ENVELOPE_BYTES) {
      const e = new StufError('IB007', `Envelop is ${info.uncompressedSize} bytes, maximaal ${MAX_ENVELOPE_BYTES} bytes toegestaan`);
      return { ...this.#refusal(upload, info, 'ZIP006'), foutcode: e.code, reden: e.omschrijving };
    }
    const ratio = info.uncompressedSize / Math.max(1, info.compressedSize);
    if (info.uncompressedSize > RATIO_MIN_BYTES && ratio > this.#o.limits.maxCompressionRatio) {
      return this.#refusal(upload, info, 'ZIP005', `${Math.round(ratio)}:1, maximaal ${this.#o.limits.maxCompressionRatio}:1`);
    }
    if (info.compressionMethod !== 0 && info.compressionMethod !== 8) {
      return this.#refusal(upload, info, 'ZIP006', `compressiemethode ${info.compressionMethod} wordt niet ondersteund`);
    }
    try {
      return await read(MAX_ENVELOPE_BYTES);
    } catch (err) {
      if (err instanceof ZipEntryError) return this.#refusal(upload, info, 'ZIP006', err.message);
      throw err;
    }
  }

  /** A re-upload of delivered bytes is `dubbel`; anything else goes through the hub's checks and routing. */
  async #route(upload: UploadRecord, oins: readonly string[], info: ZipEntryInfo, content: Buffer): Promise<UploadEntry> {
    const name = info.name;
    const sha256 = createHash('sha256').update(content).digest('hex');
    const base = { uploadId: upload.id, idx: info.idx, bestandsnaam: name, sha256 };
    const earlier = await this.#o.store.uploads.findDelivered(upload.organisationId, sha256);
    if (earlier) {
      return { ...base, berichttype: earlier.berichttype, referentienummer: earlier.referentienummer, resultaat: 'dubbel', foutcode: null,
        reden: `Al eerder afgeleverd (upload ${earlier.uploadId}, ${earlier.bestandsnaam}); niet opnieuw verstuurd`, logId: earlier.logId };
    }
    const out = await this.#o.processor.process({
      ebmsMessageId: '', cpaId: '', senderOin: '', action: '', conversationId: randomUUID(),
      parts: [{ contentId: `<${upload.id}.${info.idx}@portaal>`, contentType: STUF_CONTENT_TYPE, content }],
      portaal: { uploadId: upload.id, organisationId: upload.organisationId, oins, berichtstroom: upload.berichtstroom },
    });
    return {
      ...base, berichttype: out.berichttype ?? null, referentienummer: out.referentienummer ?? null, resultaat: out.outcome,
      foutcode: out.foutcode ?? null, reden: out.outcome === 'geweigerd' ? out.detail : null, logId: out.logId,
    };
  }

  #refusal(upload: UploadRecord, info: Pick<ZipEntryInfo, 'idx' | 'name'>, code: ZipFoutcode, detail?: string): UploadEntry {
    return {
      uploadId: upload.id, idx: info.idx, bestandsnaam: info.name, berichttype: null, referentienummer: null, sha256: null,
      resultaat: 'geweigerd', foutcode: code, reden: zipReden(code, detail), logId: null,
    };
  }

  async #refuseWhole(upload: UploadRecord, foutmelding: string): Promise<{ upload: UploadRecord; refused: true }> {
    const at = this.#now().toISOString();
    Object.assign(upload, { status: 'afgekeurd', foutmelding, finishedAt: at, entryCount: null });
    await this.#o.store.uploads.insert(upload);
    this.#o.logger?.info({ uploadId: upload.id, organisationId: upload.organisationId, foutmelding }, 'upload refused whole');
    return { upload, refused: true };
  }

  #path(id: string): string {
    return join(this.#dir, `${id}.zip`);
  }
}
