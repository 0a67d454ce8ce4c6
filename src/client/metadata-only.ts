/**
 * Metadata-only caches: a ListerWatcher wrapper that keeps only `apiVersion`, `kind` and
 * `metadata` (without managedFields) of every object, for components that track relations
 * between objects of every type (the garbage collector) and would otherwise hold a full copy of
 * the cluster in memory. The server still sends whole objects; they are trimmed on arrival.
 */
import type { KubeObject } from '../api/meta/types.ts';
import type { ListerWatcher } from './reflector.ts';
import type { WatchEvent } from './watch-decoder.ts';

/** The object reduced to its type and metadata. */
export function trimToMetadata<T extends KubeObject>(obj: T): T {
  const { managedFields: _managed, ...metadata } = obj.metadata;
  return { apiVersion: obj.apiVersion, kind: obj.kind, metadata } as T;
}

async function* trimEvents<T extends KubeObject>(events: AsyncIterable<WatchEvent<T>>): AsyncGenerator<WatchEvent<T>> {
  for await (const ev of events) {
    // ERROR events carry a Status, not an object: pass them through untouched.
    yield ev.type === 'ERROR' ? ev : { ...ev, object: trimToMetadata(ev.object) };
  }
}

/** `lw` with every listed and watched object trimmed to its metadata. */
export function metadataOnly<T extends KubeObject>(lw: ListerWatcher<T>): ListerWatcher<T> {
  return {
    list: async (opts) => {
      const list = await lw.list(opts);
      return { ...list, items: list.items.map((o) => trimToMetadata(o)) };
    },
    watch: async (opts) => trimEvents(await lw.watch(opts)),
  };
}
