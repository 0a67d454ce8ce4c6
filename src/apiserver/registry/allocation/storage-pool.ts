/**
 * A pool of numbered members (IPv4 addresses as numbers, ports) whose allocations live in
 * storage, one key per allocated member: `<prefix><formatted member>`, holding its owner.
 *
 * Why one key per member, not one bitmap object: taking a member is a storage `create`, which
 * succeeds for exactly one writer however many apiservers race for the same member, and writers
 * that take different members never conflict with each other. (A single bitmap object would make
 * every allocation a compare-and-swap on one hot key, retried by every loser.) Giving a member back
 * is a compare-and-swap delete that removes only the record of the owner giving it back, so a
 * late release can never free a member that meanwhile went to someone else.
 */
import { ConflictError, KeyExistsError, KeyNotFoundError } from '../../../storage/errors.ts';
import type { Storage } from '../../../storage/storage.ts';

/** The object a member is allocated to. */
export interface PoolOwner {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

/** What a member's key holds. */
export interface PoolRecord {
  readonly member: number;
  readonly owner: PoolOwner;
  /** RFC 3339; repair leaves young records alone, their owner may be being written right now. */
  readonly allocatedAt: string;
}

/** A record as read, with the modRevision a compare-and-swap delete needs. */
export interface StoredPoolRecord extends PoolRecord {
  readonly modRevision: number;
}

export interface StoragePoolOptions {
  readonly storage: Storage;
  /** Key prefix of the records, ending with '/', e.g. `/registry/ranges/serviceips/`. */
  readonly prefix: string;
  /** The members, inclusive. */
  readonly first: number;
  readonly last: number;
  /** How a member is written in its key and in messages (e.g. a dotted quad). */
  readonly format: (member: number) => string;
  /** Members `takeAny` never hands out; they can still be taken by value (the kubernetes Service's IP). */
  readonly reservedForRequests?: ReadonlySet<number>;
  /** Uniform in [0, 1); where `takeAny` starts looking (default Math.random). */
  readonly random?: () => number;
  readonly now?: () => Date;
}

/** `taken`: the record was created now; `held`: the owner already had it; `unavailable`: someone else has it. */
export type TakeOutcome = 'taken' | 'held' | 'unavailable';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function sameOwner(a: PoolOwner, b: PoolOwner): boolean {
  return a.uid === b.uid && a.namespace === b.namespace && a.name === b.name;
}

export class StoragePool {
  readonly #storage: Storage;
  readonly #prefix: string;
  readonly first: number;
  readonly last: number;
  readonly format: (member: number) => string;
  readonly #reserved: ReadonlySet<number>;
  readonly #random: () => number;
  readonly #now: () => Date;

  constructor(opts: StoragePoolOptions) {
    if (!opts.prefix.endsWith('/')) throw new RangeError(`pool prefix "${opts.prefix}" must end with '/'`);
    if (!(opts.first <= opts.last)) throw new RangeError(`empty pool ${opts.first}-${opts.last}`);
    this.#storage = opts.storage;
    this.#prefix = opts.prefix;
    this.first = opts.first;
    this.last = opts.last;
    this.format = opts.format;
    this.#reserved = opts.reservedForRequests ?? new Set();
    this.#random = opts.random ?? Math.random;
    this.#now = opts.now ?? (() => new Date());
  }

  contains(member: number): boolean {
    return Number.isInteger(member) && member >= this.first && member <= this.last;
  }

  #key(member: number): string {
    return `${this.#prefix}${this.format(member)}`;
  }

  #encode(member: number, owner: PoolOwner): Uint8Array {
    const record: PoolRecord = { member, owner, allocatedAt: this.#now().toISOString() };
    return encoder.encode(JSON.stringify(record));
  }

  /** The record of `member`, if it is allocated. */
  async get(member: number): Promise<StoredPoolRecord | undefined> {
    const { kv } = await this.#storage.get(this.#key(member));
    return kv === undefined ? undefined : { ...(JSON.parse(decoder.decode(kv.value)) as PoolRecord), modRevision: kv.modRevision };
  }

  /**
   * Takes `member` for `owner`. A dry run only checks. `member` must be in the pool.
   * @throws StorageError when the store fails
   */
  async take(member: number, owner: PoolOwner, dryRun: boolean): Promise<TakeOutcome> {
    if (!this.contains(member)) throw new RangeError(`${this.format(member)} is outside the pool`);
    if (!dryRun) {
      try {
        await this.#storage.create(this.#key(member), this.#encode(member, owner));
        return 'taken';
      } catch (err) {
        if (!(err instanceof KeyExistsError)) throw err;
      }
    }
    const record = await this.get(member);
    if (record === undefined) return dryRun ? 'taken' : this.take(member, owner, dryRun);
    return sameOwner(record.owner, owner) ? 'held' : 'unavailable';
  }

  /**
   * Takes some free member for `owner` (not one reserved for requests), starting at a random
   * place so concurrent allocators rarely chase the same member. A dry run only finds one.
   * @returns the member, or undefined when the pool is full
   */
  async takeAny(owner: PoolOwner, dryRun: boolean): Promise<number | undefined> {
    const used = new Set((await this.records()).map((r) => r.member));
    const size = this.last - this.first + 1;
    const start = Math.floor(this.#random() * size);
    for (let i = 0; i < size; i++) {
      const member = this.first + ((start + i) % size);
      if (used.has(member) || this.#reserved.has(member)) continue;
      if (dryRun) return member;
      try {
        await this.#storage.create(this.#key(member), this.#encode(member, owner));
        return member;
      } catch (err) {
        // Another apiserver took it since the list: try the next one.
        if (!(err instanceof KeyExistsError)) throw err;
      }
    }
    return undefined;
  }

  /**
   * Gives `member` back if `owner` holds it; a member held by someone else (or by no one) is left
   * alone. Safe against a concurrent re-allocation: the delete is conditional on the record read.
   */
  async give(member: number, owner: PoolOwner): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const record = await this.get(member);
      if (record === undefined || !sameOwner(record.owner, owner)) return;
      try {
        await this.#storage.delete(this.#key(member), record.modRevision);
        return;
      } catch (err) {
        if (err instanceof KeyNotFoundError) return;
        if (!(err instanceof ConflictError)) throw err;
      }
    }
  }

  /**
   * Removes `record` if it is still exactly as read (repair of leaked allocations).
   * @returns whether it was removed
   */
  async remove(record: StoredPoolRecord): Promise<boolean> {
    try {
      await this.#storage.delete(this.#key(record.member), record.modRevision);
      return true;
    } catch (err) {
      if (err instanceof KeyNotFoundError || err instanceof ConflictError) return false;
      throw err;
    }
  }

  /** Every allocated member's record (one list of the prefix). */
  async records(): Promise<StoredPoolRecord[]> {
    const { kvs } = await this.#storage.list(this.#prefix);
    const out: StoredPoolRecord[] = [];
    for (const kv of kvs) {
      try {
        out.push({ ...(JSON.parse(decoder.decode(kv.value)) as PoolRecord), modRevision: kv.modRevision });
      } catch {
        // Not a record this pool wrote: skipped here; its key still exists, so `takeAny` cannot take it.
      }
    }
    return out;
  }
}
