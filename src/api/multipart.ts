/**
 * One file from a multipart/form-data request (RFC 7578), streamed with busboy: the file is handed on as a stream
 * the moment its part starts (never buffered), bounded at `maxFileBytes + 1` so the receiver can tell "too large"
 * without reading an unbounded body. Text fields before the file part are passed along. Used by the REST API and
 * the portal's Aanleveren form.
 */
import busboy from 'busboy';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { ValidationError } from '../errors.js';

export interface FilePart {
  fields: Record<string, string>;
  filename: string;
  stream: Readable;
}

export function receiveFile<T>(req: IncomingMessage, opts: { field: string; maxFileBytes: number }, onFile: (part: FilePart) => Promise<T>): Promise<T> {
  const type = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\b/i.test(type)) {
    return Promise.reject(new ValidationError('Invalid upload', [{ path: opts.field, message: 'send the file as multipart/form-data' }]));
  }
  return new Promise<T>((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { files: 1, fields: 20, fieldSize: 1024, parts: 25, fileSize: opts.maxFileBytes + 1 } });
    } catch (err) {
      reject(new ValidationError('Invalid upload', [{ path: opts.field, message: (err as Error).message }]));
      return;
    }
    const fields: Record<string, string> = {};
    let handled: Promise<T> | null = null;
    bb.on('field', (name, value) => { fields[name] = value; });
    bb.on('file', (name, stream, info) => {
      if (name !== opts.field || handled) { stream.resume(); return; }
      handled = onFile({ fields: { ...fields }, filename: info.filename ?? '', stream });
      handled.catch(() => stream.resume());
    });
    bb.on('error', (err: Error) => reject(new ValidationError('Invalid upload', [{ path: opts.field, message: err.message }])));
    bb.on('close', () => {
      if (handled) handled.then(resolve, reject);
      else reject(new ValidationError('Invalid upload', [{ path: opts.field, message: 'no file was sent' }]));
    });
    req.on('aborted', () => reject(new ValidationError('Invalid upload', [{ path: opts.field, message: 'the upload was interrupted' }])));
    req.pipe(bb);
  });
}
