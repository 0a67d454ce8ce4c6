/**
 * A typical application's manifest, as `helm template` prints it, taken to a `k8ts up` cluster
 * unchanged with the real kubectl 1.32: a PriorityClass, a StorageClass, a Deployment using the
 * class, a Service, an Ingress, a HorizontalPodAutoscaler, a NetworkPolicy, a
 * PersistentVolumeClaim, a ResourceQuota (whose usage the controller computes) and a LimitRange.
 * Every kind is applied, listed with
 * kubectl's columns, explained, created by kubectl's generators (protobuf bodies), applied again
 * server-side, diffed clean and deleted; `kubectl autoscale` (autoscaling/v1) and a
 * ReplicationController with its scale subresource too. No command may print anything on stderr.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, startCliCluster, type CliCluster } from '../support/cli-cluster.ts';

const MANIFEST = `apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata:
  name: shop-high
value: 100000
description: Pods of the shop.
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: shop-local
provisioner: example.com/local-path
allowVolumeExpansion: true
volumeBindingMode: WaitForFirstConsumer
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: shop-data
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: shop-local
  resources:
    requests: {storage: 1Gi}
---
apiVersion: v1
kind: ResourceQuota
metadata:
  name: shop-quota
spec:
  hard:
    pods: "20"
    requests.cpu: "4"
    requests.memory: 8Gi
---
apiVersion: v1
kind: LimitRange
metadata:
  name: shop-limits
spec:
  limits:
  - type: Container
    default: {cpu: 500m, memory: 256Mi}
    defaultRequest: {cpu: 100m, memory: 64Mi}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
  labels: {app.kubernetes.io/name: shop}
spec:
  replicas: 1
  selector:
    matchLabels: {app.kubernetes.io/name: shop}
  template:
    metadata:
      labels: {app.kubernetes.io/name: shop}
    spec:
      priorityClassName: shop-high
      containers:
      - name: shop
        image: busybox:1.36
        command: [sleep, "3600"]
        ports:
        - {name: http, containerPort: 8080}
        resources:
          requests: {cpu: 100m, memory: 64Mi}
---
apiVersion: v1
kind: Service
metadata:
  name: shop
spec:
  selector: {app.kubernetes.io/name: shop}
  ports:
  - {name: http, port: 80, targetPort: http}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  annotations:
    nginx.ingress.kubernetes.io/rewrite-target: /
spec:
  ingressClassName: nginx
  tls:
  - hosts: [shop.example.com]
    secretName: shop-tls
  rules:
  - host: shop.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: shop
            port: {name: http}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: shop
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: shop
  minReplicas: 2
  maxReplicas: 5
  metrics:
  - type: Resource
    resource:
      name: cpu
      target: {type: Utilization, averageUtilization: 70}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: shop-allow-frontend
spec:
  podSelector:
    matchLabels: {app.kubernetes.io/name: shop}
  policyTypes: [Ingress]
  ingress:
  - from:
    - podSelector:
        matchLabels: {role: frontend}
    ports:
    - {protocol: TCP, port: 8080}
`;

/** The header of a `kubectl get` table, split into its column names. */
function header(table: string): string[] {
  return table.split('\n')[0]!.trim().split(/\s{2,}/);
}

/** The row of `name` in a `kubectl get` table, split into its cells (empty cells are lost). */
function row(table: string, name: string): string[] {
  const line = table.split('\n').find((l) => l.startsWith(`${name} `));
  assert.ok(line !== undefined, `no row ${name} in\n${table}`);
  return line.trim().split(/\s{2,}/);
}

