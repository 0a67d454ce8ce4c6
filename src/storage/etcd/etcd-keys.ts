/**
 * Storage keys ⇄ etcd keys. Every key lives under a root prefix, so several clusters (or tests)
 * can share one etcd; the root is added on the way in and stripped on the way out, so callers
 * never see it.
 */

/** The smallest key greater than every key that starts with `prefix` (etcd's range_end for a prefix). */
export function prefixRangeEnd(prefix: Buffer): Buffer {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const byte = prefix[i] ?? 0;
    if (byte < 0xff) {
      const end = Buffer.from(prefix.subarray(0, i + 1));
      end[i] = byte + 1;
      return end;
    }
  }
  // An empty prefix (or one made only of 0xff bytes): "\0" means "to the end of the keyspace".
  return Buffer.from([0]);
}

/** The key space under one root prefix. */
export class KeySpace {
  readonly root: Buffer;

  constructor(root: string) {
    this.root = Buffer.from(root, 'utf8');
  }

  /** The etcd key of a storage key. */
  encode(key: string): Buffer {
    return Buffer.concat([this.root, Buffer.from(key, 'utf8')]);
  }

  /** The storage key of an etcd key (which must lie under the root). */
  decode(etcdKey: Buffer): string {
    if (etcdKey.length < this.root.length || !etcdKey.subarray(0, this.root.length).equals(this.root)) {
      throw new Error(`etcd key outside the storage prefix: ${etcdKey.toString('utf8')}`);
    }
    return etcdKey.subarray(this.root.length).toString('utf8');
  }

  /** The etcd range [start, end) of every storage key starting with `prefix` and >= `startKey`. */
  range(prefix: string, startKey?: string): { start: Buffer; end: Buffer } {
    const encodedPrefix = this.encode(prefix);
    const end = prefixRangeEnd(encodedPrefix);
    if (startKey === undefined) return { start: encodedPrefix, end };
    const encodedStart = this.encode(startKey);
    return { start: Buffer.compare(encodedStart, encodedPrefix) > 0 ? encodedStart : encodedPrefix, end };
  }
}
