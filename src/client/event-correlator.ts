/**
 * Which Event object an occurrence goes into, as client-go's event correlator decides it:
 *
 * - Identical occurrences (same source, object, type, reason and message) go into one Event,
 *   whose `count` grows: the key names that Event.
 * - Similar occurrences (same source, object, type and reason, but other messages — a pod name,
 *   a quota's current usage) are kept apart up to MAX_SIMILAR distinct messages within the
 *   window; from then on they go into one Event whose message is the latest one prefixed with
 *   `(combined from similar events): `. So a controller retrying a create that fails with a
 *   different message each time writes a handful of Events, then counts.
 *
 * Pure bookkeeping over a bounded LRU; the broadcaster (event-recorder.ts) does the writing.
 */
import type { ObjectReference } from './event-recorder.ts';

/** Distinct messages of similar occurrences before they are combined (client-go: 10). */
export const MAX_SIMILAR = 10;
export const COMBINED_PREFIX = '(combined from similar events): ';

/** One occurrence, as the correlator sees it. */
export interface Occurrence {
  readonly component: string;
  readonly instance: string;
  readonly ref: ObjectReference;
  readonly type: string;
  readonly reason: string;
  readonly message: string;
}

/** Where an occurrence goes: the Event key, and the message that Event should now show. */
export interface Correlation {
  readonly key: string;
  readonly message: string;
}

interface Similar {
  /** Distinct messages seen, oldest first. */
  readonly messages: Set<string>;
  lastSeen: number;
}

/** Groups occurrences into Events; see the file comment. */
export class EventCorrelator {
  readonly #windowMs: number;
  readonly #maxRemembered: number;
  /** Similar-occurrence groups by their key; Map order is least recently used first. */
  readonly #similar = new Map<string, Similar>();

  /**
   * @param windowMs how long after the last similar occurrence a group is forgotten
   * @param maxRemembered groups kept (least recently used go first)
   */
  constructor(windowMs: number, maxRemembered: number) {
    this.#windowMs = windowMs;
    this.#maxRemembered = maxRemembered;
  }

  /** The Event `o` belongs in at monotonic time `nowMs`. */
  correlate(o: Occurrence, nowMs: number): Correlation {
    const r = o.ref;
    // resourceVersion is left out: the object changes between occurrences, the Event stays one.
    const groupKey = JSON.stringify([o.component, o.instance, r.kind, r.apiVersion, r.namespace ?? '', r.name, r.uid ?? '', o.type, o.reason]);
    let group = this.#similar.get(groupKey);
    if (group === undefined || nowMs - group.lastSeen > this.#windowMs) group = { messages: new Set(), lastSeen: nowMs };
    group.messages.add(o.message);
    group.lastSeen = nowMs;
    this.#similar.delete(groupKey);
    this.#similar.set(groupKey, group);
    if (this.#similar.size > this.#maxRemembered) this.#similar.delete(this.#similar.keys().next().value as string);
    if (group.messages.size < MAX_SIMILAR) return { key: JSON.stringify([groupKey, r.fieldPath ?? '', o.message]), message: o.message };
    // Keep the set from growing past the limit; the group stays combined while it is recent.
    group.messages.delete(group.messages.values().next().value as string);
    return { key: JSON.stringify([groupKey, 'combined']), message: `${COMBINED_PREFIX}${o.message}` };
  }
}
