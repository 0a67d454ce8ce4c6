import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EtcdStorage } from '../storage/etcd/etcd-storage.ts';
import { EtcdCluster } from './etcd-cluster.ts';
import { restoreEtcdCluster } from './etcd-restore.ts';
import { findExecutable } from './etcd-member.ts';
import { etcdUnavailableReason, pickMemberSpecs, pollUntil, startTestEtcdCluster, type TestEtcdCluster } from './etcd-testing.ts';

const skip = etcdUnavailableReason();
const encode = (s: string): Uint8Array => new TextEncoder().encode(s);
const decode = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : new TextDecoder().decode(b));

void describe('EtcdCluster', { skip }, () => {
  let etcd: TestEtcdCluster;
  const scratch: string[] = [];

  before(async () => {
    etcd = await startTestEtcdCluster(3);
  });
  after(async () => {
    await etcd?.dispose();
    for (const dir of scratch) await rm(dir, { recursive: true, force: true });
  });

  const storeFor = (endpoints: string[], tls = etcd.cluster.clientTls): EtcdStorage =>
    new EtcdStorage({ endpoints, tls, prefix: '/cluster-test' });

  void test('refuses an even member count unless forced', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8ts-etcd-even-'));
    scratch.push(dir);
    await assert.rejects(EtcdCluster.start({ dir, members: await pickMemberSpecs(2) }), /even etcd member count/);
    assert.equal(existsSync(join(dir, 'members')), false, 'nothing was started');
  });

  void test('three members elect a leader and report a full quorum', async () => {
    const leader = await pollUntil('a leader', () => etcd.cluster.leader());
    assert.ok(etcd.cluster.memberNames.includes(leader));
    const status = await etcd.cluster.status();
    assert.equal(status.length, 3);
    const leaderIds = new Set(status.map((s) => s.status?.leaderId));
    assert.equal(leaderIds.size, 1, 'every member names the same leader');
    assert.equal((await etcd.cluster.quorum()).text, 'quorum 3/3 (can lose 1)');
    const members = await etcd.cluster.memberList();
    assert.deepEqual(members.map((m) => m.name).sort(), [...etcd.cluster.memberNames].sort());
  });

  void test('a member can be removed and a new one added; the newcomer serves the existing data', async () => {
    const store = storeFor(etcd.cluster.endpoints);
    try {
      await store.create('/before-change', encode('kept'));
    } finally {
      await store.close();
    }
    const [removed] = etcd.cluster.memberNames;
    assert.ok(removed !== undefined);
    await etcd.cluster.removeMember(removed);
    assert.deepEqual(
      (await etcd.cluster.memberList()).map((m) => m.name).sort(),
      etcd.cluster.memberNames.sort(),
    );
    assert.equal((await etcd.cluster.memberList()).length, 2);

    const [spec] = await pickMemberSpecs(1, 'added');
    assert.ok(spec !== undefined);
    await etcd.cluster.addMember(spec);
    const names = (await etcd.cluster.memberList()).map((m) => m.name);
    assert.equal(names.length, 3);
    assert.ok(names.includes(spec.name));
    assert.equal((await etcd.cluster.quorum()).text, 'quorum 3/3 (can lose 1)');

    const onlyNewcomer = storeFor([etcd.cluster.endpointOf(spec.name)]);
    try {
      assert.equal(decode((await onlyNewcomer.get('/before-change')).kv?.value), 'kept');
    } finally {
      await onlyNewcomer.close();
    }
  });

  void test(
    'a snapshot restores into a new single-member cluster with the data present',
    { skip: findExecutable('etcdctl') === undefined ? 'etcdctl is not on PATH (install the etcd-client package)' : false },
    async () => {
      const store = storeFor(etcd.cluster.endpoints);
      let lastRevision: number;
      try {
        for (let i = 0; i < 10; i++) await store.create(`/snap/${i}`, encode(`value-${i}`));
        lastRevision = await store.currentRevision();
      } finally {
        await store.close();
      }
      const dir = mkdtempSync(join(tmpdir(), 'k8ts-etcd-restore-'));
      scratch.push(dir);
      const file = join(dir, 'snapshot.db');
      const saved = await etcd.cluster.snapshotSave(file);
      assert.ok(saved.revision >= lastRevision);

      const restored = await restoreEtcdCluster(file, { dir: join(dir, 'restored'), members: await pickMemberSpecs(1, 'restored') });
      try {
        const fromRestore = storeFor(restored.endpoints, restored.clientTls);
        try {
          const list = await fromRestore.list('/snap/');
          assert.deepEqual(
            list.kvs.map((kv) => [kv.key, decode(kv.value)]),
            Array.from({ length: 10 }, (_, i) => [`/snap/${i}`, `value-${i}`]),
          );
          assert.ok(list.revision >= lastRevision, 'revisions carry over');
          await fromRestore.create('/snap/after-restore', encode('writable'));
        } finally {
          await fromRestore.close();
        }
        assert.equal((await restored.memberList()).length, 1);
      } finally {
        await restored.stop();
      }
    },
  );
});
