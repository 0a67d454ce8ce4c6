/**
 * Workloads on worker nodes, end to end with the real kubectl: `k8ts up --control-planes 3
 * --workers 2` (stacked etcd; every control plane runs a kubelet, tainted NoSchedule because
 * there are workers). A Deployment of 3 replicas runs `python3 -m http.server` on each pod's IP
 * behind a readiness probe, with a Service in front: requests to the ClusterIP reach all 3 pods;
 * logs, exec, rollout status, set image and rollout undo, and scale work. Then chaos: kill -9 of
 * a worker (its Node goes NotReady and its pods come back on the other worker), and kill -9 of
 * the apiserver process that holds the controller-manager lease (a standby takes over, and the
 * ReplicaSet gets no extra pods). A pod running kubectl acts as its service account, within
 * what RBAC grants that account.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { get as httpGet } from 'node:http';
import { eventually, podRows, startCliCluster, type CliCluster, type PodRow } from '../support/cli-cluster.ts';
import { statusOf } from '../support/ha-cluster.ts';
import { etcdUnavailableReason } from '../../src/cluster/etcd-testing.ts';

const MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: http
        image: python:3
        command: ["python3", "-m", "http.server", "--bind", "$(POD_IP)", "8080"]
        ports:
        - containerPort: 8080
        readinessProbe:
          httpGet: {path: /, port: 8080}
          periodSeconds: 1
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 8080
`;

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { agent: false, timeout: 5_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}

describe('workloads on worker nodes', { skip: etcdUnavailableReason() }, () => {
  let cluster: CliCluster;

  before(async () => {
    cluster = await startCliCluster(`e2e-workers-${process.pid}`, ['--control-planes', '3', '--workers', '2'], 240_000);
  });
  after(async () => cluster?.stop());

  async function ok(args: string[], input?: string): Promise<string> {
    const r = await cluster.kubectl(args, input === undefined ? { timeoutMs: 150_000 } : { input, timeoutMs: 150_000 });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r.stdout;
  }

  const pods = (): Promise<PodRow[]> => podRows(cluster, 'app=web');

  it('starts the workers, shows them in k8ts status, and keeps pods off the tainted control planes', async () => {
    assert.match(cluster.up.stderr, /\[5\/5\] workers: worker-1, worker-2 Ready/);
    const nodes = await ok(['get', 'nodes', '--no-headers']);
    for (const n of ['cp-1', 'cp-2', 'cp-3', 'worker-1', 'worker-2']) assert.match(nodes, new RegExp(`^${n}\\s+Ready\\s`, 'm'));
    const taints = await ok(['get', 'nodes', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.spec.taints[*].key}{"\\n"}{end}']);
    assert.match(taints, /^cp-1=node-role\.kubernetes\.io\/control-plane$/m);
    assert.match(taints, /^worker-1=$/m);
    const { status } = await statusOf(cluster);
    assert.deepEqual(
      status.nodes.filter((n) => n.role === 'worker').map((n) => [n.name, n.processes.join(',')]),
      [
        ['worker-1', 'worker-1.agent'],
        ['worker-2', 'worker-2.agent'],
      ],
    );
    const text = (await cluster.k8ts(['status', '--name', cluster.name])).stdout;
    assert.match(text, /^worker-2\s+worker\s+127\.10\.\d+\.102\s+yes\s+worker-2\.agent$/m);
  });

  it('runs a Deployment behind a Service: the ClusterIP reaches every pod', async () => {
    await ok(['apply', '-f', '-'], MANIFEST);
    assert.match(await ok(['rollout', 'status', 'deployment/web', '--timeout=120s']), /successfully rolled out/);
    const running = await pods();
    assert.equal(running.length, 3);
    for (const p of running) assert.match(p.node, /^worker-[12]$/, `${p.name} runs on ${p.node}, not on a worker`);
    const clusterIP = (await ok(['get', 'service', 'web', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    await eventually('the Service to have 3 ready endpoints', async () => ((await ok(['get', 'endpoints', 'web', '-o', 'jsonpath={.subsets[*].addresses[*].ip}'])).trim().split(' ').length === 3 ? true : undefined), 30_000);
    // Random spreading over 3 endpoints: 60 requests all miss one pod with probability ~1e-10.
    for (let i = 0; i < 60; i++) assert.equal(await httpStatus(`http://${clusterIP}/?via=service-${i}`), 200);
    for (const p of running) {
      const logs = await ok(['logs', p.name]);
      assert.match(logs, /"GET \/\?via=service-\d+ HTTP\/1\.1" 200/, `pod ${p.name} got no request through the Service`);
    }
  });

  it('serves logs and exec with the exit code, from pods on the workers', async () => {
    assert.match(await ok(['logs', 'deployment/web', '--tail=50']), /GET \//);
    const exec = await cluster.kubectl(['exec', 'deployment/web', '--', 'sh', '-c', 'echo "ip $POD_IP"; exit 3']);
    assert.equal(exec.code, 3, exec.stderr);
    assert.match(exec.stdout, /^ip 127\.\d+\.10[12]\.\d+$/m);
  });

  it('runs kubectl inside a pod as the pod\'s service account, with what RBAC grants it', async () => {
    for (const args of [
      ['create', 'serviceaccount', 'robot'],
      ['create', 'rolebinding', 'robot-views', '--clusterrole=view', '--serviceaccount=default:robot'],
      ['run', 'inside', '--restart=Never', '--image=x', '--overrides={"spec":{"serviceAccountName":"robot"}}', '--command', '--', 'sh', '-c', 'kubectl get deployment web -o name; kubectl auth whoami; kubectl get secrets 2>&1; true'],
    ]) {
      const r = await cluster.kubectl(args);
      assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    }
    const log = await eventually('the pod to finish', async () => {
      const phase = (await cluster.kubectl(['get', 'pod', 'inside', '-o', 'jsonpath={.status.phase}'])).stdout;
      return phase === 'Succeeded' ? (await cluster.kubectl(['logs', 'inside'])).stdout : undefined;
    }, 60_000);
    assert.match(log, /^deployment.apps\/web$/m);
    assert.match(log, /^Username\s+system:serviceaccount:default:robot$/m);
    assert.match(log, /secrets is forbidden: User "system:serviceaccount:default:robot" cannot list resource "secrets"/);
  });

  it('rolls out a new image, undoes it, and scales', async () => {
    const images = async (): Promise<string> => ok(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);
    await ok(['set', 'image', 'deployment/web', 'http=python:3.12']);
    await ok(['rollout', 'status', 'deployment/web', '--timeout=120s']);
    assert.equal(await images(), 'python:3.12');
    assert.match(await ok(['rollout', 'undo', 'deployment/web']), /rolled back/);
    await ok(['rollout', 'status', 'deployment/web', '--timeout=120s']);
    assert.equal(await images(), 'python:3');
    await ok(['scale', 'deployment/web', '--replicas=4']);
    await ok(['rollout', 'status', 'deployment/web', '--timeout=120s']);
    assert.match(await ok(['get', 'deployment', 'web', '--no-headers']), /^web\s+4\/4\s+4\s+4\s/);
    await ok(['scale', 'deployment/web', '--replicas=3']);
    await eventually('3 pods after scaling down', async () => ((await pods()).filter((p) => !p.terminating).length === 3 ? true : undefined), 60_000);
  });

  it('replaces the pods of a worker killed with SIGKILL on the other worker', async () => {
    const before = await pods();
    // Kill the worker with the most pods, so something must move.
    const victim = ['worker-1', 'worker-2'].sort((a, b) => before.filter((p) => p.node === b).length - before.filter((p) => p.node === a).length)[0]!;
    const survivor = victim === 'worker-1' ? 'worker-2' : 'worker-1';
    const kill = await cluster.k8ts(['node', 'kill', victim, '--name', cluster.name]);
    assert.equal(kill.code, 0, kill.stderr);
    await eventually(`${victim} to go NotReady`, async () => ((await ok(['get', 'node', victim, '--no-headers'])).split(/\s+/)[1] === 'NotReady' ? true : undefined), 60_000);
    const replaced = await eventually(
      `3 ready pods on ${survivor}`,
      async () => {
        const live = (await pods()).filter((p) => !p.terminating);
        return live.length === 3 && live.every((p) => p.node === survivor && p.ready) ? live : undefined;
      },
      150_000,
    );
    assert.equal(replaced.length, 3);
    await ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    const start = await cluster.k8ts(['node', 'start', victim, '--name', cluster.name], 120_000);
    assert.equal(start.code, 0, start.stderr);
  });

  it('hands the controller manager to a standby when its leader is killed, without extra ReplicaSet pods', async () => {
    const holder = async (): Promise<string> => (await ok(['get', 'lease', '-n', 'kube-system', 'kube-controller-manager', '-o', 'jsonpath={.spec.holderIdentity}'])).trim();
    const leader = await holder();
    const leaderNode = leader.split('_')[0]!;
    assert.match(leaderNode, /^cp-[123]$/);
    const { status } = await statusOf(cluster);
    const server = status.processes.find((p) => p.name === `${leaderNode}.server`);
    assert.ok(server?.running, `no running ${leaderNode}.server in k8ts status`);
    const podsBefore = new Set((await pods()).filter((p) => !p.terminating).map((p) => p.name));
    process.kill(server.pid, 'SIGKILL');
    const successor = await eventually('a standby controller manager to take the lease', async () => {
      const now = await holder().catch(() => '');
      return now !== '' && now !== leader ? now : undefined;
    }, 60_000);
    assert.notEqual(successor.split('_')[0], leaderNode);
    // The new leader lists everything and resyncs the ReplicaSet at once; watch the pods for a
    // while after the takeover: none may appear.
    for (let i = 0; i < 20; i++) {
      const now = (await pods()).filter((p) => !p.terminating).map((p) => p.name);
      assert.deepEqual(new Set(now), podsBefore, 'the ReplicaSet got pods it did not need');
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.match(await ok(['get', 'deployment', 'web', '--no-headers']), /^web\s+3\/3\s+3\s+3\s/);
    const start = await cluster.k8ts(['node', 'start', leaderNode, '--name', cluster.name], 120_000);
    assert.equal(start.code, 0, start.stderr);
  });

  it('adds a worker to the running cluster and removes it with its pods and its Node', async () => {
    const add = await cluster.k8ts(['node', 'add', '--role', 'worker', '--name', cluster.name], 120_000);
    assert.equal(add.code, 0, add.stderr);
    assert.match(add.stdout, /^Node "worker-3" \(127\.10\.\d+\.103\) joined cluster "[^"]+" as a worker\.$/m);
    await eventually('worker-3 Ready', async () => (/^worker-3\s+Ready\s/m.test(await ok(['get', 'nodes', '--no-headers'])) ? true : undefined), 60_000);
    const remove = await cluster.k8ts(['node', 'remove', 'worker-3', '--name', cluster.name], 120_000);
    assert.equal(remove.code, 0, remove.stderr);
    assert.doesNotMatch(await ok(['get', 'nodes', '--no-headers']), /^worker-3\s/m);
    const { status } = await statusOf(cluster);
    assert.deepEqual(status.nodes.filter((n) => n.role === 'worker').map((n) => n.name), ['worker-1', 'worker-2']);
  });
});
