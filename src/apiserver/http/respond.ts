/** Writing responses: JSON objects, Status errors, plain text. */
import type { ServerResponse } from 'node:http';
import type { Status } from '../../api/meta/types.ts';
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
