/**
 * The in-memory multi-version index: every key's versions (values and deletion tombstones) by
 * revision, plus the keys in key order, so reads at an older revision and ordered prefix scans
 * are cheap. Compaction drops the versions no read at or after the compaction point can see.
 */
import { compareKeys } from '../common/key-order.ts';
import type { KeyValue } from '../storage.ts';

/** One version of a key: its state from `modRevision` until the next version. */
interface Version {
  readonly modRevision: number;
  /** Undefined for a deletion tombstone. */
  readonly kv: KeyValue | undefined;
}

/** The index of the first element of sorted `keys` that is >= `key`. */
function lowerBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeys(keys[mid]!, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The state of a key at `revision` from its versions (oldest first), if it existed then. */
function versionAt(versions: readonly Version[], revision: number): KeyValue | undefined {
  for (let i = versions.length - 1; i >= 0; i--) {
    const version = versions[i]!;
    if (version.modRevision <= revision) return version.kv;
  }
  return undefined;
}

export class VersionIndex {
  /** Every key with at least one version, in key order. */
  #keys: string[] = [];
  readonly #versions = new Map<string, Version[]>();

  /** The key's latest state, if it exists now. */
  latest(key: string): KeyValue | undefined {
    return this.#versions.get(key)?.at(-1)?.kv;
  }

  /** The key's state at `revision`. */
  at(key: string, revision: number): KeyValue | undefined {
    const versions = this.#versions.get(key);
    return versions === undefined ? undefined : versionAt(versions, revision);
  }

  /**
   * Keys from `start` on that begin with `prefix`, as they were at `revision`, in key order;
   * at most `limit` of them, with `more` telling whether further ones exist.
   */
  scan(prefix: string, start: string, revision: number, limit: number): { kvs: KeyValue[]; more: boolean } {
    const kvs: KeyValue[] = [];
    for (let i = lowerBound(this.#keys, start); i < this.#keys.length; i++) {
      const key = this.#keys[i]!;
      if (!key.startsWith(prefix)) break;
      const kv = versionAt(this.#versions.get(key)!, revision);
      if (kv === undefined) continue;
      if (kvs.length === limit) return { kvs, more: true };
      kvs.push(kv);
    }
    return { kvs, more: false };
  }

  /** Records a new version of `key` at `revision` (`kv` undefined for a delete). */
  put(key: string, revision: number, kv: KeyValue | undefined): void {
    let versions = this.#versions.get(key);
    if (versions === undefined) {
      versions = [];
      this.#versions.set(key, versions);
      this.#keys.splice(lowerBound(this.#keys, key), 0, key);
    }
    versions.push({ modRevision: revision, kv });
  }

  /**
   * Forgets what reads at `revision` or later cannot see: of the versions at or below it, only
   * the newest is kept, and not even that one when it is a tombstone. Keys left with no version
   * leave the index.
   */
  compact(revision: number): void {
    const emptied = new Set<string>();
    for (const [key, versions] of this.#versions) {
      let newest = -1;
      while (newest + 1 < versions.length && versions[newest + 1]!.modRevision <= revision) newest++;
      if (newest < 0) continue;
      const drop = versions[newest]!.kv === undefined ? newest + 1 : newest;
      if (drop === 0) continue;
      versions.splice(0, drop);
      if (versions.length === 0) {
        this.#versions.delete(key);
        emptied.add(key);
      }
    }
    if (emptied.size > 0) this.#keys = this.#keys.filter((key) => !emptied.has(key));
  }
}
