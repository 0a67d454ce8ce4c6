/** Writing responses: JSON objects, Status errors, plain text. */
import type { ServerResponse } from 'node:http';
import type { Status } from '../../api/meta/types.ts';
import { yieldIfBusy } from '../../util/event-loop.ts';
import type { ApiError } from '../errors.ts';

/**
 * Adds a `Warning: 299 - "<text>"` header per text (kubectl prints each as `Warning: <text>`), keeping
 * warnings added before it (and adding each text once).
 */
export function addWarnings(res: ServerResponse, warnings: readonly string[]): void {
  if (warnings.length === 0) return;
  const previous = res.getHeader('Warning');
  const list = previous === undefined ? [] : Array.isArray(previous) ? previous : [String(previous)];
  const added = warnings.map((w) => `299 - ${JSON.stringify(w)}`).filter((v, i, all) => !list.includes(v) && all.indexOf(v) === i);
  if (added.length > 0) res.setHeader('Warning', [...list, ...added]);
}

/** Writes `body` as JSON with `code` (default 200). */
export function writeJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  });
  res.end(text);
}

/** Items per chunk of a streamed list (and the longest list written in one piece). */
const LIST_CHUNK_ITEMS = 250;

/** A list response: type meta, list meta, items. */
export interface JsonList {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: unknown;
  readonly items: readonly unknown[];
}

/** Resolves once `res` can take more data, or has closed. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * Writes a list as JSON, a long one streamed in chunks of items (chunked transfer encoding):
 * waiting for the socket to drain and letting the event loop turn between chunks, so that the
 * list never exists as one string (100,000 ConfigMaps make some 100 MB of JSON), and encoding it
 * does not hold up everything else the process does for seconds — the lease renewals of the
 * in-process controller manager and scheduler among them. Clients that list without `limit`
 * (client-node's informers do) get such answers.
 */
export async function writeJsonList(res: ServerResponse, code: number, list: JsonList): Promise<void> {
  if (list.items.length <= LIST_CHUNK_ITEMS) {
    writeJson(res, code, list);
    return;
  }
  res.writeHead(code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  const { items, ...head } = list;
  const opening = JSON.stringify(head);
  let chunk = `${opening.slice(0, -1)}${opening === '{}' ? '' : ','}"items":[`;
  for (let i = 0; i < items.length; i += LIST_CHUNK_ITEMS) {
    chunk += (i === 0 ? '' : ',') + items.slice(i, i + LIST_CHUNK_ITEMS).map((item) => JSON.stringify(item)).join(',');
    if (res.write(chunk)) await yieldIfBusy();
    else await drained(res);
    if (res.destroyed) return;
    chunk = '';
  }
  res.end(']}');
}

/** Writes an ApiError as its metav1.Status with the matching HTTP code. */
export function writeError(res: ServerResponse, err: ApiError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  for (const [name, value] of Object.entries(err.headers)) res.setHeader(name, value);
  writeJson(res, err.code, err.toStatus());
}

export function writeText(res: ServerResponse, code: number, text: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(code, {
    'Content-Type': contentType,
    'X-Content-Type-Options': 'nosniff',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  });
  res.end(text);
}

/** A success Status, as returned by DELETE of most kinds. */
export function successStatus(details: Status['details']): Status {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 };
  if (details !== undefined) status.details = details;
  return status;
}
