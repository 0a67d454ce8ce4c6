/**
 * kube-proxy against an in-process apiserver, through the client like any component: a Service
 * whose two backends are TCP servers on two loopback "pod" IPs, with EndpointSlices written by
 * the test (standing in for the endpoints controller). ClusterIP balancing, ClientIP affinity,
 * endpoint removal with a connection open, NodePorts, Service deletion, and a second node's
 * proxy taking the ClusterIP listeners over when the first node's goes away.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Clientset, silentLogger } from '../../src/client/index.ts';
import { waitFor } from '../../src/client/testing/index.ts';
import { startKubeProxy, type RunningKubeProxy } from '../../src/proxy/index.ts';
import { connectAndGreet, startNamedBackend, type NamedBackend } from '../../src/proxy/testing/tcp-backends.ts';
import { startTestApiServer, type TestApiServer } from '../support/test-apiserver.ts';

const SUBNET = (process.pid % 200) + 20;
const RANGE = `127.81.${SUBNET}.0/24`;
const POD_NET = `127.83.${SUBNET}`;
const NODE_A = `127.82.${SUBNET}.1`;
const NODE_B = `127.82.${SUBNET}.2`;
const SERVICE_PORT = 8080;

describe('kube-proxy', () => {
  let api: TestApiServer;
  let clientset: Clientset;
  let one: NamedBackend;
  let two: NamedBackend;
  const proxies: RunningKubeProxy[] = [];
  let clusterIP: string;
  let nodePort: number;

  const slice = (name: string, backends: NamedBackend[]) => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: backends[0]?.port ?? 1, protocol: 'TCP' }],
    endpoints: backends.map((b) => ({ addresses: [b.ip], conditions: { ready: true }, nodeName: b.name === 'one' ? 'node-a' : 'node-b' })),
  });

  before(async () => {
    api = await startTestApiServer({ serviceClusterIpRange: RANGE });
    clientset = Clientset.fromOptions({ endpoints: [api.server.url], ca: api.certs.caPem, cert: api.certs.clientCertPem, key: api.certs.clientKeyPem });
    // Both backends on one port number, as pods of one Deployment are: their IPs tell them apart.
    one = await startNamedBackend('one', `${POD_NET}.1`);
    two = await startNamedBackend('two', `${POD_NET}.2`, one.port);
    proxies.push(startKubeProxy({ clientset, nodeName: 'node-a', nodeIp: NODE_A, logger: silentLogger, standbyRetryMs: 25 }));
    assert.equal(await proxies[0]!.synced, true);

    const svc = await api.request('POST', '/api/v1/namespaces/default/services', {
      body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ name: 'http', port: SERVICE_PORT, targetPort: one.port }] } },
    });
    assert.equal(svc.status, 201, svc.text);
    clusterIP = svc.json.spec.clusterIP;
    nodePort = svc.json.spec.ports[0].nodePort;
    const created = await api.request('POST', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', { body: slice('web-1', [one, two]) });
    assert.equal(created.status, 201, created.text);
  });

  after(async () => {
    for (const p of proxies) await p.stop();
    clientset?.close();
    await one?.close();
    await two?.close();
    await api?.close();
  });

  it('listens on the ClusterIP and balances new connections over both endpoints', async () => {
    assert.match(clusterIP, new RegExp(`^127\\.81\\.${SUBNET}\\.\\d+$`));
    const names = new Set<string | undefined>();
    await waitFor(async () => {
      const c = await connectAndGreet(clusterIP, SERVICE_PORT);
      names.add(c.name);
      c.socket.destroy();
      return names.has('one') && names.has('two');
    }, 'connections through the ClusterIP to reach both endpoints');
    const listeners = proxies[0]!.listeners().map((l) => `${l.endpoint} ${l.state}`);
    assert.ok(listeners.includes(`${clusterIP}:${SERVICE_PORT} listening`), listeners.join(', '));
  });

  it('serves the NodePort on the node address', async () => {
    const names = new Set<string | undefined>();
    await waitFor(async () => {
      const c = await connectAndGreet(NODE_A, nodePort);
      names.add(c.name);
      c.socket.destroy();
      return names.has('one') && names.has('two');
    }, 'NodePort connections to reach both endpoints');
  });

  it('pins a client IP with sessionAffinity ClientIP', async () => {
    const patched = await api.request('PATCH', '/api/v1/namespaces/default/services/web', {
      body: { spec: { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } } },
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    assert.equal(patched.status, 200, patched.text);
    // Once the proxy applies the affinity, one client IP always lands on one backend.
    await waitFor(async () => {
      const seen = new Set<string | undefined>();
      for (let i = 0; i < 6; i++) {
        const c = await connectAndGreet(clusterIP, SERVICE_PORT, `${POD_NET}.200`);
        seen.add(c.name);
        c.socket.destroy();
      }
      return seen.size === 1;
    }, 'a client to be pinned to one backend');
    const back = await api.request('PATCH', '/api/v1/namespaces/default/services/web', {
      body: { spec: { sessionAffinity: 'None', sessionAffinityConfig: null } },
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    assert.equal(back.status, 200, back.text);
    await waitFor(() => proxies[0]!.proxier.balancer('default/web:http')?.pinnedClients === 0, 'affinity to be off');
  });

  it('keeps an open connection when its endpoint is removed; new connections avoid it', async () => {
    let onTwo = await connectAndGreet(clusterIP, SERVICE_PORT);
    for (let i = 0; i < 10 && onTwo.name !== 'two'; i++) {
      onTwo.socket.destroy();
      onTwo = await connectAndGreet(clusterIP, SERVICE_PORT);
    }
    assert.equal(onTwo.name, 'two');
    const replaced = await api.request('PUT', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/web-1', { body: slice('web-1', [one]) });
    assert.equal(replaced.status, 200, replaced.text);
    await waitFor(() => proxies[0]!.proxier.balancer('default/web:http')?.backends.length === 1, 'the proxy to drop endpoint two');
    assert.equal(await onTwo.echo('still connected'), 'still connected');
    for (let i = 0; i < 5; i++) {
      const c = await connectAndGreet(clusterIP, SERVICE_PORT);
      assert.equal(c.name, 'one');
      c.socket.destroy();
    }
    assert.equal(await onTwo.echo('and still'), 'and still');
    onTwo.socket.destroy();
    const restored = await api.request('PUT', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/web-1', { body: slice('web-1', [one, two]) });
    assert.equal(restored.status, 200, restored.text);
    await waitFor(() => proxies[0]!.proxier.balancer('default/web:http')?.backends.length === 2, 'endpoint two to return');
  });

  it('a second node\'s proxy stands by on the ClusterIP and takes over when the first node goes away', async () => {
    const b = startKubeProxy({ clientset, nodeName: 'node-b', nodeIp: NODE_B, logger: silentLogger, standbyRetryMs: 25 });
    proxies.push(b);
    assert.equal(await b.synced, true);
    await waitFor(() => b.listeners().some((l) => l.endpoint === `${clusterIP}:${SERVICE_PORT}` && l.state === 'standby'), 'node-b to stand by on the ClusterIP');
    // Its own NodePort listener is its own.
    await waitFor(() => b.listeners().some((l) => l.endpoint === `${NODE_B}:${nodePort}` && l.state === 'listening'), 'node-b\'s NodePort');
    await proxies[0]!.stop();
    await waitFor(() => b.listeners().some((l) => l.endpoint === `${clusterIP}:${SERVICE_PORT}` && l.state === 'listening'), 'node-b to take the ClusterIP over');
    const c = await connectAndGreet(clusterIP, SERVICE_PORT);
    assert.ok(c.name === 'one' || c.name === 'two', String(c.name));
    c.socket.destroy();
  });

  it('closes the listeners of a deleted Service', async () => {
    const proxy = proxies[1]!;
    const del = await api.request('DELETE', '/api/v1/namespaces/default/services/web');
    assert.equal(del.status, 200, del.text);
    await waitFor(() => proxy.listeners().every((l) => !l.servicePort.startsWith('default/web:')), 'the listeners to close');
    // The kubernetes Service's listener stays.
    assert.deepEqual(proxy.listeners().map((l) => l.servicePort), ['default/kubernetes:https']);
    const refused = await connectAndGreet(clusterIP, SERVICE_PORT);
    assert.equal(refused.name, undefined);
  });
});
