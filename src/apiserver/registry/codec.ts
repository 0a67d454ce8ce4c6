/**
 * How objects become stored bytes and back. Stored JSON never carries a resourceVersion: the
 * store's modRevision is the resourceVersion, set on every read, so the two cannot disagree.
 */
import type { KubeObject } from '../../api/meta/types.ts';
import type { KeyValue } from '../../storage/storage.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Serialises an object for storage, dropping metadata.resourceVersion. */
export function encodeObject(obj: KubeObject): Uint8Array {
  const { resourceVersion: _rv, ...metadata } = obj.metadata;
  return encoder.encode(JSON.stringify({ ...obj, metadata }));
}

/** Parses stored bytes, with resourceVersion = the key's modRevision. */
export function decodeObject(kv: KeyValue): KubeObject {
  const obj = JSON.parse(decoder.decode(kv.value)) as KubeObject;
  obj.metadata.resourceVersion = String(kv.modRevision);
  return obj;
}
