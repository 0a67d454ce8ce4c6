/**
 * The Storage conformance suite: one set of node:test cases that every backend runs, so the
 * apiserver can rely on the contract in storage.ts whatever store is underneath.
 *
 * It assumes only the contract. Revisions need not start at 1 or grow by exactly 1 per write
 * (an etcd shared with other users has its own history): the cases check that revisions from
 * write results strictly increase, and that a watch delivers exactly the events of the writes
 * the test made, at the revisions those writes reported. Each case opens a fresh store and
 * closes it. A case that compacts compacts only up to revisions it wrote itself; on a store
 * whose compaction is shared (one etcd serving several suites at once) it still affects the
 * others, so such a store should not run two suites at once.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  CompactedError,
  ConflictError,
  FutureRevisionError,
  KeyExistsError,
  KeyNotFoundError,
  StorageClosedError,
} from '../errors.ts';
import type { KeyValue, Storage, WatchEvent, WriteResult } from '../storage.ts';
import { WatchProbe } from './watch-probe.ts';

/** How the suite gets stores of one backend. */
export interface StorageHarness {
  /** A fresh, empty store (each case gets its own). */
  open(): Promise<Storage>;
  /**
   * A new store over the same data as the most recently opened one, which the case has closed
   * (durability cases). Omit for a backend that keeps nothing across close.
   */
  reopen?(): Promise<Storage>;
  /** Called once after every case ran. */
  cleanup?(): Promise<void>;
}

const caseTimeoutMs = 60_000;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

/** A KeyValue with its value as text, for deep comparison (backends may return Uint8Array subclasses). */
function plain(kv: KeyValue | undefined): { key: string; value: string; createRevision: number; modRevision: number } | undefined {
  if (kv === undefined) return undefined;
  return { key: kv.key, value: decoder.decode(kv.value), createRevision: kv.createRevision, modRevision: kv.modRevision };
}

/** An event reduced to what the suite compares. */
function summary(event: WatchEvent): string {
  const prev = event.prev !== undefined ? ` prev=${decoder.decode(event.prev.value)}@${event.prev.modRevision}` : '';
  return `${event.type} ${event.kv.key}=${decoder.decode(event.kv.value)}@${event.kv.modRevision} c${event.kv.createRevision}${prev}`;
}

/** Keys in UTF-8 byte order, the order every backend lists in. */
function byteOrder(keys: readonly string[]): string[] {
  return [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

function assertIncreasing(revisions: readonly number[]): void {
  for (let i = 1; i < revisions.length; i++) {
    assert.ok(revisions[i]! > revisions[i - 1]!, `revisions must strictly increase: ${revisions.join(', ')}`);
  }
}

function rejectsWith<E extends Error>(type: new (...args: never[]) => E, check?: (err: E) => void): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof type, `expected ${type.name}, got ${String(err)}`);
    check?.(err);
    return true;
  };
}

