/**
 * Serves a container log the way `kubectl logs` asks for it: `tailLines`, `sinceTime` /
 * `sinceSeconds` (by line write time, from the log index), `timestamps` (each line prefixed
 * with its RFC 3339 time with nanoseconds, as the kubelet prints it), `limitBytes` (of the
 * output), and `follow` (keep streaming new lines until the container instance ends or the
 * client goes away).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { readIndex, timeAt, type IndexEntry } from './log-index.ts';

export interface LogReadOptions {
  readonly tailLines?: number;
  /** Only lines written at or after this time (epoch ms). */
  readonly sinceMs?: number;
  readonly limitBytes?: number;
  readonly timestamps: boolean;
}

/** What following a log needs: growth notifications and the end of the instance. */
export interface LogFollow {
  /** Subscribes to growth of the file; returns the unsubscribe function. */
  onGrowth(listener: () => void): () => void;
  /** Resolves when the container instance has ended (no more output will come). */
  readonly ended: Promise<void>;
}

/** Where lines go; `write` returning false asks the reader to wait for `drain`. */
export interface LogSink {
  write(chunk: Buffer): boolean;
  once(event: 'drain' | 'close', listener: () => void): unknown;
}

/** `2024-05-01T10:00:00.123000000Z`: RFC 3339 with nine fraction digits, as upstream. */
export function formatLogTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

interface Line {
  readonly start: number;
  readonly bytes: Buffer;
}

/** Splits chunks into lines, remembering where each starts; a final partial line is kept back. */
class LineSplitter {
  #carry: Buffer = Buffer.alloc(0);
  #carryStart = 0;

  constructor(start: number) {
    this.#carryStart = start;
  }

  push(chunk: Buffer): Line[] {
    const data = this.#carry.length === 0 ? chunk : Buffer.concat([this.#carry, chunk]);
    const lines: Line[] = [];
    let from = 0;
    for (;;) {
      const nl = data.indexOf(0x0a, from);
      if (nl < 0) break;
      lines.push({ start: this.#carryStart + from, bytes: data.subarray(from, nl + 1) });
      from = nl + 1;
    }
    this.#carryStart += from;
    this.#carry = Buffer.from(data.subarray(from));
    return lines;
  }

  /** The unterminated rest, if any. */
  flush(): Line | undefined {
    if (this.#carry.length === 0) return undefined;
    const line = { start: this.#carryStart, bytes: this.#carry };
    this.#carryStart += this.#carry.length;
    this.#carry = Buffer.alloc(0);
    return line;
  }
}

/** Writes lines to the sink honouring timestamps and limitBytes; `done` once the limit is hit. */
class LimitedOutput {
  readonly #sink: LogSink;
  readonly #timestamps: boolean;
  #remaining: number;
  done = false;

  constructor(sink: LogSink, opts: LogReadOptions) {
    this.#sink = sink;
    this.#timestamps = opts.timestamps;
    this.#remaining = opts.limitBytes ?? Number.POSITIVE_INFINITY;
  }

  async line(bytes: Buffer, timeMs: number): Promise<void> {
    if (this.done) return;
    let out = this.#timestamps ? Buffer.concat([Buffer.from(`${formatLogTimestamp(timeMs)} `), bytes]) : bytes;
    if (out.length >= this.#remaining) {
      out = out.subarray(0, this.#remaining);
      this.done = true;
    }
    this.#remaining -= out.length;
    if (out.length > 0 && !this.#sink.write(out)) {
      await new Promise<void>((resolve) => {
        this.#sink.once('drain', resolve);
        this.#sink.once('close', resolve);
      });
    }
  }
}

async function readRange(path: string, start: number, end: number, onChunk: (chunk: Buffer) => Promise<void>): Promise<void> {
  if (end <= start) return;
  const stream = createReadStream(path, { start, end: end - 1, highWaterMark: 64 * 1024 });
  for await (const chunk of stream) await onChunk(chunk as Buffer);
}

/**
 * Writes the log at `path` to `sink` per `opts`; with `follow`, keeps going until the instance
 * ends or `signal` aborts. Resolves when everything asked for was written.
 */
export async function streamLog(path: string, sink: LogSink, opts: LogReadOptions, follow?: LogFollow, signal?: AbortSignal): Promise<void> {
  const entries: IndexEntry[] = await readIndex(path);
  const size = (await stat(path).catch(() => undefined))?.size ?? 0;
  const now = Date.now();
  const out = new LimitedOutput(sink, opts);
  const splitter = new LineSplitter(0);
  const since = opts.sinceMs ?? Number.NEGATIVE_INFINITY;
  const tail = opts.tailLines;
  const kept: Array<{ bytes: Buffer; timeMs: number }> = [];

  const take = async (line: Line, timeMs: number): Promise<void> => {
    if (timeMs < since) return;
    if (tail === undefined) return out.line(line.bytes, timeMs);
    if (tail === 0) return;
    kept.push({ bytes: line.bytes, timeMs });
    if (kept.length > tail) kept.shift();
  };

  await readRange(path, 0, size, async (chunk) => {
    for (const line of splitter.push(chunk)) await take(line, timeAt(entries, line.start, now));
  });
  const partial = follow === undefined ? splitter.flush() : undefined;
  if (partial !== undefined) await take(partial, timeAt(entries, partial.start, now));
  for (const k of kept) await out.line(k.bytes, k.timeMs);
  if (follow === undefined || out.done) return;

  // Follow: new bytes get the time they are read at (the recorder saw them a moment before).
  let offset = size;
  let ended = false;
  let wake: (() => void) | undefined;
  const unsubscribe = follow.onGrowth(() => wake?.());
  void follow.ended.then(() => {
    ended = true;
    wake?.();
  });
  const onAbort = (): void => wake?.();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    while (!out.done && signal?.aborted !== true) {
      const current = (await stat(path).catch(() => undefined))?.size ?? offset;
      if (current > offset) {
        await readRange(path, offset, current, async (chunk) => {
          for (const line of splitter.push(chunk)) await out.line(line.bytes, Date.now());
        });
        offset = current;
        continue;
      }
      if (ended) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        // A safety net: growth events can be missed when the watcher is replaced.
        const timer = setTimeout(resolve, 1000);
        timer.unref();
      });
      wake = undefined;
    }
    const rest = splitter.flush();
    if (rest !== undefined && signal?.aborted !== true) await out.line(rest.bytes, Date.now());
  } finally {
    unsubscribe();
    signal?.removeEventListener('abort', onAbort);
  }
}
