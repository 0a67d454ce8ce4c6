/**
 * An apiserver on a real 3-member etcd cluster: it serves while a quorum does; /readyz fails
 * (so load balancers drop it) while its store has no quorum, and /livez stays up (nothing to
 * restart: the process is fine); both recover with the quorum.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EtcdStorage } from '../../src/storage/etcd/etcd-storage.ts';
import { etcdUnavailableReason, pollUntil, startTestEtcdCluster, type TestEtcdCluster } from '../../src/cluster/etcd-testing.ts';
import { startTestApiServer, type TestApiServer } from '../support/test-apiserver.ts';

describe('an apiserver on etcd', { skip: etcdUnavailableReason() }, () => {
  let etcd: TestEtcdCluster;
  let api: TestApiServer;

  before(async () => {
    etcd = await startTestEtcdCluster(3);
    const storage = new EtcdStorage({ endpoints: etcd.cluster.endpoints, tls: etcd.cluster.clientTls });
    api = await startTestApiServer({ storage });
  });
  after(async () => {
    await api?.close();
    await etcd?.dispose();
  });

  it('fails readiness without a quorum while staying live, and recovers with it', async () => {
    assert.equal((await api.request('GET', '/readyz', { anonymous: true })).status, 200);
    const created = await api.request('POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: 'before' }, data: { a: 'b' } } });
    assert.equal(created.status, 201);

    const [m1, m2] = etcd.cluster.memberNames;
    await etcd.cluster.member(m1!).kill();
    await etcd.cluster.member(m2!).kill();
    const verbose = await pollUntil('readyz fails', async () => {
      const r = await api.request('GET', '/readyz?verbose', { anonymous: true });
      return r.status === 500 ? r.text : undefined;
    });
    assert.match(verbose, /^\[-\]storage failed: reason withheld$/m);
    assert.equal((await api.request('GET', '/livez', { anonymous: true })).status, 200);
    const write = await api.request('POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: 'during' }, data: { a: 'b' } } });
    assert.equal(write.status, 503, `a write without quorum is 503 ServiceUnavailable: ${write.text}`);
    assert.equal(write.json?.reason, 'ServiceUnavailable');

    await etcd.cluster.startMember(m1!);
    await pollUntil('readyz passes again', async () => (await api.request('GET', '/readyz', { anonymous: true })).status === 200);
    assert.equal((await api.request('GET', '/api/v1/namespaces/default/configmaps/before')).status, 200);
    await etcd.cluster.startMember(m2!);
  });
});
