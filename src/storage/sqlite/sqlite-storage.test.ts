import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import { CompactedError, ConflictError, KeyExistsError } from '../errors.ts';
import { storageConformanceSuite } from '../testing/conformance.ts';
import { defaultDeadlineMs, WatchProbe } from '../testing/watch-probe.ts';
import { SqliteStorage } from './sqlite-storage.ts';

const root = mkdtempSync(join(tmpdir(), 'k8ts-sqlite-'));
let opened = 0;
/** A database path in a directory that does not exist yet (the store must create it). */
function freshPath(): string {
  return join(root, `store-${++opened}`, 'nested', 'state.db');
}

let lastPath = '';
storageConformanceSuite('SqliteStorage', {
  open: async () => new SqliteStorage({ path: (lastPath = freshPath()) }),
  reopen: async () => new SqliteStorage({ path: lastPath }),
});

after(() => rmSync(root, { recursive: true, force: true }));

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const bytes = (text: string): Uint8Array => encoder.encode(text);

/** Counts the rows of the revision log, through a connection of its own. */
function rowCount(path: string): number {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM kv').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

void describe('SqliteStorage', () => {
  void it('creates its file and parent directories, and numbers revisions from 1, one per write', async () => {
    const path = freshPath();
    const store = new SqliteStorage({ path });
    try {
      assert.ok(existsSync(path));
      assert.equal(await store.currentRevision(), 0);
      assert.equal(await store.compactRevision(), 0);
      const a = await store.create('/a', bytes('a'));
      const b = await store.update('/a', bytes('b'), a.revision);
      const c = await store.delete('/a');
      assert.deepEqual([a.revision, b.revision, c.revision], [1, 2, 3]);
      assert.equal(await store.currentRevision(), 3);
    } finally {
      await store.close();
    }
  });

  void it('writes issued together are committed together, each with its own outcome', async () => {
    const store = new SqliteStorage({ path: freshPath() });
    try {
      const first = await store.create('/g/taken', bytes('x'));
      const results = await Promise.allSettled([
        store.create('/g/a', bytes('a')),
        store.create('/g/taken', bytes('dup')),
        store.update('/g/taken', bytes('y'), first.revision),
        store.update('/g/taken', bytes('z'), first.revision),
        store.create('/g/b', bytes('b')),
      ]);
      assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
      assert.ok(results[1].status === 'rejected' && results[1].reason instanceof KeyExistsError);
      assert.ok(results[3].status === 'rejected' && results[3].reason instanceof ConflictError);
      assert.deepEqual((await store.list('/g/')).kvs.map((kv) => `${kv.key}=${decoder.decode(kv.value)}`), ['/g/a=a', '/g/b=b', '/g/taken=y']);
    } finally {
      await store.close();
    }
  });

  void it('a second store on the same file sees the first one\'s writes through its watch, by polling', async () => {
    const path = freshPath();
    const writer = new SqliteStorage({ path });
    const reader = new SqliteStorage({ path, pollIntervalMs: 50 });
    const probe = new WatchProbe(reader, '/shared/', await reader.currentRevision());
    try {
      const a = await writer.create('/shared/a', bytes('a'));
      const a2 = await writer.update('/shared/a', bytes('a2'), a.revision);
      const events = await probe.untilCount(2);
      assert.deepEqual(events.map((e) => [e.type, e.kv.modRevision, decoder.decode(e.kv.value)]), [
        ['create', a.revision, 'a'],
        ['update', a2.revision, 'a2'],
      ]);
      assert.equal(decoder.decode(events[1]!.prev!.value), 'a');
      assert.equal(decoder.decode((await reader.get('/shared/a')).kv!.value), 'a2');
    } finally {
      await probe.stop();
      await reader.close();
      await writer.close();
    }
  });

  void it('a watch gets the writes of both stores sharing a file, in revision order', async () => {
    const path = freshPath();
    const other = new SqliteStorage({ path });
    const local = new SqliteStorage({ path, pollIntervalMs: 50 });
    const probe = new WatchProbe(local, '/both/', await local.currentRevision());
    try {
      // The local write follows one the local poller may not have read yet: it must not overtake it.
      const first = await other.create('/both/other', bytes('other'));
      const second = await local.create('/both/local', bytes('local'));
      const third = await other.create('/both/other-again', bytes('other'));
      const events = await probe.untilCount(3);
      assert.deepEqual(events.map((e) => e.kv.modRevision), [first.revision, second.revision, third.revision]);
    } finally {
      await probe.stop();
      await local.close();
      await other.close();
    }
  });

  void it('compare-and-swap holds across two stores sharing one file', async () => {
    const path = freshPath();
    const one = new SqliteStorage({ path });
    const two = new SqliteStorage({ path });
    try {
      await one.create('/counter', bytes('0'));
      const increment = async (store: SqliteStorage): Promise<void> => {
        for (let attempt = 0; attempt < 10_000; attempt++) {
          const { kv } = await store.get('/counter');
          try {
            await store.update('/counter', bytes(String(Number(decoder.decode(kv!.value)) + 1)), kv!.modRevision);
            return;
          } catch (err) {
            if (!(err instanceof ConflictError)) throw err;
          }
        }
        assert.fail('an increment kept conflicting');
      };
      await Promise.all(Array.from({ length: 20 }, async (_, i) => {
        for (let j = 0; j < 5; j++) await increment(i % 2 === 0 ? one : two);
      }));
      assert.equal(decoder.decode((await two.get('/counter')).kv!.value), '100');
    } finally {
      await one.close();
      await two.close();
    }
  });

  void it('compaction deletes superseded rows and tombstones, and another store on the file honours it', async () => {
    const path = freshPath();
    const store = new SqliteStorage({ path });
    const other = new SqliteStorage({ path });
    try {
      const a1 = await store.create('/a', bytes('a1'));
      const a2 = await store.update('/a', bytes('a2'), a1.revision); // supersedes row 1
      await store.create('/b', bytes('b'));
      const bGone = await store.delete('/b'); // supersedes row 3; row 4 is a tombstone
      const a3 = await store.update('/a', bytes('a3'), a2.revision); // row 5, after the compaction point
      assert.equal(rowCount(path), 5);
      await store.compact(bGone.revision);
      // Left: row 2 (/a's state at the point, and the previous state of row 5) and row 5.
      assert.equal(rowCount(path), 2);
      assert.equal(await other.compactRevision(), bGone.revision);
      await assert.rejects(other.get('/a', { revision: a1.revision }), CompactedError);
      assert.equal(decoder.decode((await other.get('/a', { revision: bGone.revision })).kv!.value), 'a2');
      const probe = new WatchProbe(other, '/', bGone.revision);
      try {
        const events = await probe.untilCount(1);
        assert.equal(events[0]!.kv.modRevision, a3.revision);
        assert.equal(decoder.decode(events[0]!.prev!.value), 'a2', 'the kept row still serves as the previous state');
      } finally {
        await probe.stop();
      }
    } finally {
      await other.close();
      await store.close();
    }
  });

  void it('a live watch owed rows that another store compacted away ends with CompactedError', async () => {
    const path = freshPath();
    const other = new SqliteStorage({ path });
    // This store polls only when its own writes wake it, so it cannot read the rows in between.
    const local = new SqliteStorage({ path, pollIntervalMs: 3_600_000 });
    const probe = new WatchProbe(local, '/x/', await local.currentRevision());
    try {
      let revision = (await other.create('/x/k', bytes('0'))).revision;
      for (let i = 1; i <= 5; i++) revision = (await other.update('/x/k', bytes(String(i)), revision)).revision;
      await other.compact(revision);
      await local.create('/y/wake', bytes('poll now'));
      assert.ok((await probe.ended()) instanceof CompactedError);
    } finally {
      await probe.stop();
      await local.close();
      await other.close();
    }
  });

  void it('compaction over many steps can empty the log, and revisions still never repeat', async () => {
    const path = freshPath();
    let store = new SqliteStorage({ path });
    try {
      const keys = Array.from({ length: 6_000 }, (_, i) => `/many/${i}`);
      await Promise.all(keys.map((key) => store.create(key, bytes('x'))));
      await Promise.all(keys.map((key) => store.delete(key)));
      const current = await store.currentRevision();
      assert.equal(current, 12_000);
      await store.compact(current);
      assert.equal(rowCount(path), 0, 'every row was superseded or a tombstone');
      await store.close();
      store = new SqliteStorage({ path });
      assert.equal(await store.currentRevision(), current);
      assert.equal((await store.create('/many/0', bytes('again'))).revision, current + 1);
    } finally {
      await store.close();
    }
  });

  void it('a compaction cut short is finished by the next one', async () => {
    const path = freshPath();
    const store = new SqliteStorage({ path });
    try {
      let revision = (await store.create('/a', bytes('0'))).revision;
      for (let i = 1; i <= 10; i++) revision = (await store.update('/a', bytes(String(i)), revision)).revision;
      // What a process that died right after recording the compaction point leaves behind.
      const side = new DatabaseSync(path);
      side.prepare("UPDATE meta SET value = ? WHERE name = 'compact_revision'").run(revision);
      side.close();
      assert.equal(rowCount(path), 11);
      await assert.rejects(store.get('/a', { revision: revision - 1 }), CompactedError);
      await store.compact(revision - 5); // below the point: only finishes the deletions
      assert.equal(rowCount(path), 1);
      assert.equal(decoder.decode((await store.get('/a')).kv!.value), '10');
    } finally {
      await store.close();
    }
  });

  void it('a watch whose consumer falls behind catches up from the file without gaps', async () => {
    const store = new SqliteStorage({ path: freshPath(), maxQueuedEvents: 5 });
    const probe = new WatchProbe(store, '/s/', 0);
    try {
      await store.create('/s/0', bytes('0'));
      await probe.untilCount(1);
      await Promise.all(Array.from({ length: 50 }, (_, i) => store.create(`/s/${i + 1}`, bytes(String(i + 1)))));
      await store.create('/s/end', bytes('end'));
      const events = await probe.untilKey('/s/end');
      assert.deepEqual(events.map((e) => e.kv.modRevision), Array.from({ length: 52 }, (_, i) => i + 1));
    } finally {
      await probe.stop();
      await store.close();
    }
  });

  void it('a watch that fell behind ends with CompactedError when compaction removed what it missed', async () => {
    const store = new SqliteStorage({ path: freshPath(), maxQueuedEvents: 5 });
    const probe = new WatchProbe(store, '/s/', 0);
    try {
      const first = await store.create('/s/0', bytes('0'));
      await probe.untilCount(1);
      let revision = first.revision;
      for (let i = 1; i <= 50; i++) revision = (await store.update('/s/0', bytes(String(i)), revision)).revision;
      await store.compact(revision);
      assert.ok((await probe.ended()) instanceof CompactedError);
    } finally {
      await probe.stop();
      await store.close();
    }
  });

  void it('every acknowledged write survives kill -9 of the writing process', async () => {
    const path = freshPath();
    // The child writes keys one after another and prints each one once its create resolved.
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { SqliteStorage } = await import(${JSON.stringify(new URL('./sqlite-storage.ts', import.meta.url).href)});
         const store = new SqliteStorage({ path: ${JSON.stringify(path)} });
         for (let i = 0; i < 100000; i++) {
           const { revision } = await store.create('/k/' + i, new TextEncoder().encode('v' + i));
           process.stdout.write(i + ' ' + revision + '\\n');
         }`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const acknowledged = new Map<number, number>();
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const deadline = setTimeout(() => child.kill('SIGKILL'), defaultDeadlineMs);
    try {
      for await (const line of createInterface({ input: child.stdout })) {
        const [i, revision] = line.split(' ').map(Number);
        acknowledged.set(i!, revision!);
        if (acknowledged.size === 500) child.kill('SIGKILL');
      }
      await exited;
    } finally {
      clearTimeout(deadline);
      child.kill('SIGKILL');
    }
    assert.ok(acknowledged.size >= 500, `the child acknowledged only ${acknowledged.size} writes`);
    const store = new SqliteStorage({ path });
    try {
      for (const [i, revision] of acknowledged) {
        const { kv } = await store.get(`/k/${i}`);
        assert.ok(kv !== undefined, `acknowledged write /k/${i} was lost`);
        assert.equal(kv.modRevision, revision);
        assert.equal(decoder.decode(kv.value), `v${i}`);
      }
    } finally {
      await store.close();
    }
  });
});
