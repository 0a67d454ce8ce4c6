/**
 * A steady write load for HA tests and benchmarks: workers that create ConfigMaps and update
 * each a few times with unique values, through one URL (the load balancer), retrying every
 * failed write, and recording every acknowledgement (a 2xx answer) with its value, its
 * resourceVersion and when it came.
 *
 * `verify` then checks that nothing acknowledged was lost: every object that had an acknowledged
 * write exists, and its final value is the last acknowledged one or one its writer tried after
 * it (a write whose answer was lost may still have been applied, so a later attempt can be what
 * stands; anything older would mean an acknowledged write was undone).
 */
import { configMapType } from '../../src/api/core/v1/configmap.ts';
import type { KubeObject } from '../../src/api/meta/types.ts';
import { ApiError, Clientset, isAlreadyExists, isConflict, isNotFound } from '../../src/client/index.ts';

export interface WriteLoadOptions {
  /** The one URL writes go to (`https://<lb>:6443`). */
  readonly url: string;
  readonly credentials: { readonly caPem: string; readonly certPem: string; readonly keyPem: string };
  /** Names are `<prefix>-w<worker>-<n>`, labelled `load=<prefix>`. */
  readonly prefix: string;
  /** @default 4 */
  readonly workers?: number;
  /** Updates of each object after its create. @default 3 */
  readonly updatesPerObject?: number;
  /** @default 'default' */
  readonly namespace?: string;
  /** Pause after a failed write. @default 50 */
  readonly retryDelayMs?: number;
  /** Per-request timeout. @default 5000 */
  readonly requestTimeoutMs?: number;
}

/** One acknowledged write. */
export interface Ack {
  readonly name: string;
  readonly value: string;
  /** Index of the value among the attempts on this object (in order). */
  readonly attempt: number;
  readonly resourceVersion: number;
  /** performance.now() when the answer came. */
  readonly at: number;
}

export interface VerifyResult {
  readonly objects: number;
  readonly acks: number;
  /** Human-readable descriptions of every lost acknowledged write (empty: none lost). */
  readonly lost: readonly string[];
}

