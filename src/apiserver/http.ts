import type { IncomingMessage, ServerResponse } from 'node:http';
import { errors, isStatusError, type StatusError } from '../apimachinery/status.js';
import { logger } from '../util/log.js';
import { contentTypeOf, encode, type Output } from './negotiation.js';

const log = logger('apiserver');

/** Largest request body accepted, as kube-apiserver (3 MiB). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** Reads the whole body, failing with 413 past the limit. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      return reject(errors.requestEntityTooLarge(`Request entity too large: limit is ${limit}`));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        reject(errors.requestEntityTooLarge(`Request entity too large: limit is ${limit}`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (e) => {
      if (!failed) reject(e);
    });
  });
}

export function writeWarnings(res: ServerResponse, warnings: readonly string[]): void {
  if (warnings.length === 0 || res.headersSent) return;
  const uniq = [...new Set(warnings)];
  res.setHeader(
    'Warning',
    uniq.map((w) => `299 - ${JSON.stringify(w.replace(/[\r\n]+/g, ' '))}`),
  );
}

/** Sends a JSON/YAML body. `json` may be given pre-encoded (only used for JSON output). */
export function sendObject(res: ServerResponse, code: number, obj: unknown, output: Output, json?: string): void {
  const body = output.format === 'json' ? (json ?? JSON.stringify(obj)) : encode(obj, output.format);
  let ct = contentTypeOf(output.format);
  if (output.as) ct += `;as=${output.as};g=meta.k8s.io;v=${output.asVersion ?? 'v1'}`;
  res.writeHead(code, { 'Content-Type': ct, 'Cache-Control': 'no-cache, private' });
  res.end(body);
}

export function sendRaw(res: ServerResponse, code: number, contentType: string, body: string | Buffer): void {
  res.writeHead(code, { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private' });
  res.end(body);
}

/** Sends a failure as a Status object; anything that is not a StatusError is a 500. */
export function sendError(res: ServerResponse, err: unknown, output: Output = { format: 'json' }): void {
  let se: StatusError;
  if (isStatusError(err)) {
    se = err;
  } else {
    log.error('internal error', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    se = errors.internal(err);
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const headers: Record<string, string> = { 'Content-Type': contentTypeOf(output.format === 'yaml' ? 'yaml' : 'json'), 'Cache-Control': 'no-cache, private' };
  const retry = se.status.details?.retryAfterSeconds;
  if (retry && (se.code === 429 || se.code === 504 || se.code === 503)) headers['Retry-After'] = String(retry);
  res.writeHead(se.code, headers);
  res.end(output.format === 'yaml' ? encode(se.status, 'yaml') : JSON.stringify(se.status));
}
