/**
 * The raw-etcd baseline of the HA benchmark: the same kind of steady write load as
 * test/support/write-load.ts (workers writing unique keys, retrying every failure, recording
 * every acknowledgement), but as plain puts through an etcd3 client, with no apiserver between.
 */
import type { Etcd3 } from 'etcd3';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class RawEtcdLoad {
  readonly #client: Etcd3;
  readonly #prefix: string;
  readonly #workers: number;
  readonly #acks: number[] = [];
  #failures = 0;
  #stopping = false;
  #running: Promise<void>[] = [];

  constructor(client: Etcd3, prefix: string, workers = 4) {
    this.#client = client;
    this.#prefix = prefix;
    this.#workers = workers;
  }

  get failures(): number {
    return this.#failures;
  }

  start(): void {
    for (let w = 0; w < this.#workers; w++) this.#running.push(this.#worker(w));
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await Promise.all(this.#running);
  }

  /** Acknowledgements after `since` (performance.now()). */
  acksSince(since: number): number {
    return this.#acks.filter((t) => t > since).length;
  }

  /** The longest interval without an acknowledgement between `from` and `to`, ms. */
  longestGap(from: number, to: number): number {
    let previous = this.#acks.filter((t) => t < from).at(-1) ?? from;
    let longest = 0;
    for (const t of this.#acks) {
      if (t < from || t > to) continue;
      longest = Math.max(longest, t - previous);
      previous = t;
    }
    return Math.max(longest, to - previous);
  }

  async #worker(w: number): Promise<void> {
    for (let n = 0; !this.#stopping; n++) {
      const key = `${this.#prefix}/w${w}/${n}`;
      for (;;) {
        if (this.#stopping) return;
        try {
          await this.#client.put(key).value(`v${n}`).options({ deadline: new Date(Date.now() + 5_000) }).exec();
          this.#acks.push(performance.now());
          break;
        } catch {
          this.#failures++;
          await sleep(50);
        }
      }
    }
  }
}
