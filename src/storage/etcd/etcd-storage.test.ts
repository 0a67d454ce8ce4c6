import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
// eslint-disable-next-line import-x/no-restricted-paths -- the tests boot a real etcd cluster through cluster/
import { etcdUnavailableReason, startTestEtcdCluster, type TestEtcdCluster } from '../../cluster/etcd-testing.ts';
import { storageConformanceSuite } from '../testing/conformance.ts';
import { WatchProbe } from '../testing/watch-probe.ts';
import { CompactedError } from '../errors.ts';
import { EtcdStorage, type EtcdStorageOptions } from './etcd-storage.ts';

const skip = etcdUnavailableReason();
const encode = (s: string): Uint8Array => new TextEncoder().encode(s);
const runId = `${process.pid}-${Date.now()}`;

/** One 3-member TLS cluster for the whole file, started on first use, stopped by the suite's cleanup. */
let cluster: Promise<TestEtcdCluster> | undefined;
function etcd(): Promise<TestEtcdCluster> {
  cluster ??= startTestEtcdCluster(3);
  return cluster;
}

async function openStore(prefix: string, extra: Partial<EtcdStorageOptions> = {}): Promise<EtcdStorage> {
  const { cluster: c } = await etcd();
  return new EtcdStorage({ endpoints: c.endpoints, tls: c.clientTls, prefix, ...extra });
}

if (skip !== undefined) {
  void test('etcd storage', { skip }, () => undefined);
} else {
  void describe('etcd storage specifics', () => {
    const open = (prefix: string): Promise<EtcdStorage> => openStore(`/${runId}${prefix}`);

    void test('stores under different prefixes do not see each other, though they share revisions', async () => {
      const a = await open('/tenant-a');
      const b = await open('/tenant-b');
      try {
        const start = await a.currentRevision();
        const probe = new WatchProbe(b, '/', start);
        try {
          const inA = await a.create('/k', encode('a'));
          const inB = await b.create('/k', encode('b'));
          assert.ok(inB.revision > inA.revision, 'one etcd, one revision counter');
          assert.deepEqual((await a.list('/')).kvs.map((kv) => [kv.key, new TextDecoder().decode(kv.value)]), [['/k', 'a']]);
          assert.deepEqual((await b.list('')).kvs.map((kv) => [kv.key, new TextDecoder().decode(kv.value)]), [['/k', 'b']]);
          const events = await probe.untilKey('/k');
          assert.deepEqual(events.map((e) => [e.kv.key, e.kv.modRevision]), [['/k', inB.revision]], "b's watch sees only b's key, unprefixed");
        } finally {
          await probe.stop();
        }
      } finally {
        await a.close();
        await b.close();
      }
    });

    void test('a store without a prefix (as an apiserver opens it) is healthy and reports its revision', async () => {
      const store = await openStore('');
      try {
        assert.equal(await store.health(), undefined);
        assert.ok((await store.currentRevision()) >= 1);
      } finally {
        await store.close();
      }
    });

    void test('compactRevision finds a compaction made by another client', async () => {
      const mine = await open('/compaction-a');
      const other = await open('/compaction-b');
      try {
        const first = await mine.create('/k', encode('1'));
        let last = first.revision;
        for (let i = 0; i < 20; i++) last = (await mine.update('/k', encode(String(i)), last)).revision;
        assert.ok((await mine.compactRevision()) < first.revision);
        const point = last - 5;
        await other.compact(point);
        assert.equal(await mine.compactRevision(), point);
        await assert.rejects(mine.get('/k', { revision: first.revision }), (err) => {
          assert.ok(err instanceof CompactedError);
          assert.equal(err.compactRevision, point);
          return true;
        });
      } finally {
        await mine.close();
        await other.close();
      }
    });

    void test('values are bytes: every byte value round-trips', async () => {
      const store = await open('/bytes');
      try {
        const value = Uint8Array.from({ length: 256 }, (_, i) => i);
        const created = await store.create('/all-bytes', value);
        assert.deepEqual([...((await store.get('/all-bytes')).kv?.value ?? [])], [...value]);
        assert.deepEqual([...created.kv.value], [...value]);
      } finally {
        await store.close();
      }
    });
  });

  let counter = 0;
  let current = '';
  storageConformanceSuite('etcd (3 members, TLS)', {
    // Every case gets a prefix of its own on the shared cluster; reopen is a new client on the same prefix.
    open: async () => {
      current = `/conformance-${runId}-${counter++}`;
      return openStore(current);
    },
    reopen: async () => openStore(current),
    // Runs after the cases above and below: this suite is registered last.
    cleanup: async () => {
      if (cluster !== undefined) await (await cluster).dispose();
    },
  });
}
