/**
 * The apiservers' own leases and the `kubernetes` Service endpoints, with two in-process
 * apiservers on one store: both are listed; one that stops takes itself out before its close
 * resolves; a lease that stops being renewed (a dead apiserver) drops out once it expires; a
 * long-expired lease is collected; the Service sits on the first address of the range.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiServerLeaseName } from '../../src/apiserver/endpoint-reconciler.ts';
import { MemoryStorage } from '../../src/storage/memory/memory-storage.ts';
import { startTestApiServer, type TestApiServer } from '../support/test-apiserver.ts';

const IDENTITY = 'apiserver.kubernetes.io/identity=kube-apiserver';

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the kubernetes Service and its endpoints', () => {
  const storage = new MemoryStorage();
  let a: TestApiServer;
  let b: TestApiServer;
  const identity = { advertiseAddress: '127.0.0.1', leaseDurationSeconds: 2, renewIntervalMs: 200 };

  before(async () => {
    a = await startTestApiServer({ storage, identity, serviceClusterIpRange: '127.11.9.0/24' });
    b = await startTestApiServer({ storage, identity, serviceClusterIpRange: '127.11.9.0/24' });
  });
  after(async () => {
    await a?.close();
  });

  const endpoints = async (): Promise<string[]> => {
    const ep = (await a.request('GET', '/api/v1/namespaces/default/endpoints/kubernetes')).json as { subsets?: Array<{ addresses: Array<{ ip: string }>; ports: Array<{ port: number }> }> };
    return (ep.subsets ?? []).flatMap((s) => s.addresses.map((x) => `${x.ip}:${s.ports[0]?.port}`)).sort();
  };
  const port = (s: TestApiServer): number => Number(new URL(s.server.url).port);

  it('puts the Service on the first ClusterIP, port 443 to the secure port', async () => {
    const svc = (await a.request('GET', '/api/v1/namespaces/default/services/kubernetes')).json as { spec: { clusterIP: string; ports: Array<{ name: string; port: number; protocol: string }> } };
    assert.equal(svc.spec.clusterIP, '127.11.9.1');
    assert.deepEqual(svc.spec.ports.map((p) => [p.name, p.port, p.protocol]), [['https', 443, 'TCP']]);
  });

  it('lists every live apiserver in the Endpoints and the EndpointSlices, each with its lease', async () => {
    const both = [`127.0.0.1:${port(a)}`, `127.0.0.1:${port(b)}`].sort();
    assert.deepEqual(await until('both listed', async () => ((await endpoints()).length === 2 ? endpoints() : undefined)), both);
    const slices = (await a.request('GET', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dkubernetes')).json as { items: Array<{ endpoints: Array<{ addresses: string[] }>; ports: Array<{ port: number }> }> };
    assert.deepEqual(slices.items.flatMap((s) => s.endpoints.map((e) => `${e.addresses[0]}:${s.ports[0]?.port}`)).sort(), both);
    const leases = (await a.request('GET', `/apis/coordination.k8s.io/v1/namespaces/kube-system/leases?labelSelector=${encodeURIComponent(IDENTITY)}`)).json as { items: Array<{ metadata: { name: string; annotations: Record<string, string> }; spec: { leaseDurationSeconds: number } }> };
    assert.deepEqual(leases.items.map((l) => l.metadata.name).sort(), [apiServerLeaseName('127.0.0.1', port(a)), apiServerLeaseName('127.0.0.1', port(b))].sort());
    assert.equal(leases.items[0]?.spec.leaseDurationSeconds, 2);
    assert.equal(leases.items[0]?.metadata.annotations['k8ts.io/advertise-address'], '127.0.0.1');
  });

  it('drops an apiserver whose lease is no longer renewed once it expires, and collects long-expired leases', async () => {
    const now = Date.now();
    const fake = (name: string, address: string, renewedAgoMs: number) => ({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, namespace: 'kube-system', labels: { 'apiserver.kubernetes.io/identity': 'kube-apiserver' }, annotations: { 'k8ts.io/advertise-address': address, 'k8ts.io/advertise-port': '6443' } },
      spec: { holderIdentity: name, leaseDurationSeconds: 2, renewTime: new Date(now - renewedAgoMs).toISOString().replace('Z', '000Z') },
    });
    assert.equal((await a.request('POST', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases', { body: fake('apiserver-dying', '127.0.0.9', 0) })).status, 201);
    assert.equal((await a.request('POST', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases', { body: fake('apiserver-long-gone', '127.0.0.8', 3_600_000) })).status, 201);
    await until('the dying apiserver listed', async () => ((await endpoints()).includes('127.0.0.9:6443') ? true : undefined));
    assert.ok(!(await endpoints()).includes('127.0.0.8:6443'), 'an expired lease is never listed');
    await until('the dying apiserver dropped after its lease expired', async () => ((await endpoints()).includes('127.0.0.9:6443') ? undefined : true));
    await until('the long-expired lease collected', async () => ((await a.request('GET', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/apiserver-long-gone')).status === 404 ? true : undefined));
  });

  it('takes a stopping apiserver out of the endpoints before its close resolves', async () => {
    const stopping = port(b);
    // Only b's apiserver (the store is shared with a, whose close closes it).
    await b.server.close();
    b.agent.destroy();
    assert.deepEqual(await endpoints(), [`127.0.0.1:${port(a)}`], `${stopping} removed itself`);
    const lease = await a.request('GET', `/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/${apiServerLeaseName('127.0.0.1', stopping)}`);
    assert.equal(lease.status, 404, 'its lease is deleted');
  });
});
