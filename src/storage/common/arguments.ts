/**
 * Argument checks shared by the backends, so every one rejects the same bad input the same way:
 * programming errors (a malformed key or revision) throw RangeError or TypeError, never a
 * StorageError, since no retry or status mapping can fix them.
 */

/** A key: a non-empty string of well-formed Unicode (lone surrogates have no UTF-8 form). */
export function checkKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || !key.isWellFormed()) {
    throw new RangeError(`invalid storage key: ${JSON.stringify(key)}`);
  }
}

/** A prefix: like a key, but it may be empty (everything). */
export function checkPrefix(prefix: string): void {
  if (typeof prefix !== 'string' || !prefix.isWellFormed()) {
    throw new RangeError(`invalid storage prefix: ${JSON.stringify(prefix)}`);
  }
}

export function checkValue(value: Uint8Array): void {
  if (!(value instanceof Uint8Array)) throw new TypeError('storage value must be a Uint8Array');
}

/** A revision argument: a safe integer >= 0 (or > 0 when zero means nothing). */
export function checkRevision(revision: number, allowZero: boolean): void {
  if (!Number.isSafeInteger(revision) || revision < 0 || (!allowZero && revision === 0)) {
    throw new RangeError(`invalid revision: ${revision}`);
  }
}

/** The revision a read asks for: undefined (and 0, as in etcd) mean the latest. */
export function readRevision(revision: number | undefined): number | undefined {
  if (revision === undefined || revision === 0) return undefined;
  checkRevision(revision, false);
  return revision;
}

/** A list limit: undefined (no limit) or a positive safe integer. */
export function checkLimit(limit: number | undefined): void {
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit <= 0)) {
    throw new RangeError(`list limit must be a positive integer: ${limit}`);
  }
}

/** A revision a backend produced, checked before it is handed out as a number. */
export function assertSafeRevision(revision: number | bigint): number {
  const n = Number(revision);
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`revision out of range: ${revision}`);
  return n;
}