void describe('kubectl with the manifests of a typical app', () => {
  let cluster: CliCluster;
  let dir: string;
  let file: string;

  before(async () => {
    cluster = await startCliCluster(`e2e-manifests-${process.pid}`);
    dir = mkdtempSync(join(tmpdir(), 'k8ts-manifests-'));
    file = join(dir, 'shop.yaml');
    writeFileSync(file, MANIFEST);
  });
  after(async () => {
    await cluster?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  async function ok(args: string[]): Promise<string> {
    const r = await cluster.kubectl(args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    assert.equal(r.stderr, '', `kubectl ${args.join(' ')} printed: ${r.stderr}`);
    return r.stdout;
  }

  it('apply -f creates every object of the manifest', async () => {
    const out = await ok(['apply', '-f', file]);
    for (const created of [
      'priorityclass.scheduling.k8s.io/shop-high',
      'storageclass.storage.k8s.io/shop-local',
      'persistentvolumeclaim/shop-data',
      'resourcequota/shop-quota',
      'limitrange/shop-limits',
      'deployment.apps/shop',
      'service/shop',
      'ingress.networking.k8s.io/shop',
      'horizontalpodautoscaler.autoscaling/shop',
      'networkpolicy.networking.k8s.io/shop-allow-frontend',
    ]) {
      assert.match(out, new RegExp(`^${created.replaceAll('.', '\\.')} created$`, 'm'));
    }
  });

  it('kubectl get shows each kind with its columns, by short name', async () => {
    const ing = await ok(['get', 'ing']);
    assert.deepEqual(header(ing), ['NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE']);
    assert.deepEqual(row(ing, 'shop').slice(0, 4), ['shop', 'nginx', 'shop.example.com', '80, 443']);

    const hpa = await ok(['get', 'hpa']);
    assert.deepEqual(header(hpa), ['NAME', 'REFERENCE', 'TARGETS', 'MINPODS', 'MAXPODS', 'REPLICAS', 'AGE']);
    assert.deepEqual(row(hpa, 'shop').slice(0, 6), ['shop', 'Deployment/shop', 'cpu: <unknown>/70%', '2', '5', '0']);

    const netpol = await ok(['get', 'netpol']);
    assert.deepEqual(header(netpol), ['NAME', 'POD-SELECTOR', 'AGE']);
    assert.deepEqual(row(netpol, 'shop-allow-frontend').slice(0, 2), ['shop-allow-frontend', 'app.kubernetes.io/name=shop']);

    const pvc = await ok(['get', 'pvc']);
    assert.deepEqual(header(pvc), ['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'AGE']);
    assert.deepEqual(row(pvc, 'shop-data').slice(0, 4), ['shop-data', 'Pending', 'shop-local', '<unset>']);

    const sc = await ok(['get', 'sc', 'shop-local']);
    assert.deepEqual(header(sc), ['NAME', 'PROVISIONER', 'RECLAIMPOLICY', 'VOLUMEBINDINGMODE', 'ALLOWVOLUMEEXPANSION', 'AGE']);
    assert.deepEqual(row(sc, 'shop-local').slice(0, 5), ['shop-local', 'example.com/local-path', 'Delete', 'WaitForFirstConsumer', 'true']);

    const pc = await ok(['get', 'pc']);
    assert.deepEqual(header(pc), ['NAME', 'VALUE', 'GLOBAL-DEFAULT', 'AGE']);
    assert.deepEqual(row(pc, 'shop-high').slice(0, 3), ['shop-high', '100000', 'false']);
    assert.deepEqual(row(pc, 'system-cluster-critical').slice(0, 3), ['system-cluster-critical', '2000000000', 'false']);
    assert.deepEqual(row(pc, 'system-node-critical').slice(0, 3), ['system-node-critical', '2000001000', 'false']);

    const quota = await ok(['get', 'quota']);
    assert.deepEqual(header(quota), ['NAME', 'AGE', 'REQUEST', 'LIMIT']);
    row(quota, 'shop-quota');

    const limits = await ok(['get', 'limits']);
    assert.deepEqual(header(limits), ['NAME', 'CREATED AT']);
    row(limits, 'shop-limits');
  });

  it('the Deployment pods get their priority from the PriorityClass', async () => {
    const spec = await eventually('a pod of the shop Deployment', async () => {
      const pods = JSON.parse(await ok(['get', 'pods', '-l', 'app.kubernetes.io/name=shop', '-o', 'json'])) as { items: { spec: Record<string, unknown> }[] };
      return pods.items[0]?.spec;
    }, 60_000);
    assert.equal(spec['priorityClassName'], 'shop-high');
    assert.equal(spec['priority'], 100000);
    assert.equal(spec['preemptionPolicy'], 'PreemptLowerPriority');
  });

  it('the quota counts the pods of the namespace and their requests', async () => {
    await eventually('the quota usage', async () => {
      const cells = row(await ok(['get', 'quota', 'shop-quota']), 'shop-quota');
      return cells[2] === 'pods: 1/20, requests.cpu: 100m/4, requests.memory: 64Mi/8Gi' ? true : undefined;
    }, 30_000);
  });

  it('a pod naming an unknown PriorityClass is refused with 403', async () => {
    const r = await cluster.kubectl(['run', 'stray', '--image=busybox:1.36', '--overrides={"spec":{"priorityClassName":"nope"}}']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /pods "stray" is forbidden: no PriorityClass with name nope was found/);
  });

  it('kubectl explain describes the new kinds', async () => {
    const out = await ok(['explain', 'ingress.spec.rules']);
    assert.match(out, /^KIND:\s+Ingress$/m);
    assert.match(out, /^GROUP:\s+networking\.k8s\.io$/m);
    assert.match(out, /^FIELD: rules <\[\]IngressRule>$/m);
    assert.match(out, /^\s+http\s+<HTTPIngressRuleValue>$/m);
    assert.match(await ok(['explain', 'hpa.spec.metrics.resource.target']), /averageUtilization\s+<integer>/);
  });

  it('kubectl create ingress, priorityclass and quota (protobuf bodies)', async () => {
    assert.equal((await ok(['create', 'ingress', 'web', '--rule=foo.com/bar=svc1:8080'])).trim(), 'ingress.networking.k8s.io/web created');
    const ingress = JSON.parse(await ok(['get', 'ingress', 'web', '-o', 'json'])) as { spec: unknown };
    assert.deepEqual(ingress.spec, {
      rules: [{ host: 'foo.com', http: { paths: [{ path: '/bar', pathType: 'Exact', backend: { service: { name: 'svc1', port: { number: 8080 } } } }] } }],
    });
    assert.deepEqual(row(await ok(['get', 'ingress', 'web']), 'web').slice(0, 4), ['web', '<none>', 'foo.com', '80']);

    assert.equal((await ok(['create', 'priorityclass', 'high', '--value=1000'])).trim(), 'priorityclass.scheduling.k8s.io/high created');
    assert.deepEqual(row(await ok(['get', 'pc', 'high']), 'high').slice(0, 3), ['high', '1000', 'false']);

    assert.equal((await ok(['create', 'quota', 'q', '--hard=pods=10'])).trim(), 'resourcequota/q created');
    const quota = JSON.parse(await ok(['get', 'quota', 'q', '-o', 'json'])) as { spec: unknown };
    assert.deepEqual(quota.spec, { hard: { pods: '10' } });
  });

  it('kubectl autoscale writes an autoscaling/v1 autoscaler, served as v2 too', async () => {
    assert.equal((await ok(['autoscale', 'deployment', 'shop', '--name=shop-v1', '--max=4', '--cpu-percent=60'])).trim(), 'horizontalpodautoscaler.autoscaling/shop-v1 autoscaled');
    assert.deepEqual(row(await ok(['get', 'hpa', 'shop-v1']), 'shop-v1').slice(0, 5), ['shop-v1', 'Deployment/shop', 'cpu: <unknown>/60%', '1', '4']);
    const v1 = JSON.parse(await ok(['get', 'horizontalpodautoscalers.v1.autoscaling', 'shop-v1', '-o', 'json'])) as { apiVersion: string; spec: Record<string, unknown> };
    assert.equal(v1.apiVersion, 'autoscaling/v1');
    assert.equal(v1.spec['targetCPUUtilizationPercentage'], 60);
    await ok(['delete', 'hpa', 'shop-v1']);
  });

  it('a ReplicationController gets its pods and scales through its scale subresource', async () => {
    const rc = `apiVersion: v1
kind: ReplicationController
metadata: {name: legacy}
spec:
  replicas: 1
  template:
    metadata:
      labels: {app: legacy}
    spec:
      containers:
      - {name: app, image: busybox:1.36, command: [sleep, "3600"]}
`;
    const created = await cluster.kubectl(['apply', '-f', '-'], { input: rc });
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stderr, '');
    assert.equal((await ok(['scale', 'rc', 'legacy', '--replicas=2'])).trim(), 'replicationcontroller/legacy scaled');
    await eventually('two pods of the replication controller', async () => {
      const cells = row(await ok(['get', 'rc', 'legacy']), 'legacy');
      return cells[1] === '2' && cells[2] === '2' ? true : undefined;
    }, 60_000);
    assert.deepEqual(header(await ok(['get', 'rc'])), ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']);
    await ok(['delete', 'rc', 'legacy']);
  });

  it('apply --server-side of the same manifest, then diff -f shows nothing', async () => {
    const out = await ok(['apply', '--server-side', '-f', file]);
    assert.match(out, /^ingress\.networking\.k8s\.io\/shop serverside-applied$/m);
    assert.match(out, /^horizontalpodautoscaler\.autoscaling\/shop serverside-applied$/m);
    const diff = await cluster.kubectl(['diff', '-f', file]);
    assert.equal(diff.stderr, '', diff.stderr);
    assert.equal(diff.code, 0, `diff found differences:\n${diff.stdout}`);
    assert.equal(diff.stdout, '');
  });

  it('delete -f removes every object', async () => {
    const out = await ok(['delete', '-f', file]);
    assert.match(out, /^ingress\.networking\.k8s\.io "shop" deleted$/m);
    assert.match(out, /^priorityclass\.scheduling\.k8s\.io "shop-high" deleted$/m);
    for (const kind of ['ing/shop', 'hpa/shop', 'netpol/shop-allow-frontend', 'pvc/shop-data', 'sc/shop-local', 'pc/shop-high', 'quota/shop-quota', 'limits/shop-limits']) {
      const r = await cluster.kubectl(['get', kind]);
      assert.notEqual(r.code, 0, `${kind} is still there`);
      assert.match(r.stderr, /NotFound|not found/);
    }
  });
});
