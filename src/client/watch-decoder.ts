/**
 * Decodes a watch response body: one JSON event per line, `{"type": ..., "object": {...}}`.
 * Chunks may split lines (and multi-byte characters) anywhere.
 */
import type { KubeObject, Status } from '../api/meta/types.ts';

/** The `type` of a watch event. */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/**
 * One watch event. For ERROR the object is a metav1 Status (e.g. code 410 when the requested
 * resourceVersion is too old); for BOOKMARK only `metadata.resourceVersion` is meaningful.
 */
export type WatchEvent<T extends KubeObject = KubeObject> =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK'; object: T }
  | { type: 'ERROR'; object: Status };

const TYPES: ReadonlySet<string> = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

/** Thrown when a line of the stream is not a watch event. */
export class WatchDecodeError extends Error {
  override name = 'WatchDecodeError';
}

function decodeLine<T extends KubeObject>(line: string): WatchEvent<T> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (err) {
    throw new WatchDecodeError(`Cannot decode watch event: ${(err as Error).message}`);
  }
  const ev = parsed as { type?: unknown; object?: unknown } | null;
  if (ev === null || typeof ev !== 'object' || typeof ev.type !== 'string' || !TYPES.has(ev.type) || typeof ev.object !== 'object' || ev.object === null) {
    throw new WatchDecodeError(`Cannot decode watch event: unexpected shape ${line.slice(0, 200)}`);
  }
  return ev as WatchEvent<T>;
}

/** Yields the events of a newline-delimited JSON stream; blank lines are skipped. */
export async function* decodeWatchStream<T extends KubeObject = KubeObject>(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<WatchEvent<T>> {
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  for await (const chunk of chunks) {
    pending += decoder.decode(chunk, { stream: true });
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line !== '') yield decodeLine<T>(line);
      newline = pending.indexOf('\n');
    }
  }
  const rest = (pending + decoder.decode()).trim();
  if (rest !== '') yield decodeLine<T>(rest);
}
