/**
 * Writes pod statuses to the API: `PATCH pods/<name>/status` (merge patch naming the pod's uid,
 * so a pod deleted and re-created under the same name is never given the old one's status).
 *
 * Per pod, writes are serialized and coalesced: while one is in flight, only the newest wanted
 * status waits. A status equal to what the API last stored is not written again. When someone
 * else changes the status (the informer shows a version the kubelet did not write, with other
 * content), the kubelet's status is written back on the next `set`. Failed writes are retried
 * with backoff until the pod is forgotten. At most `maxInFlight` writes run at once (the others
 * queue, each still carrying only its newest status): a burst of pods starting together then
 * reuses a few keep-alive connections instead of opening one TLS connection per pod.
 */
import { podType } from '../../api/core/v1/pod.ts';
import { Backoff, isNotFound, pause, realClock, type Clientset, type Logger } from '../../client/index.ts';
import { deepEqual } from '../../util/deep-equal.ts';
import type { Pod, PodStatus } from '../api-types.ts';

interface Entry {
  /** The pod as last given (namespace, name, uid). */
  pod: Pod;
  /** The status the kubelet wants. */
  wanted: PodStatus | undefined;
  /** The status the API holds (as it answered our last write, or as the informer showed it). */
  stored: PodStatus | undefined;
  /** resourceVersion our last write produced. */
  writtenVersion: string | undefined;
  writing: Promise<void> | undefined;
  backoff: Backoff;
  forgotten: boolean;
}

/** Status fields the kubelet does not own: kept as they are. */
const FOREIGN_FIELDS = new Set(['nominatedNodeName', 'qosClass', 'resize', 'resourceClaimStatuses']);

/** The merge patch turning `stored` into `wanted` (fields the kubelet dropped become null). */
export function statusPatch(wanted: PodStatus, stored: PodStatus | undefined): Record<string, unknown> {
  const patch: Record<string, unknown> = { ...wanted };
  for (const key of Object.keys(stored ?? {})) if (!(key in wanted) && !FOREIGN_FIELDS.has(key)) patch[key] = null;
  return patch;
}

export class PodStatusManager {
  readonly #clientset: Clientset;
  readonly #logger: Logger;
  readonly #entries = new Map<string, Entry>();
  readonly #stopped = new AbortController();
  readonly #maxInFlight: number;
  #inFlight = 0;
  /** Writers waiting for a slot, in arrival order. */
  readonly #waiting: Array<() => void> = [];
  /** Called after a status was stored (tests and the bench watch this). */
  onWritten: ((pod: Pod, status: PodStatus) => void) | undefined;

  /** @param maxInFlight writes at once @default 4 */
  constructor(clientset: Clientset, logger: Logger, maxInFlight = 4) {
    this.#clientset = clientset;
    this.#logger = logger;
    this.#maxInFlight = maxInFlight;
  }

  async #slot(): Promise<void> {
    if (this.#inFlight < this.#maxInFlight) {
      this.#inFlight++;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next !== undefined) next();
    else this.#inFlight--;
  }

  #entry(pod: Pod): Entry {
    const uid = pod.metadata.uid ?? '';
    let e = this.#entries.get(uid);
    if (e === undefined) {
      e = { pod, wanted: undefined, stored: pod.status, writtenVersion: undefined, writing: undefined, backoff: new Backoff({ initialMs: 200, maxMs: 10_000 }), forgotten: false };
      this.#entries.set(uid, e);
    }
    return e;
  }

  /** Asks for `status` to be the pod's status; written in the background. */
  set(pod: Pod, status: PodStatus): void {
    if (this.#stopped.signal.aborted) return;
    const e = this.#entry(pod);
    e.pod = pod;
    e.wanted = status;
    if (e.writing === undefined && !deepEqual(e.stored, status)) e.writing = this.#write(e);
  }

  /** Tells the manager what the informer shows, so foreign changes are noticed. */
  observe(pod: Pod): void {
    const e = this.#entries.get(pod.metadata.uid ?? '');
    if (e === undefined || pod.metadata.resourceVersion === e.writtenVersion) return;
    if (!deepEqual(pod.status, e.stored)) {
      e.stored = pod.status;
      if (e.wanted !== undefined && e.writing === undefined && !deepEqual(e.stored, e.wanted)) e.writing = this.#write(e);
    }
  }

  /** Resolves once the wanted status of `uid` has been written (or the write gave up). */
  async flush(uid: string): Promise<void> {
    const e = this.#entries.get(uid);
    while (e?.writing !== undefined) await e.writing;
  }

  /** Stops every write (the kubelet is stopping); pending retries give up. */
  stop(): void {
    for (const e of this.#entries.values()) e.forgotten = true;
    this.#entries.clear();
    this.#stopped.abort();
  }

  /** Stops writing for `uid`. */
  forget(uid: string): void {
    const e = this.#entries.get(uid);
    if (e !== undefined) e.forgotten = true;
    this.#entries.delete(uid);
  }

  async #write(e: Entry): Promise<void> {
    try {
      while (!e.forgotten && e.wanted !== undefined && !deepEqual(e.stored, e.wanted)) {
        await this.#slot();
        let retry = false;
        try {
          const wanted = e.wanted;
          if (e.forgotten || wanted === undefined || deepEqual(e.stored, wanted)) return;
          const updated = await this.#clientset.resource<Pod>(podType).patch(
            e.pod.metadata.name ?? '',
            { metadata: { uid: e.pod.metadata.uid }, status: statusPatch(wanted, e.stored) },
            { namespace: e.pod.metadata.namespace ?? '', subresource: 'status' },
          );
          e.stored = updated.status;
          e.writtenVersion = updated.metadata.resourceVersion;
          e.backoff.reset();
          this.onWritten?.(updated, wanted);
          // The server may normalize what it stores; what we asked for counts as written then.
          if (!deepEqual(e.stored, e.wanted) && e.wanted === wanted) e.stored = wanted;
        } catch (err) {
          if (isNotFound(err) || (err as { code?: number }).code === 422 || (err as { code?: number }).code === 409) {
            // Gone, or re-created under the same name (the uid no longer matches): nothing to write.
            this.#logger.info('pod status not written: the pod is gone or was replaced', { pod: `${e.pod.metadata.namespace}/${e.pod.metadata.name}`, error: err });
            return;
          }
          this.#logger.warn('cannot write pod status; retrying', { pod: `${e.pod.metadata.namespace}/${e.pod.metadata.name}`, error: err });
          retry = true;
        } finally {
          this.#release();
        }
        if (retry && !(await pause(realClock, e.backoff.next(), this.#stopped.signal))) return;
      }
    } finally {
      e.writing = undefined;
    }
  }
}
