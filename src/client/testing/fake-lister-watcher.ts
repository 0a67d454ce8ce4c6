/**
 * A scriptable ListerWatcher for tests of informers and of components built on them: the test
 * sets what `list` returns (or throws) and pushes events into each watch it opened.
 */
import type { KubeList, KubeObject } from '../../api/meta/types.ts';
import type { ListerWatcher } from '../reflector.ts';
import type { WatchEvent } from '../watch-decoder.ts';
import { flushMicrotasks } from './fake-clock.ts';

/** One open watch: push events, then end it or fail it. Ends by itself when its signal aborts. */
export class FakeWatch<T extends KubeObject> implements AsyncIterable<WatchEvent<T>> {
  readonly resourceVersion: string;
  readonly timeoutSeconds: number;
  readonly #queue: (WatchEvent<T> | { end: true } | { error: Error })[] = [];
  #wake: (() => void) | undefined;
  #aborted = false;

  constructor(resourceVersion: string, timeoutSeconds: number, signal: AbortSignal) {
    this.resourceVersion = resourceVersion;
    this.timeoutSeconds = timeoutSeconds;
    signal.addEventListener(
      'abort',
      () => {
        this.#aborted = true;
        this.#wake?.();
      },
      { once: true },
    );
  }

  push(ev: WatchEvent<T>): void {
    this.#queue.push(ev);
    this.#wake?.();
  }

  /** Ends the stream as a server timeout would. */
  end(): void {
    this.#queue.push({ end: true });
    this.#wake?.();
  }

  /** Breaks the stream as a lost connection would. */
  fail(error: Error): void {
    this.#queue.push({ error });
    this.#wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent<T>> {
    for (;;) {
      if (this.#aborted) return;
      const next = this.#queue.shift();
      if (next === undefined) {
        await new Promise<void>((resolve) => (this.#wake = resolve));
        this.#wake = undefined;
        continue;
      }
      if ('end' in next) return;
      if ('error' in next) throw next.error;
      yield next;
    }
  }
}

/** A ListerWatcher whose lists and watches the test scripts. */
export class FakeListerWatcher<T extends KubeObject> implements ListerWatcher<T> {
  /** What the next `list` calls return or throw (the last entry repeats). */
  listResults: (KubeList<T> | Error)[] = [];
  /** Errors the next `watch` calls reject with, in order; when empty, watches open. */
  watchErrors: Error[] = [];
  listCalls = 0;
  readonly watches: FakeWatch<T>[] = [];
  /** Resource versions of every watch attempt, including rejected ones. */
  readonly watchAttempts: string[] = [];

  async list(): Promise<KubeList<T>> {
    this.listCalls++;
    const result = this.listResults.length > 1 ? this.listResults.shift() : this.listResults[0];
    if (result === undefined) throw new Error('FakeListerWatcher: no list result scripted');
    if (result instanceof Error) throw result;
    return structuredClone(result);
  }

  async watch(opts: { resourceVersion: string; timeoutSeconds: number; signal: AbortSignal }): Promise<AsyncIterable<WatchEvent<T>>> {
    this.watchAttempts.push(opts.resourceVersion);
    const error = this.watchErrors.shift();
    if (error !== undefined) throw error;
    const w = new FakeWatch<T>(opts.resourceVersion, opts.timeoutSeconds, opts.signal);
    this.watches.push(w);
    return w;
  }

  /** The most recent watch. @throws Error if none was opened */
  get lastWatch(): FakeWatch<T> {
    const w = this.watches.at(-1);
    if (w === undefined) throw new Error('FakeListerWatcher: no watch opened');
    return w;
  }

  /** Waits (bounded by event-loop turns, not time) until `n` watches have been opened. */
  async waitForWatches(n: number, maxTurns = 1000): Promise<void> {
    for (let i = 0; i < maxTurns && this.watches.length < n; i++) await flushMicrotasks();
    if (this.watches.length < n) throw new Error(`FakeListerWatcher: expected ${n} watches, saw ${this.watches.length}`);
  }
}

/** A list document for tests. */
export function listOf<T extends KubeObject>(resourceVersion: string, items: T[]): KubeList<T> {
  return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion }, items };
}
