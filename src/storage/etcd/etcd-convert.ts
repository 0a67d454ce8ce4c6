/** Converts etcd's wire records (64-bit numbers as decimal strings, keys as bytes) to storage types. */
import type { IKeyValue } from 'etcd3';
import { assertSafeRevision } from '../common/arguments.ts';
import type { KeyValue } from '../storage.ts';
import type { KeySpace } from './etcd-keys.ts';

/** A revision from etcd (a decimal string) as a number, asserting it is exact (revisions stay far below 2^53). */
export function toRevision(value: string | number): number {
  return assertSafeRevision(BigInt(value));
}

/** A storage KeyValue from an etcd one (the value is copied out of gRPC's buffer). */
export function toKeyValue(keys: KeySpace, kv: IKeyValue): KeyValue {
  return {
    key: keys.decode(kv.key),
    value: new Uint8Array(kv.value),
    createRevision: toRevision(kv.create_revision),
    modRevision: toRevision(kv.mod_revision),
  };
}
