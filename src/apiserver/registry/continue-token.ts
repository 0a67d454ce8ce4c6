/**
 * Continue tokens for paginated lists: opaque to clients, they carry the revision of the first
 * page (so every page reads the same snapshot) and the key to start the next page from.
 */
import { badRequest } from '../errors.ts';

export interface ContinuePosition {
  /** The storage revision every page is read at. */
  readonly revision: number;
  /** The first key of the next page. */
  readonly startKey: string;
}

export function encodeContinue(pos: ContinuePosition): string {
  return Buffer.from(JSON.stringify({ v: 'k8ts/v1', rv: pos.revision, start: pos.startKey })).toString('base64url');
}

/** Decodes a token; a malformed one is a 400 `invalid continue token`. */
export function decodeContinue(token: string, prefix: string): ContinuePosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw badRequest('invalid continue token: not a token this server issued');
  }
  const p = parsed as { v?: unknown; rv?: unknown; start?: unknown };
  if (p.v !== 'k8ts/v1' || typeof p.rv !== 'number' || !Number.isSafeInteger(p.rv) || p.rv <= 0 || typeof p.start !== 'string') {
    throw badRequest('invalid continue token: not a token this server issued');
  }
  if (!p.start.startsWith(prefix)) throw badRequest('invalid continue token: it belongs to another collection');
  return { revision: p.rv, startKey: p.start };
}
