/**
 * Watches a running container's log file (inotify through fs.watch, plus a slow poll in case
 * an event is missed) and records its growth in the log index (log-index.ts). Followers of the
 * log (`kubectl logs -f`) subscribe to learn about new bytes without polling.
 */
import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { appendIndex, readIndex } from './log-index.ts';

/** How often the file is checked even without a change event, ms. */
const POLL_MS = 1000;
/** Change events closer together than this are handled as one, ms. */
const COALESCE_MS = 5;

export class LogRecorder {
  readonly path: string;
  #size = -1;
  #watcher: FSWatcher | undefined;
  #poll: NodeJS.Timeout | undefined;
  #pending: NodeJS.Timeout | undefined;
  #checking: Promise<void> = Promise.resolve();
  readonly #listeners = new Set<() => void>();
  #stopped = false;

  constructor(path: string) {
    this.path = path;
  }

  /** Starts watching (continuing the index an earlier recorder of this file left). */
  async start(): Promise<void> {
    const entries = await readIndex(this.path);
    this.#size = entries.length > 0 ? entries[entries.length - 1]!.size : 0;
    try {
      this.#watcher = watch(this.path, { persistent: false }, () => this.#schedule());
      this.#watcher.on('error', () => undefined);
    } catch {
      // No inotify (or too many watches): the poll still records growth, only less precisely.
    }
    this.#poll = setInterval(() => this.#schedule(), POLL_MS);
    this.#poll.unref();
    this.#schedule();
  }

  /** Calls `listener` whenever the file grew; returns the unsubscribe function. */
  onGrowth(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Records the final size and stops watching; followers are told one last time. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#watcher?.close();
    clearInterval(this.#poll);
    clearTimeout(this.#pending);
    await this.#check();
    this.#listeners.clear();
  }

  #schedule(): void {
    if (this.#stopped || this.#pending !== undefined) return;
    this.#pending = setTimeout(() => {
      this.#pending = undefined;
      void this.#check();
    }, COALESCE_MS);
  }

  /** Serialized: one stat at a time, so index entries stay in order. */
  #check(): Promise<void> {
    this.#checking = this.#checking.then(async () => {
      const info = await stat(this.path).catch(() => undefined);
      if (info === undefined || info.size <= this.#size) return;
      this.#size = info.size;
      await appendIndex(this.path, { size: info.size, timeMs: Date.now() }).catch(() => undefined);
      for (const l of this.#listeners) l();
    });
    return this.#checking;
  }
}
