/**
 * A watch that survives the loss of the member it streams from. Each Storage.watch runs its own
 * gRPC watch stream; when the stream fails (the member died, lost its leader, or stopped
 * answering), it is reopened on another member from one past the last revision delivered, so the
 * consumer sees every event once, in order. Events at or below that revision (which a new stream
 * cannot send, but which the check makes impossible to deliver twice) are dropped.
 *
 * The resume point advances only with delivered events, never with a response header's revision:
 * a header (of a "created" response, or of a progress notification on etcd 3.4) can name a
 * revision whose events are still queued on the old stream, and resuming after it would skip them.
 * The cost is that a watch on a quiet prefix can be told "compacted" after a reconnect although it
 * missed nothing; it then resumes by listing again, as after any compaction.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Etcd3, IEvent, IWatchRequest, IWatchResponse } from 'etcd3';
import { CompactedError, StorageClosedError } from '../errors.ts';
import type { KeyValue, WatchEvent } from '../storage.ts';
import { toKeyValue, toRevision } from './etcd-convert.ts';
import type { KeySpace } from './etcd-keys.ts';

/** Notified as watch streams connect and fail (for logs and metrics, and for tests). */
export interface EtcdWatchObserver {
  /** A stream for `prefix` is established on member `memberId` (decimal, as etcd reports it), resuming at `startRevision`. */
  connected?(info: { readonly prefix: string; readonly memberId: string; readonly startRevision: number }): void;
  /** A stream for `prefix` failed; it is reopened after a backoff. */
  disconnected?(info: { readonly prefix: string; readonly error: Error }): void;
}

/** What a watch needs from the store that runs it. */
export interface WatchScope {
  readonly client: Etcd3;
  readonly keys: KeySpace;
  readonly isClosed: () => boolean;
  /** Registers a function that ends the watch's current stream when the store closes; returns the unregister function. */
  readonly onClose: (cancel: () => void) => () => void;
  readonly observer?: EtcdWatchObserver;
}

/** The part of grpc-js's duplex call the watch uses. */
interface WatchStream extends AsyncIterable<IWatchResponse> {
  write(req: IWatchRequest): void;
  cancel(): void;
  removeAllListeners(event: 'error'): void;
  on(event: 'error', fn: (err: Error) => void): void;
}

const firstBackoffMs = 50;
const maxBackoffMs = 1_000;
/** A member that does not confirm a new watch within this time is given up on. */
const createTimeoutMs = 5_000;

/** Every change under `prefix` after `afterRevision`; see Storage.watch. */
export async function* resilientWatch(
  scope: WatchScope,
  prefix: string,
  afterRevision: number,
  signal: AbortSignal,
): AsyncGenerator<WatchEvent[]> {
  const { start, end } = scope.keys.range(prefix);
  let next = afterRevision + 1;
  let backoff = firstBackoffMs;
  while (!signal.aborted) {
    if (scope.isClosed()) throw new StorageClosedError();
    let stream: WatchStream | undefined;
    let createTimer: NodeJS.Timeout | undefined;
    const cancel = (): void => stream?.cancel();
    signal.addEventListener('abort', cancel);
    const unregister = scope.onClose(cancel);
    try {
      stream = (await scope.client.watchClient.watch()) as unknown as WatchStream;
      // The library's own error listener marks the member failed on any stream error, including
      // our own cancellations; stream errors are handled here instead, through the iteration.
      stream.removeAllListeners('error');
      stream.on('error', () => undefined);
      if (signal.aborted || scope.isClosed()) cancel();
      stream.write({ create_request: { key: start, range_end: end, start_revision: next, prev_kv: true } });
      createTimer = setTimeout(cancel, createTimeoutMs);
      for await (const res of stream) {
        // etcd cancels a watch whose start lies below the compaction point (or that fell behind
        // it), naming the compaction point.
        const compactRevision = toRevision(res.compact_revision);
        if (compactRevision > 0) throw new CompactedError(next - 1, compactRevision);
        if (res.created) {
          clearTimeout(createTimer);
          if (res.canceled) throw new Error(`etcd refused the watch: ${res.cancel_reason}`);
          scope.observer?.connected?.({ prefix, memberId: res.header.member_id, startRevision: next });
          backoff = firstBackoffMs;
          continue;
        }
        if (res.canceled) throw new Error(`etcd canceled the watch: ${res.cancel_reason}`);
        const batch: WatchEvent[] = [];
        for (const ev of res.events) {
          if (toRevision(ev.kv.mod_revision) >= next) batch.push(toWatchEvent(scope.keys, ev));
        }
        const last = batch.at(-1);
        if (last !== undefined) {
          next = last.kv.modRevision + 1;
          yield batch;
        }
      }
      throw new Error('etcd ended the watch stream');
    } catch (err) {
      if (err instanceof CompactedError) throw err;
      if (signal.aborted) return;
      if (scope.isClosed()) throw new StorageClosedError();
      scope.observer?.disconnected?.({ prefix, error: err instanceof Error ? err : new Error(String(err)) });
    } finally {
      clearTimeout(createTimer);
      signal.removeEventListener('abort', cancel);
      unregister();
      stream?.cancel();
    }
    try {
      await sleep(backoff, undefined, { signal });
    } catch {
      return; // aborted while waiting to reconnect
    }
    backoff = Math.min(backoff * 2, maxBackoffMs);
  }
}

function toWatchEvent(keys: KeySpace, ev: IEvent): WatchEvent {
  const prev = ev.prev_kv !== null && ev.prev_kv !== undefined ? toKeyValue(keys, ev.prev_kv) : undefined;
  if (ev.type === 'Delete') {
    const modRevision = toRevision(ev.kv.mod_revision);
    const kv: KeyValue =
      prev !== undefined
        ? { ...prev, modRevision }
        : { key: keys.decode(ev.kv.key), value: new Uint8Array(), createRevision: 0, modRevision };
    return prev !== undefined ? { type: 'delete', kv, prev } : { type: 'delete', kv };
  }
  const kv = toKeyValue(keys, ev.kv);
  const type = kv.createRevision === kv.modRevision ? 'create' : 'update';
  return prev !== undefined ? { type, kv, prev } : { type, kv };
}
