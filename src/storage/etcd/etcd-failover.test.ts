import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
// eslint-disable-next-line import-x/no-restricted-paths -- the tests boot a real etcd cluster through cluster/
import { pollUntil, startTestEtcdCluster, etcdUnavailableReason, type TestEtcdCluster } from '../../cluster/etcd-testing.ts';
import { KeyExistsError, StorageUnavailableError } from '../errors.ts';
import type { Storage, WatchEvent } from '../storage.ts';
import { EtcdStorage } from './etcd-storage.ts';

const skip = etcdUnavailableReason();
const encode = (s: string): Uint8Array => new TextEncoder().encode(s);

/**
 * Creates `key` the way a careful client does while members die: a write whose outcome is unknown
 * (StorageUnavailableError) is resolved by trying again and accepting "exists" as our own write
 * (keys in these tests are unique, so nobody else creates them). Returns the create's revision.
 */
async function createThroughFailures(s: Storage, key: string, value: Uint8Array): Promise<number> {
  let ambiguous = false;
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      return (await s.create(key, value)).revision;
    } catch (err) {
      if (err instanceof KeyExistsError && ambiguous) return (await s.get(key)).kv?.createRevision ?? -1;
      if (!(err instanceof StorageUnavailableError)) throw err;
      ambiguous = true;
    }
  }
  throw new Error(`could not create ${key}`);
}

void describe('etcd storage while members fail', { skip }, () => {
  let etcd: TestEtcdCluster;

  before(async () => {
    etcd = await startTestEtcdCluster(3);
  });
  after(async () => {
    await etcd?.dispose();
  });

  void test('a watch survives kill -9 of the member it streams from, delivering every event once, in order', async () => {
    const connections: string[] = [];
    const store = new EtcdStorage({
      endpoints: etcd.cluster.endpoints,
      tls: etcd.cluster.clientTls,
      prefix: `/failover-${Date.now()}`,
      watchObserver: { connected: (info) => connections.push(info.memberId) },
    });
    const abort = new AbortController();
    try {
      const total = 60;
      const received: WatchEvent[] = [];
      const start = await store.currentRevision();
      const consumer = (async () => {
        for await (const batch of store.watch('/k/', start, abort.signal)) {
          received.push(...batch);
          if (received.length >= total) return;
        }
      })();
      await pollUntil('watch connected', () => connections.length > 0);

      const written: { key: string; revision: number }[] = [];
      const write = async (i: number): Promise<void> => {
        const key = `/k/${String(i).padStart(3, '0')}`;
        written.push({ key, revision: await createThroughFailures(store, key, encode(`v${i}`)) });
      };
      for (let i = 0; i < total / 3; i++) await write(i);

      const victimId = connections[0];
      const victim = (await etcd.cluster.memberList()).find((m) => m.id === victimId);
      assert.ok(victim, `the watch's member ${victimId} is in the member list`);
      await etcd.cluster.member(victim.name).kill();

      // Writes keep going (through the surviving members) while the watch moves.
      for (let i = total / 3; i < total; i++) await write(i);

      await pollUntil(`all ${total} events arrive`, () => received.length >= total);
      await consumer;
      assert.equal(received.length, total, 'no duplicates');
      assert.deepEqual(
        received.map((e) => [e.type, e.kv.key, e.kv.modRevision]),
        written.map((w) => ['create', w.key, w.revision]),
        'every write seen once, in revision order',
      );
      assert.ok(connections.length >= 2, 'the watch reconnected');
      assert.notEqual(connections.at(-1), victimId, 'to another member');

      await etcd.cluster.startMember(victim.name);
    } finally {
      abort.abort();
      await store.close();
    }
  });

  void test('health() reports a lost quorum when 2 of 3 members are dead, and recovery when one returns', async () => {
    const store = new EtcdStorage({ endpoints: etcd.cluster.endpoints, tls: etcd.cluster.clientTls, prefix: `/health-${Date.now()}` });
    try {
      assert.equal(await pollUntil('healthy at first', async () => (await store.health()) === undefined), true);
      const [a, b] = etcd.cluster.memberNames;
      assert.ok(a !== undefined && b !== undefined);
      await etcd.cluster.member(a).kill();
      await etcd.cluster.member(b).kill();

      const reason = await pollUntil('unhealthy without quorum', () => store.health());
      assert.match(reason, /^etcd: /);

      await etcd.cluster.member(a).start();
      await pollUntil('healthy with 2 of 3', async () => (await store.health()) === undefined);
      // The store serves again.
      await createThroughFailures(store, '/after-recovery', encode('ok'));

      await etcd.cluster.startMember(b);
      await etcd.cluster.waitForQuorum();
    } finally {
      await store.close();
    }
  });
});
