/**
 * pods/proxy, services/proxy and nodes/proxy through an in-process apiserver: methods, paths,
 * query strings, streaming bodies, redirects, upgrades (WebSocket) passed through, credentials
 * not passed on, and the Status errors of each failure.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import WebSocket, { WebSocketServer } from 'ws';
import { waitFor } from '../../src/client/testing/index.ts';
import { startTestApiServer, type TestApiServer } from '../support/test-apiserver.ts';

const NET = `127.79.${(process.pid % 200) + 20}`;
const TOKEN = 'proxy-test-token';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  bodyBytes: number;
  who: string;
  clientCert?: string;
}

/** An HTTP backend that answers with what it saw, redirects on /redirect, echoes WebSockets. */
async function startBackend(ip: string, who: string): Promise<{ server: Server; port: number; wss: WebSocketServer }> {
  const server = createServer((req, res) => {
    if (req.url === '/redirect') {
      res.writeHead(302, { Location: '/target?x=1' });
      res.end();
      return;
    }
    let bodyBytes = 0;
    req.on('data', (c: Buffer) => (bodyBytes += c.length));
    req.on('end', () => {
      const seen: Seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, bodyBytes, who };
      res.writeHead(200, { 'Content-Type': 'application/json', 'X-Backend': who });
      res.end(JSON.stringify(seen));
    });
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws) => ws.on('message', (data) => ws.send(`${who}:${(data as Buffer).toString()}`)));
  await new Promise<void>((resolve) => server.listen(0, ip, () => resolve()));
  return { server, port: (server.address() as AddressInfo).port, wss };
}

