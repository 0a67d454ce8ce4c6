/**
 * ClusterIP and NodePort allocation through the API: two apiservers on one store (as in an HA
 * control plane) never hand out an address or port twice; requested values, immutability,
 * release on delete and the `kubernetes` Service.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStorage } from '../../src/storage/memory/memory-storage.ts';
import { startTestApiServer, type TestApiServer } from '../support/test-apiserver.ts';

const RANGE = '127.11.200.0/24';

function serviceBody(name: string, spec: Record<string, unknown> = {}): object {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ port: 80, targetPort: 8080 }], selector: { app: name }, ...spec } };
}

describe('service allocation across two apiservers sharing a store', () => {
  const storage = new MemoryStorage();
  let a: TestApiServer;
  let b: TestApiServer;

  before(async () => {
    a = await startTestApiServer({ storage, serviceClusterIpRange: RANGE, serviceNodePortRange: '30000-30999' });
    b = await startTestApiServer({ storage, serviceClusterIpRange: RANGE, serviceNodePortRange: '30000-30999' });
  });
  after(async () => {
    await b?.server.close();
    await a?.close();
  });

  it('creates the kubernetes Service on the range\'s first address', async () => {
    const res = await a.request('GET', '/api/v1/namespaces/default/services/kubernetes');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.spec.clusterIP, '127.11.200.1');
    // The last apiserver to start set its own port (in a real cluster they all serve on 6443).
    assert.deepEqual(res.json.spec.ports, [{ name: 'https', port: 443, protocol: 'TCP', targetPort: Number(new URL(b.server.url).port) }]);
    assert.deepEqual(res.json.metadata.labels, { component: 'apiserver', provider: 'kubernetes' });
  });

  it('concurrent creates on both apiservers get distinct cluster IPs and node ports', async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? a : b).request('POST', '/api/v1/namespaces/default/services', { body: serviceBody(`c${i}`, { type: 'NodePort' }) })),
    );
    for (const r of results) assert.equal(r.status, 201, r.text);
    const ips = results.map((r) => r.json.spec.clusterIP as string);
    const ports = results.map((r) => r.json.spec.ports[0].nodePort as number);
    assert.equal(new Set(ips).size, 30);
    assert.equal(new Set(ports).size, 30);
    for (const ip of ips) assert.match(ip, /^127\.11\.200\.(\d+)$/);
    assert.ok(!ips.includes('127.11.200.1'));
    for (const r of results) {
      assert.deepEqual(r.json.spec.clusterIPs, [r.json.spec.clusterIP]);
      assert.deepEqual(r.json.spec.ipFamilies, ['IPv4']);
      assert.equal(r.json.spec.ipFamilyPolicy, 'SingleStack');
    }
    // Deleting them gives every address and port back (and leaves the range free for the tests below).
    for (let i = 0; i < 30; i++) assert.equal((await (i % 2 === 0 ? b : a).request('DELETE', `/api/v1/namespaces/default/services/c${i}`)).status, 200);
    const left = await storage.list('/registry/ranges/');
    assert.deepEqual(left.kvs.map((kv) => kv.key), ['/registry/ranges/serviceips/127.11.200.1']);
  });

  it('honours a requested clusterIP and refuses it on the other apiserver (422)', async () => {
    const first = await a.request('POST', '/api/v1/namespaces/default/services', { body: serviceBody('fixed', { clusterIP: '127.11.200.250' }) });
    assert.equal(first.status, 201, first.text);
    assert.equal(first.json.spec.clusterIP, '127.11.200.250');
    const second = await b.request('POST', '/api/v1/namespaces/default/services', { body: serviceBody('fixed2', { clusterIP: '127.11.200.250' }) });
    assert.equal(second.status, 422);
    assert.equal(second.json.reason, 'Invalid');
    assert.match(second.json.message, /provided IP is already allocated/);
    const outside = await b.request('POST', '/api/v1/namespaces/default/services', { body: serviceBody('outside', { clusterIP: '10.0.0.10' }) });
    assert.equal(outside.status, 422);
    assert.match(outside.json.message, /The range of valid IPs is 127\.11\.200\.0\/24/);
  });

  it('keeps the clusterIP immutable and gives it back on delete', async () => {
    const change = await a.request('PATCH', '/api/v1/namespaces/default/services/fixed', {
      body: { spec: { clusterIP: '127.11.200.251', clusterIPs: ['127.11.200.251'] } },
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    assert.equal(change.status, 422, change.text);
    assert.match(change.json.message, /may not change once set/);
    const del = await a.request('DELETE', '/api/v1/namespaces/default/services/fixed');
    assert.equal(del.status, 200, del.text);
    const again = await b.request('POST', '/api/v1/namespaces/default/services', { body: serviceBody('fixed3', { clusterIP: '127.11.200.250' }) });
    assert.equal(again.status, 201, again.text);
  });

  it('a create that fails after allocation leaves nothing allocated', async () => {
    const taken = await a.request('POST', '/api/v1/namespaces/default/services', { body: serviceBody('dup', { clusterIP: '127.11.200.240' }) });
    assert.equal(taken.status, 201, taken.text);
    // Same name: the IP is allocated, then the create fails with AlreadyExists; the IP must be free again.
    const dup = await b.request('POST', '/api/v1/namespaces/default/services', { body: serviceBody('dup', { clusterIP: '127.11.200.241' }) });
    assert.equal(dup.status, 409);
    const reuse = await a.request('POST', '/api/v1/namespaces/default/services', { body: serviceBody('reuse', { clusterIP: '127.11.200.241' }) });
    assert.equal(reuse.status, 201, reuse.text);
  });

  it('headless and ExternalName services get no cluster IP; NodePort to ClusterIP drops node ports', async () => {
    const headless = await a.request('POST', '/api/v1/namespaces/default/services', { body: serviceBody('headless', { clusterIP: 'None' }) });
    assert.equal(headless.status, 201, headless.text);
    assert.deepEqual(headless.json.spec.clusterIPs, ['None']);
    const ext = await a.request('POST', '/api/v1/namespaces/default/services', {
      body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext' }, spec: { type: 'ExternalName', externalName: 'example.com' } },
    });
    assert.equal(ext.status, 201, ext.text);
    assert.equal(ext.json.spec.clusterIP, undefined);

    const np = await a.request('POST', '/api/v1/namespaces/default/services', { body: serviceBody('np', { type: 'NodePort', ports: [{ port: 80, nodePort: 30999 }] }) });
    assert.equal(np.status, 201, np.text);
    const edited = structuredClone(np.json);
    edited.spec.type = 'ClusterIP';
    const put = await a.request('PUT', '/api/v1/namespaces/default/services/np', { body: edited });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.json.spec.ports[0].nodePort, undefined);
    // 30999 is free again.
    const np2 = await b.request('POST', '/api/v1/namespaces/default/services', { body: serviceBody('np2', { type: 'NodePort', ports: [{ port: 80, nodePort: 30999 }] }) });
    assert.equal(np2.status, 201, np2.text);
  });
});
