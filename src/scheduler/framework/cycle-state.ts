import type { FilterPlugin } from './interface.ts';

/**
 * Per-cycle scratch space that plugins share between their extension points (what PreFilter
 * computed once, Filter reads for every node). Keys are typed objects rather than strings, so a
 * plugin reads back exactly the type it wrote.
 */

/** A value kept in a CycleState. `clone` is needed when preemption simulates removing pods. */
export interface StateData {
  clone(): StateData;
}

/** A typed key; create one per plugin per kind of data, at module level. */
export class StateKey<T extends StateData> {
  readonly name: string;
  /** Only for the type parameter; never set. */
  declare readonly _type?: T;

  constructor(name: string) {
    this.name = name;
  }
}

/** The state of one scheduling cycle of one pod. */
export class CycleState {
  readonly #data = new Map<StateKey<StateData>, StateData>();
  /** Plugins whose PreFilter returned Skip: their Filter is not called in this cycle. */
  readonly skipFilterPlugins = new Set<string>();
  /** Plugins whose PreScore returned Skip: their Score is not called in this cycle. */
  readonly skipScorePlugins = new Set<string>();
  /**
   * The Filter plugins to run this cycle (the profile's minus the skipped ones), set once
   * PreFilter is done, so the per-node loop does not test every plugin against the skip set.
   */
  filters: readonly FilterPlugin[] | undefined;

  read<T extends StateData>(key: StateKey<T>): T | undefined {
    return this.#data.get(key) as T | undefined;
  }

  write<T extends StateData>(key: StateKey<T>, value: T): void {
    this.#data.set(key, value);
  }

  /** A deep copy as far as each StateData's `clone` goes; the skip sets are copied. */
  clone(): CycleState {
    const copy = new CycleState();
    for (const [k, v] of this.#data) copy.#data.set(k, v.clone());
    for (const p of this.skipFilterPlugins) copy.skipFilterPlugins.add(p);
    for (const p of this.skipScorePlugins) copy.skipScorePlugins.add(p);
    copy.filters = this.filters;
    return copy;
  }
}