/** Registers the suite's cases for the backend `name`. */
export function storageConformanceSuite(name: string, harness: StorageHarness): void {
  /** Runs `fn` with a fresh store, closing it afterwards. */
  async function withStore(fn: (store: Storage) => Promise<void>): Promise<void> {
    const store = await harness.open();
    try {
      await fn(store);
    } finally {
      await store.close();
    }
  }

  /** Runs `fn` with a watch, stopping it afterwards. */
  async function withWatch(store: Storage, prefix: string, afterRevision: number, fn: (probe: WatchProbe) => Promise<void>): Promise<void> {
    const probe = new WatchProbe(store, prefix, afterRevision);
    try {
      await fn(probe);
    } finally {
      await probe.stop();
    }
  }

  void describe(`Storage conformance: ${name}`, { timeout: caseTimeoutMs * 30 }, () => {
    after(async () => {
      await harness.cleanup?.();
    });

    void it('create stores a key that get reads back; creating it again throws KeyExistsError', { timeout: caseTimeoutMs }, () =>
      withStore(async (store) => {
        const before = await store.currentRevision();
        const input = bytes('one');
        const created = await store.create('/k/a', input);
        input.fill(0); // the store must have copied the value
        assert.ok(created.revision > before, 'a write takes a revision above the current one');
        assert.deepEqual(plain(created.kv), { key: '/k/a', value: 'one', createRevision: created.revision, modRevision: created.revision });

        const got = await store.get('/k/a');
        assert.ok(got.revision >= created.revision);
        assert.deepEqual(plain(got.kv), plain(created.kv));
        const missing = await store.get('/k/missing');
        assert.equal(missing.kv, undefined);
        assert.ok(missing.revision >= created.revision);

        await assert.rejects(store.create('/k/a', bytes('two')), rejectsWith(KeyExistsError, (err) => assert.equal(err.key, '/k/a')));
        assert.equal(decoder.decode((await store.get('/k/a')).kv!.value), 'one');
      }),
    );

    void it('every write takes a new, strictly greater revision and reports the key state it left', { timeout: caseTimeoutMs }, () =>
      withStore(async (store) => {
        const a1 = await store.create('/r/a', bytes('a1'));
        const b1 = await store.create('/r/b', bytes('b1'));
        const a2 = await store.update('/r/a', bytes('a2'), a1.revision);
        const a3 = await store.delete('/r/a');
        const a4 = await store.create('/r/a', bytes('a4'));
        assertIncreasing([a1, b1, a2, a3, a4].map((w) => w.revision));
        assert.deepEqual(plain(a2.kv), { key: '/r/a', value: 'a2', createRevision: a1.revision, modRevision: a2.revision });
        // A delete reports the deleted value, with the delete's revision as modRevision.
        assert.deepEqual(plain(a3.kv), { key: '/r/a', value: 'a2', createRevision: a1.revision, modRevision: a3.revision });
        assert.deepEqual(plain(a4.kv), { key: '/r/a', value: 'a4', createRevision: a4.revision, modRevision: a4.revision });
        const current = await store.currentRevision();
        assert.ok(current >= a4.revision);
        assert.ok((await store.compactRevision()) <= current);
      }),
    );

    void it('get and list read the store as it was at an older revision', { timeout: caseTimeoutMs }, () =>
      withStore(async (store) => {
        const a1 = await store.create('/h/a', bytes('v1'));
        const b1 = await store.create('/h/b', bytes('b'));
        const a2 = await store.update('/h/a', bytes('v2'), a1.revision);
        const a3 = await store.delete('/h/a', a2.revision);
        const a4 = await store.create('/h/a', bytes('v3'));

        const at = async (revision: number): Promise<unknown> => {
          const got = await store.get('/h/a', { revision });
          assert.equal(got.revision, revision, 'a read at a revision reports that revision');
          return plain(got.kv);
        };
        assert.deepEqual(await at(a1.revision), { key: '/h/a', value: 'v1', createRevision: a1.revision, modRevision: a1.revision });
        assert.deepEqual(await at(b1.revision), { key: '/h/a', value: 'v1', createRevision: a1.revision, modRevision: a1.revision });
        assert.deepEqual(await at(a2.revision), { key: '/h/a', value: 'v2', createRevision: a1.revision, modRevision: a2.revision });
        assert.equal(await at(a3.revision), undefined);
        assert.deepEqual(await at(a4.revision), { key: '/h/a', value: 'v3', createRevision: a4.revision, modRevision: a4.revision });

        const listAt = async (revision: number): Promise<string[]> => {
          const listed = await store.list('/h/', { revision });
          assert.equal(listed.revision, revision);
          assert.equal(listed.more, false);
          return listed.kvs.map((kv) => `${kv.key}=${decoder.decode(kv.value)}`);
        };
        assert.deepEqual(await listAt(a1.revision), ['/h/a=v1']);
        assert.deepEqual(await listAt(b1.revision), ['/h/a=v1', '/h/b=b']);
        assert.deepEqual(await listAt(a2.revision), ['/h/a=v2', '/h/b=b']);
        assert.deepEqual(await listAt(a3.revision), ['/h/b=b']);
        assert.deepEqual(await listAt(a4.revision), ['/h/a=v3', '/h/b=b']);
        const latest = await store.list('/h/');
        assert.ok(latest.revision >= a4.revision);
        assert.deepEqual(latest.kvs.map(plain), [plain(a4.kv), plain(b1.kv)]);
      }),
    );

    void it('list returns the keys that start with a plain string prefix, in UTF-8 byte order', { timeout: caseTimeoutMs }, () =>
      withStore(async (store) => {
        const keys = ['/l/b', '/l/a', '/l/a/x', '/l/ab', '/lz', '/l', '/m/a', '/l/\u00e9', '/l/\u{1F600}', '/l/\uFFFD', '/l/a\0z'];
        for (const key of keys) await store.create(key, bytes(key));
        const listed = async (prefix: string): Promise<string[]> => (await store.list(prefix)).kvs.map((kv) => kv.key);
        const expected = (prefix: string): string[] => byteOrder(keys.filter((k) => k.startsWith(prefix)));
        // '\u{1F600}' sorts after '\uFFFD' in byte order, though not in JavaScript's string order.
        assert.deepEqual(await listed('/l/'), expected('/l/'));
        assert.deepEqual(await listed('/l/a'), ['/l/a', '/l/a\0z', '/l/a/x', '/l/ab']);
        assert.deepEqual(await listed('/l/a/'), ['/l/a/x']);
        assert.deepEqual(await listed('/l'), expected('/l'));
        assert.deepEqual(await listed(''), byteOrder(keys));
        assert.deepEqual(await listed('/nothing/'), []);
        for (const kv of (await store.list('/l/')).kvs) assert.equal(decoder.decode(kv.value), kv.key);
      }),
    );

    void it('list pages with limit and startKey through one revision, unaffected by writes between pages', { timeout: caseTimeoutMs }, () =>
      withStore(async (store) => {
        const keys = Array.from({ length: 10 }, (_, i) => `/p/k${i}`);
        for (const key of keys) await store.create(key, bytes(`${key}@0`));
        await store.create('/q/outside', bytes('x'));

        const first = await store.list('/p/', { limit: 4 });
        assert.equal(first.kvs.length, 4);
        assert.equal(first.more, true);
        const revision = first.revision;

        // Writes between pages must not show up in later pages read at the first page's revision.
        await store.create('/p/k35', bytes('new'));
        const k5 = await store.get('/p/k5');
        await store.delete('/p/k5', k5.kv!.modRevision);
        const k6 = await store.get('/p/k6');
        await store.update('/p/k6', bytes('changed'), k6.kv!.modRevision);
        await store.create('/p/k99', bytes('new'));

        const seen = [...first.kvs];
        let page = first;
        for (let i = 0; page.more; i++) {
          assert.ok(i < 10, 'pagination must end');
          page = await store.list('/p/', { limit: 4, revision, startKey: `${seen.at(-1)!.key}\0` });
          assert.equal(page.revision, revision);
          assert.ok(page.kvs.length <= 4);
          seen.push(...page.kvs);
        }
        assert.deepEqual(
          seen.map((kv) => `${kv.key}=${decoder.decode(kv.value)}`),
          keys.map((k) => `${k}=${k}@0`),
        );

        assert.equal((await store.list('/p/', { limit: 10, revision })).more, false, 'a limit equal to the count leaves nothing more');
        const nine = await store.list('/p/', { limit: 9, revision });
        assert.equal(nine.more, true);
        assert.equal(nine.kvs.length, 9);
        assert.deepEqual((await store.list('/p/', { revision, startKey: '/a' })).kvs.map((kv) => kv.key), keys, 'a startKey before the prefix starts at the prefix');
        const beyond = await store.list('/p/', { revision, startKey: '/q' });
        assert.deepEqual(beyond.kvs, []);
        assert.equal(beyond.more, false);
        assert.deepEqual(
          (await store.list('/p/')).kvs.map((kv) => `${kv.key}=${decoder.decode(kv.value)}`),
          ['/p/k0', '/p/k1', '/p/k2', '/p/k3', '/p/k35', '/p/k4', '/p/k6', '/p/k7', '/p/k8', '/p/k9', '/p/k99'].map((k) =>
            k === '/p/k6' ? `${k}=changed` : k === '/p/k35' || k === '/p/k99' ? `${k}=new` : `${k}=${k}@0`,
          ),
        );
      }),
    );

    void it('update is a compare-and-swap on modRevision: a stale revision throws ConflictError with the current state', { timeout: caseTimeoutMs }, () =>
      withStore(async (store) => {
        const v1 = await store.create('/cas/a', bytes('v1'));
        const v2 = await store.update('/cas/a', bytes('v2'), v1.revision);
        assert.ok(v2.revision > v1.revision);
        await assert.rejects(
          store.update('/cas/a', bytes('lost'), v1.revision),
          rejectsWith(ConflictError, (err) => {
            assert.equal(err.key, '/cas/a');
            assert.deepEqual(plain(err.current), { key: '/cas/a', value: 'v2', createRevision: v1.revision, modRevision: v2.revision });
          }),
        );
        assert.deepEqual(plain((await store.get('/cas/a')).kv), plain(v2.kv));
        const v3 = await store.update('/cas/a', bytes('v3'), v2.revision);
        assert.deepEqual(plain(v3.kv), { key: '/cas/a', value: 'v3', createRevision: v1.revision, modRevision: v3.revision });
      }),
    );

    void it('update and delete of a missing key throw KeyNotFoundError', { timeout: caseTimeoutMs }, () =>
      withStore(async (store) => {
        await assert.rejects(store.update('/nf/a', bytes('x'), 1), rejectsWith(KeyNotFoundError, (err) => assert.equal(err.key, '/nf/a')));
        await assert.rejects(store.delete('/nf/a'), KeyNotFoundError);
        await assert.rejects(store.delete('/nf/a', 1), KeyNotFoundError);
        const created = await store.create('/nf/b', bytes('b'));
        await store.delete('/nf/b');
        await assert.rejects(store.update('/nf/b', bytes('x'), created.revision), KeyNotFoundError);
        await assert.rejects(store.delete('/nf/b'), KeyNotFoundError);
        assert.equal((await store.get('/nf/b')).kv, undefined);
      }),
    );

    void it('delete with an expected revision is a compare-and-swap; without one it deletes whatever is there', { timeout: caseTimeoutMs }, () =>
      withStore(async (store) => {
        const v1 = await store.create('/d/a', bytes('v1'));
        const v2 = await store.update('/d/a', bytes('v2'), v1.revision);
        await assert.rejects(
          store.delete('/d/a', v1.revision),
          rejectsWith(ConflictError, (err) => assert.deepEqual(plain(err.current), plain(v2.kv))),
        );
        const deleted = await store.delete('/d/a', v2.revision);
        assert.ok(deleted.revision > v2.revision);
        assert.deepEqual(plain(deleted.kv), { key: '/d/a', value: 'v2', createRevision: v1.revision, modRevision: deleted.revision });
        assert.equal((await store.get('/d/a')).kv, undefined);

        const b = await store.create('/d/b', bytes('b'));
        await store.update('/d/b', bytes('b2'), b.revision);
        const unconditional = await store.delete('/d/b');
        assert.equal(decoder.decode(unconditional.kv.value), 'b2');
        assert.equal((await store.get('/d/b')).kv, undefined);

        const again = await store.create('/d/a', bytes('again'));
        assert.equal(again.kv.createRevision, again.revision, 'a key created after a delete starts a new life');
      }),
    );

    void it('watch delivers every change under its prefix in revision order, without gaps or duplicates', { timeout: caseTimeoutMs }, () =>
      withStore(async (store) => {
        const start = (await store.create('/before', bytes('x'))).revision;
        const expected: WatchEvent[] = [];
        const note = (type: WatchEvent['type'], result: WriteResult, prev?: KeyValue): void => {
          expected.push(prev !== undefined ? { type, kv: result.kv, prev } : { type, kv: result.kv });
        };
        const a = await store.create('/w/a', bytes('a1'));
        note('create', a);
        await store.create('/wx', bytes('outside'));
        const b = await store.create('/w/b', bytes('b1'));
        note('create', b);
        const a2 = await store.update('/w/a', bytes('a2'), a.revision);
        note('update', a2, a.kv);
        await store.create('/v/a', bytes('outside'));
        const b2 = await store.delete('/w/b', b.revision);
        note('delete', b2, b.kv);
        for (let i = 0; i < 20; i++) note('create', await store.create(`/w/n${i}`, bytes(`n${i}`)));
        const a3 = await store.delete('/w/a');
        note('delete', a3, a2.kv);
        const end = await store.create('/w/zz-end', bytes('end'));
        note('create', end);

        await withWatch(store, '/w/', start, async (probe) => {
          const events = await probe.untilKey('/w/zz-end');
          assert.deepEqual(events.map(summary), expected.map(summary));
          for (const event of events) if (event.type === 'create') assert.equal(event.prev, undefined);
        });
      }),
    );

    void it('a watch on "/a/" sees neither "/a" nor "/ab": prefixes are plain string prefixes', { timeout: caseTimeoutMs }, () =>
      withStore(async (store) => {
        const start = await store.currentRevision();
        await store.create('/a', bytes('x'));
        await store.create('/ab', bytes('x'));
        await store.create('/ab/c', bytes('x'));
        await store.create('/a/x', bytes('x'));
        await store.create('/b/a/', bytes('x'));
        await store.create('/a/zz-end', bytes('x'));
        await withWatch(store, '/a/', start, async (probe) => {
          const events = await probe.untilKey('/a/zz-end');
          assert.deepEqual(events.map((e) => e.kv.key), ['/a/x', '/a/zz-end']);
        });
      }),
    );

    void it('a watch from a past revision replays history, then continues with new writes', { timeout: caseTimeoutMs }, () =>
      withStore(async (store) => {
        const start = await store.currentRevision();
        const revisions: number[] = [];
        for (let i = 0; i < 3; i++) revisions.push((await store.create(`/rp/${i}`, bytes(`${i}`))).revision);
        await withWatch(store, '/rp/', start, async (probe) => {
          await probe.untilCount(3);
          for (let i = 3; i < 6; i++) revisions.push((await store.create(`/rp/${i}`, bytes(`${i}`))).revision);
          const events = await probe.untilCount(6);
          assert.deepEqual(events.map((e) => e.kv.modRevision), revisions);
          assert.deepEqual(events.map((e) => e.kv.key), [0, 1, 2, 3, 4, 5].map((i) => `/rp/${i}`));
        });
      }),
    );

    void it('a watch receives the events under its prefix written after it started, and none at or before its revision', { timeout: caseTimeoutMs }, () =>
      withStore(async (store) => {
        await store.create('/live/old', bytes('old'));
        const start = await store.currentRevision();
        await withWatch(store, '/live/', start, async (probe) => {
          const created = await store.create('/live/new', bytes('new'));
          await store.create('/live', bytes('outside'));
          await store.create('/lively', bytes('outside'));
          const updated = await store.update('/live/new', bytes('newer'), created.revision);
          await store.create('/other/x', bytes('outside'));
          const end = await store.create('/live/zz-end', bytes('end'));
          const events = await probe.untilKey('/live/zz-end');
          assert.deepEqual(events.map(summary), [
            summary({ type: 'create', kv: created.kv }),
            summary({ type: 'update', kv: updated.kv, prev: created.kv }),
            summary({ type: 'create', kv: end.kv }),
          ]);
        });
      }),
    );

    void it('a watch ends normally when its signal aborts', { timeout: caseTimeoutMs }, () =>
      withStore(async (store) => {
        const start = await store.currentRevision();
        await store.create('/ab/1', bytes('1'));
        const probe = new WatchProbe(store, '/ab/', start);
        try {
          await probe.untilCount(1);
          probe.abort();
          assert.equal(await probe.ended(), undefined, 'an aborted watch ends without an error');
        } finally {
          await probe.stop();
        }
        const aborted = new AbortController();
        aborted.abort();
        const batches: WatchEvent[][] = [];
        for await (const batch of store.watch('/ab/', start, aborted.signal)) batches.push(batch);
        assert.deepEqual(batches.flat().map(summary), [], 'a watch whose signal is already aborted ends at once');
      }),
    );

    void it('reads and watches below the compaction point throw CompactedError; the point itself stays readable', { timeout: caseTimeoutMs }, () =>
      withStore(async (store) => {
        const v1 = await store.create('/c/a', bytes('v1'));
        const v2 = await store.update('/c/a', bytes('v2'), v1.revision);
        const gone = await store.create('/c/gone', bytes('g'));
        await store.delete('/c/gone', gone.revision);
        const v3 = await store.update('/c/a', bytes('v3'), v2.revision);
        const other = await store.create('/c/b', bytes('b'));

        await store.compact(v3.revision);
        assert.ok((await store.compactRevision()) >= v3.revision);
        await assert.rejects(store.get('/c/a', { revision: v1.revision }), CompactedError);
        await assert.rejects(store.list('/c/', { revision: v2.revision }), CompactedError);
        assert.deepEqual(plain((await store.get('/c/a', { revision: v3.revision })).kv), plain(v3.kv));
        assert.deepEqual((await store.list('/c/', { revision: v3.revision })).kvs.map(plain), [plain(v3.kv)]);
        assert.deepEqual((await store.list('/c/')).kvs.map(plain), [plain(v3.kv), plain(other.kv)]);

        const stale = new WatchProbe(store, '/c/', v1.revision);
        try {
          assert.ok((await stale.ended()) instanceof CompactedError, 'a watch from a compacted revision throws CompactedError');
        } finally {
          await stale.stop();
        }
        await withWatch(store, '/c/', v3.revision, async (probe) => {
          const events = await probe.untilKey('/c/b');
          assert.deepEqual(events.map(summary), [summary({ type: 'create', kv: other.kv })]);
        });

        const point = await store.compactRevision();
        await store.compact(v2.revision);
        assert.equal(await store.compactRevision(), point, 'compacting below the compaction point is a no-op');
      }),
    );

    void it('reads and compaction beyond the current revision throw FutureRevisionError', { timeout: caseTimeoutMs }, () =>
      withStore(async (store) => {
        await store.create('/f/a', bytes('a'));
        const future = (await store.currentRevision()) + 1_000_000;
        await assert.rejects(store.get('/f/a', { revision: future }), FutureRevisionError);
        await assert.rejects(store.list('/f/', { revision: future }), FutureRevisionError);
        await assert.rejects(store.compact(future), FutureRevisionError);
      }),
    );

    void it('50 concurrent compare-and-swap incrementers lose no update', { timeout: caseTimeoutMs }, () =>
      withStore(async (store) => {
        const workers = 50;
        const perWorker = 4;
        const created = await store.create('/counter', bytes('0'));
        const revisions: number[] = [];
        const increment = async (): Promise<void> => {
          for (let attempt = 0; attempt < 10_000; attempt++) {
            const { kv } = await store.get('/counter');
            assert.ok(kv !== undefined);
            try {
              const result = await store.update('/counter', bytes(String(Number(decoder.decode(kv.value)) + 1)), kv.modRevision);
              revisions.push(result.revision);
              return;
            } catch (err) {
              if (!(err instanceof ConflictError)) throw err;
            }
          }
          assert.fail('an increment kept conflicting');
        };
        await Promise.all(Array.from({ length: workers }, async () => {
          for (let i = 0; i < perWorker; i++) await increment();
        }));
        const total = workers * perWorker;
        const final = await store.get('/counter');
        assert.equal(decoder.decode(final.kv!.value), String(total));
        assert.equal(new Set(revisions).size, total, 'every successful update has its own revision');
        assert.equal(final.kv!.modRevision, Math.max(...revisions));

        // The watch saw every increment, in order.
        await withWatch(store, '/counter', created.revision, async (probe) => {
          const events = await probe.untilCount(total);
          assert.deepEqual(events.map((e) => decoder.decode(e.kv.value)), Array.from({ length: total }, (_, i) => String(i + 1)));
        });
      }),
    );

    void it('currentRevision, compactRevision and health describe an open store', { timeout: caseTimeoutMs }, () =>
      withStore(async (store) => {
        assert.equal(await store.health(), undefined);
        const before = await store.currentRevision();
        const written = await store.create('/cr/a', bytes('a'));
        assert.ok(written.revision > before);
        assert.ok((await store.currentRevision()) >= written.revision);
        const compacted = await store.compactRevision();
        assert.ok(compacted >= 0 && compacted <= written.revision);
      }),
    );

    void it('close ends running watches with StorageClosedError and makes later calls throw it', { timeout: caseTimeoutMs }, async () => {
      const store = await harness.open();
      let probe: WatchProbe | undefined;
      try {
        const written = await store.create('/x/a', bytes('a'));
        probe = new WatchProbe(store, '/x/', written.revision - 1);
        await probe.untilCount(1);
        await store.close();
        assert.ok((await probe.ended()) instanceof StorageClosedError, 'a running watch ends with StorageClosedError');

        await assert.rejects(store.get('/x/a'), StorageClosedError);
        await assert.rejects(store.list('/x/'), StorageClosedError);
        await assert.rejects(store.create('/x/b', bytes('b')), StorageClosedError);
        await assert.rejects(store.update('/x/a', bytes('b'), written.revision), StorageClosedError);
        await assert.rejects(store.delete('/x/a'), StorageClosedError);
        await assert.rejects(store.currentRevision(), StorageClosedError);
        await assert.rejects(store.compactRevision(), StorageClosedError);
        await assert.rejects(store.compact(written.revision), StorageClosedError);
        await assert.rejects(async () => {
          for await (const _ of store.watch('/x/', 0, new AbortController().signal)) assert.fail('a closed store delivers no events');
        }, StorageClosedError);
        assert.equal(typeof (await store.health()), 'string', 'a closed store is not healthy');
      } finally {
        await probe?.stop();
        await store.close(); // closing twice is harmless
      }
    });

    if (harness.reopen !== undefined) {
      const reopen = harness.reopen.bind(harness);

      void it('data survives close and reopen', { timeout: caseTimeoutMs }, async () => {
        const first = await harness.open();
        let a2: WriteResult;
        let b: WriteResult;
        let c: WriteResult;
        let last: number;
        try {
          const a = await first.create('/dur/a', bytes('a1'));
          b = await first.create('/dur/b', bytes('b'));
          a2 = await first.update('/dur/a', bytes('a2'), a.revision);
          await first.delete('/dur/b', b.revision);
          c = await first.create('/dur/c', bytes('c'));
          last = await first.currentRevision();
        } finally {
          await first.close();
        }
        const second = await reopen();
        try {
          assert.ok((await second.currentRevision()) >= last);
          assert.deepEqual((await second.list('/dur/')).kvs.map(plain), [plain(a2.kv), plain(c.kv)]);
          assert.deepEqual(plain((await second.get('/dur/b', { revision: b.revision })).kv), plain(b.kv), 'history survives too');
          const next = await second.create('/dur/d', bytes('d'));
          assert.ok(next.revision > last, 'revisions keep increasing after a reopen');
        } finally {
          await second.close();
        }
      });

      void it('a watch resumes after reopen from the last revision it saw', { timeout: caseTimeoutMs }, async () => {
        const first = await harness.open();
        let seen: number;
        let missed: WriteResult;
        try {
          const start = await first.currentRevision();
          await first.create('/res/a', bytes('a'));
          await first.create('/res/b', bytes('b'));
          const probe = new WatchProbe(first, '/res/', start);
          try {
            seen = (await probe.untilKey('/res/b')).at(-1)!.kv.modRevision;
          } finally {
            await probe.stop();
          }
          missed = await first.create('/res/c', bytes('c'));
        } finally {
          await first.close();
        }
        const second = await reopen();
        try {
          const after = await second.create('/res/d', bytes('d'));
          await withWatch(second, '/res/', seen, async (probe) => {
            const events = await probe.untilKey('/res/d');
            assert.deepEqual(events.map(summary), [summary({ type: 'create', kv: missed.kv }), summary({ type: 'create', kv: after.kv })]);
          });
        } finally {
          await second.close();
        }
      });
    }
  });
}