interface ObjectLog {
  /** Every value tried on the object, in order. */
  readonly attempts: string[];
  lastAck?: Ack;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class WriteLoad {
  readonly #opts: WriteLoadOptions;
  readonly #clientset: Clientset;
  readonly #objects = new Map<string, ObjectLog>();
  readonly #acks: Ack[] = [];
  readonly #errors = new Map<string, number>();
  #stopping = false;
  #running: Promise<void>[] = [];

  constructor(opts: WriteLoadOptions) {
    this.#opts = opts;
    this.#clientset = Clientset.fromOptions({
      endpoints: [opts.url],
      ca: opts.credentials.caPem,
      cert: opts.credentials.certPem,
      key: opts.credentials.keyPem,
      requestTimeoutMs: opts.requestTimeoutMs ?? 5000,
      connectTimeoutMs: 2000,
      userAgent: 'k8ts-write-load',
    });
  }

  /** Every acknowledgement so far, in the order they came. */
  get acks(): readonly Ack[] {
    return this.#acks;
  }

  /** Failed attempts by cause (HTTP status, or the transport error's name). */
  get errors(): ReadonlyMap<string, number> {
    return this.#errors;
  }

  start(): void {
    for (let w = 0; w < (this.#opts.workers ?? 4); w++) this.#running.push(this.#worker(w));
  }

  /** Stops after each worker's current write. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await Promise.all(this.#running);
  }

  close(): void {
    this.#clientset.close();
  }

  /** Acknowledgements after `since` (performance.now()). */
  acksSince(since: number): number {
    let n = 0;
    for (let i = this.#acks.length - 1; i >= 0 && this.#acks[i]!.at > since; i--) n++;
    return n;
  }

  /** Resolves once `count` more writes have been acknowledged after now, or rejects after `timeoutMs`. */
  async waitForAcks(count: number, timeoutMs: number): Promise<void> {
    const since = performance.now();
    const deadline = Date.now() + timeoutMs;
    while (this.acksSince(since) < count) {
      if (Date.now() > deadline) throw new Error(`only ${this.acksSince(since)} of ${count} writes acknowledged within ${timeoutMs} ms (errors so far: ${JSON.stringify(Object.fromEntries(this.#errors))})`);
      await sleep(50);
    }
  }

  /** The longest interval without an acknowledgement between `from` and `to` (performance.now() times), ms. */
  longestGap(from: number, to: number): number {
    const times = this.#acks.map((a) => a.at).filter((t) => t >= from && t <= to);
    let previous = this.#acks.filter((a) => a.at < from).at(-1)?.at ?? from;
    let longest = 0;
    for (const t of times) {
      longest = Math.max(longest, t - previous);
      previous = t;
    }
    return Math.max(longest, to - previous);
  }

  /** Checks the final state against every acknowledgement (see the file comment). */
  async verify(): Promise<VerifyResult> {
    const ns = this.#opts.namespace ?? 'default';
    const list = await this.#clientset.resource(configMapType).listAll({ namespace: ns, labelSelector: `load=${this.#opts.prefix}` });
    const found = new Map(list.items.map((o) => [o.metadata.name ?? '', o]));
    const lost: string[] = [];
    for (const [name, log] of this.#objects) {
      const ack = log.lastAck;
      if (ack === undefined) continue;
      const current = found.get(name);
      if (current === undefined) {
        lost.push(`${name}: acknowledged ${ack.value} (rv ${ack.resourceVersion}) but the object is gone`);
        continue;
      }
      const value = (current.data as Record<string, string> | undefined)?.value ?? '';
      const index = log.attempts.indexOf(value);
      const rv = Number(current.metadata.resourceVersion);
      if (index < ack.attempt) lost.push(`${name}: acknowledged ${ack.value} (attempt ${ack.attempt}, rv ${ack.resourceVersion}) but it holds ${JSON.stringify(value)} (attempt ${index}, rv ${rv})`);
      else if (rv < ack.resourceVersion) lost.push(`${name}: acknowledged at rv ${ack.resourceVersion} but it is at rv ${rv}`);
    }
    return { objects: [...this.#objects.values()].filter((l) => l.lastAck !== undefined).length, acks: this.#acks.length, lost };
  }

  #count(err: unknown): void {
    const key = err instanceof ApiError ? `HTTP ${err.code}` : err instanceof Error ? err.name : 'error';
    this.#errors.set(key, (this.#errors.get(key) ?? 0) + 1);
  }

  #record(name: string, log: ObjectLog, value: string, obj: KubeObject): void {
    const ack: Ack = { name, value, attempt: log.attempts.indexOf(value), resourceVersion: Number(obj.metadata.resourceVersion), at: performance.now() };
    log.lastAck = ack;
    this.#acks.push(ack);
  }

  async #worker(w: number): Promise<void> {
    const configMaps = this.#clientset.resource(configMapType);
    const ns = this.#opts.namespace ?? 'default';
    const delay = this.#opts.retryDelayMs ?? 50;
    for (let n = 0; !this.#stopping; n++) {
      const name = `${this.#opts.prefix}-w${w}-${n}`;
      const log: ObjectLog = { attempts: [] };
      this.#objects.set(name, log);
      let resourceVersion: string | undefined;
      // Create, until acknowledged or found to exist (an earlier attempt was applied, unanswered).
      while (resourceVersion === undefined) {
        if (this.#stopping) return;
        const value = `${name}-a${log.attempts.length}`;
        log.attempts.push(value);
        try {
          const created = await configMaps.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels: { load: this.#opts.prefix } }, data: { value } }, { namespace: ns });
          this.#record(name, log, value, created);
          resourceVersion = created.metadata.resourceVersion;
        } catch (err) {
          if (!isAlreadyExists(err)) {
            this.#count(err);
            await sleep(delay);
            continue;
          }
          try {
            resourceVersion = (await configMaps.get(name, { namespace: ns })).metadata.resourceVersion;
          } catch (getErr) {
            this.#count(getErr);
            await sleep(delay);
          }
        }
      }
      for (let u = 0; u < (this.#opts.updatesPerObject ?? 3) && !this.#stopping; ) {
        const value = `${name}-a${log.attempts.length}`;
        log.attempts.push(value);
        try {
          const updated = await configMaps.update(
            { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels: { load: this.#opts.prefix }, resourceVersion }, data: { value } },
          );
          this.#record(name, log, value, updated);
          resourceVersion = updated.metadata.resourceVersion;
          u++;
        } catch (err) {
          this.#count(err);
          if (!isNotFound(err)) {
            // Refresh the version (an unanswered attempt may have been applied) and try a new value.
            try {
              resourceVersion = (await configMaps.get(name, { namespace: ns })).metadata.resourceVersion;
            } catch (getErr) {
              this.#count(getErr);
            }
          }
          await sleep(isConflict(err) ? 0 : delay);
        }
      }
    }
  }
}