describe('proxy subresources', () => {
  let api: TestApiServer;
  let noKubeletApi: TestApiServer;
  let dir: string;
  const backends: { server: Server; port: number; wss: WebSocketServer }[] = [];
  let kubelet: HttpsServer;
  let kubeletPort: number;
  const auth = { Authorization: `Bearer ${TOKEN}` };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'k8ts-proxy-test-'));
    const tokenFile = join(dir, 'tokens.csv');
    writeFileSync(tokenFile, `${TOKEN},tester,uid-1,"system:masters"\n`);
    noKubeletApi = await startTestApiServer({ tokenFile });
    // The same CA signs every test certificate, so the test client certificate stands in for the kubelet client one.
    const certs = noKubeletApi.certs;
    api = await startTestApiServer({ tokenFile, storage: noKubeletApi.storage, kubeletClient: { certPem: certs.clientCertPem, keyPem: certs.clientKeyPem, caPem: certs.caPem } });
    for (const [i, who] of ['one', 'two'].entries()) backends.push(await startBackend(`${NET}.${10 + i}`, who));

    kubelet = createHttpsServer({ cert: certs.serverCertPem, key: certs.serverKeyPem, ca: certs.caPem, requestCert: true, rejectUnauthorized: true }, (req, res) => {
      const cert = (req.socket as TLSSocket).getPeerCertificate();
      const seen: Seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, bodyBytes: 0, who: 'kubelet', clientCert: String(cert.subject?.CN) };
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(seen));
    });
    await new Promise<void>((resolve) => kubelet.listen(0, '127.0.0.1', () => resolve()));
    kubeletPort = (kubelet.address() as AddressInfo).port;

    const pod = (name: string, ip: string | undefined, port: number) => ({
      body: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, labels: { app: 'web' } },
        spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'python:3', ports: [{ name: 'http', containerPort: port }] }] },
      },
      ip,
    });
    for (const p of [pod('web', `${NET}.10`, backends[0]!.port), pod('pending', undefined, 80)]) {
      const created = await api.request('POST', '/api/v1/namespaces/default/pods', { body: p.body });
      assert.equal(created.status, 201, created.text);
      if (p.ip !== undefined) {
        const status = await api.request('PATCH', `/api/v1/namespaces/default/pods/${p.body.metadata.name}/status`, {
          body: { status: { phase: 'Running', podIP: p.ip, podIPs: [{ ip: p.ip }] } },
          headers: { 'Content-Type': 'application/merge-patch+json' },
        });
        assert.equal(status.status, 200, status.text);
      }
    }
    const svc = (name: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } });
    for (const name of ['web', 'empty', 'legacy']) assert.equal((await api.request('POST', '/api/v1/namespaces/default/services', { body: svc(name) })).status, 201);
    const slice = await api.request('POST', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', {
      body: {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 'web-1', labels: { 'kubernetes.io/service-name': 'web' } },
        addressType: 'IPv4',
        ports: [{ name: 'http', port: backends[0]!.port, protocol: 'TCP' }],
        endpoints: [{ addresses: [`${NET}.10`] }, { addresses: [`${NET}.99`], conditions: { ready: false } }],
      },
    });
    assert.equal(slice.status, 201, slice.text);
    const slice2 = await api.request('POST', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', {
      body: {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 'web-2', labels: { 'kubernetes.io/service-name': 'web' } },
        addressType: 'IPv4',
        ports: [{ name: 'http', port: backends[1]!.port, protocol: 'TCP' }],
        endpoints: [{ addresses: [`${NET}.11`] }],
      },
    });
    assert.equal(slice2.status, 201, slice2.text);
    const eps = await api.request('POST', '/api/v1/namespaces/default/endpoints', {
      body: { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'legacy' }, subsets: [{ addresses: [{ ip: `${NET}.11` }], ports: [{ name: 'http', port: backends[1]!.port }] }] },
    });
    assert.equal(eps.status, 201, eps.text);
    const node = await api.request('POST', '/api/v1/nodes', { body: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } } });
    assert.equal(node.status, 201, node.text);
    const nodeStatus = await api.request('PATCH', '/api/v1/nodes/n1/status', {
      body: { status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: kubeletPort } } } },
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    assert.equal(nodeStatus.status, 200, nodeStatus.text);
  });

  after(async () => {
    for (const b of backends) {
      for (const c of b.wss.clients) c.terminate();
      b.wss.close();
      b.server.closeAllConnections();
      await new Promise<void>((resolve) => b.server.close(() => resolve()));
    }
    kubelet?.closeAllConnections();
    await new Promise<void>((resolve) => kubelet?.close(() => resolve()));
    await api?.server.close();
    await noKubeletApi?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pods/proxy passes method, path, query and body to the pod IP, without the client\'s credentials', async () => {
    const res = await api.request('POST', '/api/v1/namespaces/default/pods/web/proxy/some/path/?a=1&b=x%20y', {
      body: Buffer.alloc(1024 * 1024, 7),
      headers: { ...auth, 'Content-Type': 'application/octet-stream', 'X-Custom': 'kept' },
      anonymous: true,
    });
    assert.equal(res.status, 200, res.text);
    const seen = res.json as Seen;
    assert.equal(seen.method, 'POST');
    assert.equal(seen.url, '/some/path/?a=1&b=x%20y');
    assert.equal(seen.bodyBytes, 1024 * 1024);
    assert.equal(seen.headers['x-custom'], 'kept');
    assert.equal(seen.headers.authorization, undefined);
    assert.equal(res.headers['x-backend'], 'one');
    // By port name and by number.
    assert.equal((await api.request('GET', `/api/v1/namespaces/default/pods/web:http/proxy/x`)).json.url, '/x');
    assert.equal((await api.request('DELETE', `/api/v1/namespaces/default/pods/web:${backends[0]!.port}/proxy/x`)).json.method, 'DELETE');
  });

  it('redirects the proxy root to its trailing slash, and rewrites the backend\'s redirects', async () => {
    const root = await api.request('GET', '/api/v1/namespaces/default/pods/web/proxy?q=1');
    assert.equal(root.status, 301);
    assert.equal(root.headers.location, '/api/v1/namespaces/default/pods/web/proxy/?q=1');
    const redirect = await api.request('GET', '/api/v1/namespaces/default/pods/web/proxy/redirect');
    assert.equal(redirect.status, 302);
    assert.equal(redirect.headers.location, '/api/v1/namespaces/default/pods/web/proxy/target?x=1');
  });

  it('answers Status errors: 404 unknown pod, 400 pod without IP, 400 unknown port name, 503 unreachable', async () => {
    const missing = await api.request('GET', '/api/v1/namespaces/default/pods/nope/proxy/');
    assert.equal(missing.status, 404);
    assert.equal(missing.json.message, 'pods "nope" not found');
    const pending = await api.request('GET', '/api/v1/namespaces/default/pods/pending/proxy/');
    assert.equal(pending.status, 400);
    assert.match(pending.json.message, /has no IP address yet/);
    const badPort = await api.request('GET', '/api/v1/namespaces/default/pods/web:metrics/proxy/');
    assert.equal(badPort.status, 400);
    const unreachable = await api.request('GET', '/api/v1/namespaces/default/pods/web:1/proxy/');
    assert.equal(unreachable.status, 503);
    assert.match(unreachable.json.message, /^error trying to reach service: /);
  });

  it('services/proxy reaches the ready endpoints by port number, name or default', async () => {
    const seen = new Set<string>();
    await waitFor(async () => {
      for (const id of ['web:80', 'web:http', 'web', 'http:web:http']) {
        const res = await api.request('GET', `/api/v1/namespaces/default/services/${id}/proxy/hi`);
        assert.equal(res.status, 200, res.text);
        assert.equal(res.json.url, '/hi');
        seen.add(res.json.who);
      }
      return seen.size === 2;
    }, 'requests to reach both endpoints');
    const legacy = await api.request('GET', '/api/v1/namespaces/default/services/legacy/proxy/');
    assert.equal(legacy.status, 200, legacy.text);
    assert.equal(legacy.json.who, 'two');
  });

  it('services/proxy errors: 503 without endpoints or with an unknown port, 404 unknown service, 400 malformed', async () => {
    const empty = await api.request('GET', '/api/v1/namespaces/default/services/empty/proxy/');
    assert.equal(empty.status, 503);
    assert.equal(empty.json.reason, 'ServiceUnavailable');
    assert.equal(empty.json.message, 'no endpoints available for service "empty"');
    const port = await api.request('GET', '/api/v1/namespaces/default/services/web:81/proxy/');
    assert.equal(port.status, 503);
    assert.equal(port.json.message, 'no service port 81 found for service "web"');
    const missing = await api.request('GET', '/api/v1/namespaces/default/services/nope/proxy/');
    assert.equal(missing.status, 404);
    const malformed = await api.request('GET', '/api/v1/namespaces/default/services/a:b:c:d/proxy/');
    assert.equal(malformed.status, 400);
  });

  it('passes WebSocket upgrades through to the backend', async () => {
    const url = new URL(api.server.url);
    const ws = new WebSocket(`wss://${url.host}/api/v1/namespaces/default/pods/web/proxy/ws`, {
      ca: api.certs.caPem,
      cert: api.certs.clientCertPem,
      key: api.certs.clientKeyPem,
    });
    const reply = await new Promise<string>((resolve, reject) => {
      ws.on('open', () => ws.send('ping'));
      ws.on('message', (data) => resolve((data as Buffer).toString()));
      ws.on('error', reject);
    });
    assert.equal(reply, 'one:ping');
    ws.close();
    const refused = new WebSocket(`wss://${url.host}/api/v1/namespaces/default/services/empty/proxy/`, { ca: api.certs.caPem, cert: api.certs.clientCertPem, key: api.certs.clientKeyPem });
    const status = await new Promise<number>((resolve) => refused.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    assert.equal(status, 503);
  });

  it('nodes/proxy reaches the kubelet over TLS with the kubelet client certificate; 503 without one', async () => {
    const res = await api.request('GET', '/api/v1/nodes/n1/proxy/healthz?verbose=1', { headers: auth, anonymous: true });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.url, '/healthz?verbose=1');
    assert.equal(res.json.clientCert, 'test-admin');
    assert.equal(res.json.headers.authorization, undefined);
    const without = await noKubeletApi.request('GET', '/api/v1/nodes/n1/proxy/healthz');
    assert.equal(without.status, 503);
    assert.match(without.json.message, /no kubelet client certificate/);
    assert.equal((await api.request('GET', '/api/v1/nodes/nope/proxy/')).status, 404);
  });

  it('lists the proxy and portforward subresources in discovery', async () => {
    const res = await api.request('GET', '/api/v1');
    const names = (res.json.resources as { name: string }[]).map((r) => r.name);
    for (const n of ['pods/proxy', 'pods/portforward', 'services/proxy', 'nodes/proxy']) assert.ok(names.includes(n), n);
  });
});
