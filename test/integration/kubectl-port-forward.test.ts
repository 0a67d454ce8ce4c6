/**
 * The real `kubectl port-forward` against an in-process apiserver that passes pods/portforward
 * through to a kubelet — here a stand-in HTTPS server whose only route is the one line a kubelet
 * needs: `servePortForward(req, socket, head, (port) => connect(port, podIP))`. Covers kubectl's
 * WebSocket mode (SPDY in WebSocket messages) and its raw SPDY fallback.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { waitFor } from '../../src/client/testing/index.ts';
import { generateTestCerts } from '../../src/client/testing/test-certs.ts';
import { servePortForward } from '../../src/kubelet/portforward.ts';
import { buildKubeconfig } from '../../src/pki/kubeconfig.ts';
import { freePort } from '../../src/proxy/testing/tcp-backends.ts';
import { startTestApiServer, type TestApiServer } from '../support/test-apiserver.ts';

const POD_IP = `127.80.${(process.pid % 200) + 20}.5`;

function dialPod(port: number, host: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host, allowHalfOpen: true });
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/**
 * Connects to `port`, sends `payload`, half-closes (unless `halfClose` is false: a client such as
 * curl that waits for an answer first), and reads everything until the end.
 */
function exchange(port: number, payload: Buffer | string, halfClose = true): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('end', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
    if (halfClose) socket.end(payload);
    else socket.write(payload);
  });
}

describe('kubectl port-forward through the apiserver to the kubelet', () => {
  let api: TestApiServer;
  let kubelet: HttpsServer;
  let pod: Server;
  let podPort: number;
  let dir: string;
  let kubeconfig: string;
  const children: ChildProcess[] = [];
  const upgraded = new Set<Duplex>();
  /** The Upgrade header of each request the kubelet got, to tell which protocol kubectl used. */
  const upgrades: string[] = [];

  before(async () => {
    const certs = await generateTestCerts();
    // The kubelet serves with a certificate of the cluster CA and trusts client certificates it signed.
    kubelet = createHttpsServer({ cert: certs.serverCertPem, key: certs.serverKeyPem, ca: certs.caPem, requestCert: true, rejectUnauthorized: true }, (_req, res) => {
      res.writeHead(404).end();
    });
    kubelet.on('upgrade', (req, socket, head) => {
      upgraded.add(socket);
      upgrades.push(`${req.headers.upgrade} ${req.headers['sec-websocket-protocol'] ?? req.headers['x-stream-protocol-version']}`);
      if (!req.url?.startsWith('/portForward/default/web')) return void socket.destroy();
      servePortForward(req, socket, head, (port) => dialPod(port, POD_IP));
    });
    await new Promise<void>((resolve) => kubelet.listen(0, '127.0.0.1', () => resolve()));

    pod = createServer({ allowHalfOpen: true }, (socket) => {
      upgraded.add(socket);
      socket.on('error', () => undefined);
      socket.write('pod:');
      socket.pipe(socket);
    });
    podPort = await freePort(POD_IP);
    await new Promise<void>((resolve) => pod.listen(podPort, POD_IP, () => resolve()));

    api = await startTestApiServer({ kubeletClient: { certPem: certs.clientCertPem, keyPem: certs.clientKeyPem, caPem: certs.caPem } }, certs);
    const node = await api.request('POST', '/api/v1/nodes', { body: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } } });
    assert.equal(node.status, 201, node.text);
    const nodeStatus = await api.request('PATCH', '/api/v1/nodes/n1/status', {
      body: { status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: (kubelet.address() as AddressInfo).port } } } },
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    assert.equal(nodeStatus.status, 200, nodeStatus.text);
    const created = await api.request('POST', '/api/v1/namespaces/default/pods', {
      body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'python:3', ports: [{ containerPort: podPort }] }] } },
    });
    assert.equal(created.status, 201, created.text);
    const running = await api.request('PATCH', '/api/v1/namespaces/default/pods/web/status', {
      body: { status: { phase: 'Running', podIP: POD_IP, podIPs: [{ ip: POD_IP }] } },
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    assert.equal(running.status, 200, running.text);

    dir = mkdtempSync(join(tmpdir(), 'k8ts-port-forward-'));
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, buildKubeconfig({ name: 'pf', server: api.server.url, caPem: certs.caPem, certPem: certs.clientCertPem, keyPem: certs.clientKeyPem }));
  });

  after(async () => {
    for (const child of children) child.kill('SIGKILL');
    for (const s of upgraded) s.destroy();
    kubelet?.closeAllConnections();
    await new Promise<void>((resolve) => kubelet?.close(() => resolve()));
    await new Promise<void>((resolve) => pod?.close(() => resolve()));
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts `kubectl port-forward pod/web :<remote>` and resolves with the local port it listens on. */
  async function portForward(remotePort: number, env: Record<string, string> = {}): Promise<{ localPort: number; child: ChildProcess; stderr: () => string }> {
    const child = spawn('kubectl', ['--kubeconfig', kubeconfig, 'port-forward', 'pod/web', `:${remotePort}`, '--address', '127.0.0.1'], {
      env: { ...process.env, HOME: dir, KUBECONFIG: kubeconfig, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const localPort = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const m = /Forwarding from 127\.0\.0\.1:(\d+) ->/.exec(stdout);
        if (m !== null) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`kubectl port-forward exited (${code}): ${stdout}${stderr}`)));
    });
    return { localPort, child, stderr: () => stderr };
  }

  for (const [mode, env, upgrade] of [
    ['WebSocket (SPDY in WebSocket messages)', {}, 'websocket SPDY/3.1+portforward.k8s.io'],
    ['SPDY fallback', { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' }, 'SPDY/3.1 portforward.k8s.io'],
  ] as const) {
    it(`forwards connections both ways: ${mode}`, async () => {
      upgrades.length = 0;
      const { localPort, child } = await portForward(podPort, env);
      const [one, two] = await Promise.all([exchange(localPort, 'first'), exchange(localPort, 'second')]);
      assert.equal(one.toString(), 'pod:first');
      assert.equal(two.toString(), 'pod:second');
      // More than any SPDY window: flow control must not stall (kubectl returns no window).
      const big = Buffer.alloc(512 * 1024, 'x');
      const echoed = await exchange(localPort, big);
      assert.equal(echoed.length, 4 + big.length);
      assert.deepEqual([...new Set(upgrades)], [upgrade]);
      child.kill('SIGTERM');
    });
  }

  it('reports a port nothing listens on, and the kubelet goes on serving after kubectl resets the streams', async () => {
    const unused = await freePort(POD_IP);
    const { localPort, child, stderr } = await portForward(unused);
    // Without half-closing, the data stream is still open both ways when kubectl resets it.
    const answer = await exchange(localPort, 'GET / HTTP/1.1\r\nHost: pod\r\n\r\n', false).catch(() => Buffer.alloc(0));
    assert.equal(answer.length, 0);
    await waitFor(() => /error forwarding port \d+ to pod default\/web/.test(stderr()), 'kubectl to report the refused port', 20_000);
    assert.match(stderr(), new RegExp(`error forwarding port ${unused} to pod default/web: .*ECONNREFUSED`));
    // kubectl resets the connection's streams and gives up on the pod; the kubelet must not go down with it.
    await waitFor(() => child.exitCode !== null || child.signalCode !== null, 'kubectl port-forward to exit', 20_000);
    const again = await portForward(podPort);
    assert.equal((await exchange(again.localPort, 'still there')).toString(), 'pod:still there');
    again.child.kill('SIGTERM');
  });
});
