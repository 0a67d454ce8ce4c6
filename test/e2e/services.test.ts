/**
 * Services on a `k8ts up` cluster with the real kubectl: ClusterIPs from the cluster's own range
 * (127.11.<i>.0/24), `kubectl proxy` into services/proxy, and the server's in-process
 * kube-proxy serving the ClusterIP and the NodePort. No kubelet runs pods here, so the test
 * starts a backend on a loopback "pod" IP and writes its EndpointSlice by hand, as the endpoints
 * controller would.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { join } from 'node:path';
import { waitFor } from '../../src/client/testing/index.ts';
import { freePort } from '../../src/proxy/testing/tcp-backends.ts';
import { startCliCluster, type CliCluster } from '../support/cli-cluster.ts';

const POD_IP = `127.84.${(process.pid % 200) + 20}.5`;

function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    // A fresh connection each time: a kept-alive one would outlive a closed listener, as relayed connections do.
    const req = request(url, { agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('services on a k8ts cluster', () => {
  let cluster: CliCluster;
  let index: number;
  let backend: Server;
  let backendPort: number;

  before(async () => {
    cluster = await startCliCluster(`e2e-svc-${process.pid}`);
    const record = JSON.parse(readFileSync(join(cluster.env.K8TS_HOME!, cluster.name, 'cluster.json'), 'utf8')) as { index: number };
    index = record.index;
    backendPort = await freePort(POD_IP);
    backend = createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(`backend saw ${req.method} ${req.url}`);
    });
    await new Promise<void>((resolve) => backend.listen(backendPort, POD_IP, () => resolve()));
  });
  after(async () => {
    backend?.closeAllConnections();
    await new Promise<void>((resolve) => (backend === undefined ? resolve() : backend.close(() => resolve())));
    await cluster?.stop();
  });

  async function ok(args: string[], input?: string): Promise<string> {
    const r = await cluster.kubectl(args, input === undefined ? {} : { input });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  }

  function endpointSlice(service: string, portName: string): string {
    return `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: ${service}-hand
  labels: {kubernetes.io/service-name: ${service}}
addressType: IPv4
ports: [{name: "${portName}", port: ${backendPort}, protocol: TCP}]
endpoints: [{addresses: ["${POD_IP}"], conditions: {ready: true}, nodeName: cp-1}]
`;
  }

  it('gives created and exposed services ClusterIPs in the cluster\'s range, shown by kubectl get svc', async () => {
    // `create service` through the client-side generator (its direct form sends a protobuf body).
    const generated = await ok(['create', 'service', 'clusterip', 'echo', '--tcp=80:8080', '--dry-run=client', '-o', 'yaml']);
    await ok(['create', '-f', '-'], generated);
    await ok(['create', 'deployment', 'web', '--image=python:3', '--dry-run=client', '-o', 'yaml']).then((d) => ok(['create', '-f', '-'], d));
    await ok(['expose', 'deployment', 'web', '--port', '8081', '--target-port', String(backendPort), '--type', 'NodePort']);
    const range = new RegExp(`^127\\.11\\.${index}\\.(\\d+)$`);
    for (const name of ['echo', 'web']) {
      const ip = (await ok(['get', 'svc', name, '-o', 'jsonpath={.spec.clusterIP}'])).trim();
      assert.match(ip, range, `${name}: ${ip}`);
    }
    assert.equal((await ok(['get', 'svc', 'kubernetes', '-o', 'jsonpath={.spec.clusterIP}'])).trim(), `127.11.${index}.1`);
    const table = await ok(['get', 'svc']);
    assert.match(table, /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE/m);
    assert.match(table, new RegExp(`^echo\\s+ClusterIP\\s+127\\.11\\.${index}\\.\\d+\\s+<none>\\s+80/TCP`, 'm'));
    assert.match(table, new RegExp(`^web\\s+NodePort\\s+127\\.11\\.${index}\\.\\d+\\s+<none>\\s+8081:3\\d{4}/TCP`, 'm'));
    const taken = (await ok(['get', 'svc', 'echo', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    const clash = await cluster.kubectl(['create', '-f', '-'], {
      input: `apiVersion: v1\nkind: Service\nmetadata: {name: clash}\nspec: {clusterIP: "${taken}", ports: [{port: 80}]}\n`,
    });
    assert.notEqual(clash.code, 0);
    assert.match(clash.stderr, /provided IP is already allocated/);
  });

  it('kubectl proxy reaches a service backend through services/proxy', async () => {
    await ok(['create', '-f', '-'], endpointSlice('echo', '80-8080'));
    const proxy = cluster.spawnKubectl(['proxy', '--port=0']);
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let out = '';
        proxy.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /Starting to serve on 127\.0\.0\.1:(\d+)/.exec(out);
          if (m !== null) resolve(Number(m[1]));
        });
        proxy.once('exit', (code) => reject(new Error(`kubectl proxy exited (${code}): ${out}`)));
      });
      const base = `http://127.0.0.1:${port}/api/v1/namespaces/default/services`;
      let res = await httpGet(`${base}/echo:80/proxy/hello?x=1`);
      await waitFor(async () => {
        res = await httpGet(`${base}/echo:80/proxy/hello?x=1`);
        return res.status !== 503;
      }, 'the service to have its endpoint');
      assert.equal(res.status, 200, res.body);
      assert.equal(res.body, 'backend saw GET /hello?x=1');
      const none = await httpGet(`${base}/web:8081/proxy/`);
      assert.equal(none.status, 503);
      assert.match(none.body, /no endpoints available for service \\"web\\"/);
    } finally {
      proxy.kill('SIGTERM');
    }
  });

  it('serves the ClusterIP and the NodePort through the in-process kube-proxy; deleting the service closes them', async () => {
    await ok(['create', '-f', '-'], endpointSlice('web', ''));
    const ip = (await ok(['get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    const nodePort = Number((await ok(['get', 'svc', 'web', '-o', 'jsonpath={.spec.ports[0].nodePort}'])).trim());
    let viaClusterIP = { status: 0, body: '' };
    await waitFor(async () => {
      viaClusterIP = await httpGet(`http://${ip}:8081/via-cluster-ip`).catch(() => ({ status: 0, body: '' }));
      return viaClusterIP.status === 200;
    }, 'the ClusterIP to answer', 30_000);
    assert.equal(viaClusterIP.body, 'backend saw GET /via-cluster-ip');
    const viaNodePort = await httpGet(`http://127.10.${index}.1:${nodePort}/via-node-port`);
    assert.equal(viaNodePort.body, 'backend saw GET /via-node-port');

    await ok(['delete', 'svc', 'web']);
    await waitFor(async () => (await httpGet(`http://${ip}:8081/`).then(() => false, () => true)), 'the ClusterIP listener to close', 30_000);
  });
});
