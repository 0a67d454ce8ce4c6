/**
 * The scheduler end to end: a `k8ts up` cluster (whose server runs the scheduler in-process; its
 * own node cp-1 cordoned), Node objects applied with kubectl (no kubelet needed: binding is the
 * scheduler's part), and
 * pods with node selectors, taints and tolerations, and resource requests. kubectl shows where
 * they landed (`get pods -o wide`), and why one could not (`describe pod`, `get events`). A
 * second scheduler runs as its own process (`k8ts scheduler`) for pods that name it.
 *
 * While the test runs it renews a Lease per node in kube-node-lease, as kubelets do, so the
 * nodes stay Ready for a node lifecycle controller.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { cordonControlPlaneNode, eventually, startCliCluster, type CliCluster } from '../support/cli-cluster.ts';

const K8TS = resolve(import.meta.dirname, '..', '..', 'bin', 'k8ts.js');

function node(name: string, cpu: string, extra: { labels?: Record<string, string>; taints?: string } = {}): string {
  const labels = { 'kubernetes.io/hostname': name, ...extra.labels };
  return `apiVersion: v1
kind: Node
metadata:
  name: ${name}
  labels: ${JSON.stringify(labels)}
${extra.taints === undefined ? '' : `spec:\n  taints: ${extra.taints}\n`}status:
  capacity: {cpu: "${cpu}", memory: 8Gi, pods: "110"}
  allocatable: {cpu: "${cpu}", memory: 8Gi, pods: "110"}
  conditions:
  - {type: Ready, status: "True", reason: KubeletReady, message: kubelet is posting ready status}
`;
}

function pod(name: string, spec: string, schedulerName?: string): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
${schedulerName === undefined ? '' : `  schedulerName: ${schedulerName}\n`}  containers:
  - name: main
    image: busybox
    command: ["sleep", "3600"]
${spec}`;
}

const NODES = [
  node('worker-ssd', '2', { labels: { disk: 'ssd' } }),
  node('worker-gpu', '8', { labels: { gpu: 'true' }, taints: '[{key: gpu, value: "true", effect: NoSchedule}]' }),
  node('worker-big', '16'),
].join('---\n');

const PODS = [
  pod('on-ssd', '  nodeSelector: {disk: ssd}\n'),
  pod('on-gpu', '  nodeSelector: {gpu: "true"}\n  tolerations: [{key: gpu, operator: Equal, value: "true", effect: NoSchedule}]\n'),
  pod('needs-cpu', '    resources: {requests: {cpu: "10"}}\n'),
].join('---\n');

describe('scheduler end to end with kubectl', () => {
  let cluster: CliCluster;
  let heartbeat: NodeJS.Timeout | undefined;
  const nodeNames = new Set(['worker-ssd', 'worker-gpu', 'worker-big']);

  before(async () => {
    cluster = await startCliCluster(`e2e-sched-${process.pid}`);
    await cordonControlPlaneNode(cluster);
    const beat = async (): Promise<void> => {
      const now = new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
      const leases = [...nodeNames]
        .map((n) => `apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata: {name: ${n}, namespace: kube-node-lease}\nspec: {holderIdentity: ${n}, leaseDurationSeconds: 40, renewTime: "${now}"}\n`)
        .join('---\n');
      await cluster.kubectl(['apply', '-f', '-'], { input: leases });
    };
    await beat();
    heartbeat = setInterval(() => void beat(), 3000);
  });
  after(async () => {
    clearInterval(heartbeat);
    await cluster?.stop();
  });

  async function ok(args: string[], input?: string): Promise<string> {
    const r = await cluster.kubectl(args, input === undefined ? {} : { input });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  }

  /** NODE column of `kubectl get pods -o wide`, by pod name. */
  async function podNodes(): Promise<Record<string, string>> {
    const out = await ok(['get', 'pods', '-o', 'wide']);
    const [header, ...rows] = out.trim().split('\n');
    const at = header!.indexOf('NODE ');
    assert.ok(at > 0, `no NODE column in:\n${out}`);
    return Object.fromEntries(rows.map((r) => [r.split(/\s+/)[0]!, r.slice(at).split(/\s+/)[0]!]));
  }

  it('places pods by node selector, tolerations and resource requests; kubectl get pods -o wide shows the NODE', async () => {
    await ok(['apply', '-f', '-'], NODES);
    await ok(['apply', '-f', '-'], PODS);
    const placed = await eventually('all three pods to be bound', async () => {
      const nodes = await podNodes();
      return ['on-ssd', 'on-gpu', 'needs-cpu'].every((p) => nodes[p] !== undefined && nodes[p] !== '<none>') ? nodes : undefined;
    });
    assert.equal(placed['on-ssd'], 'worker-ssd');
    assert.equal(placed['on-gpu'], 'worker-gpu');
    assert.equal(placed['needs-cpu'], 'worker-big');
    await ok(['wait', '--for=condition=PodScheduled', 'pod/on-ssd', '--timeout=30s']);
    const events = await ok(['get', 'events', '--field-selector', 'involvedObject.name=on-gpu']);
    assert.match(events, /Scheduled\s+pod\/on-gpu\s+Successfully assigned default\/on-gpu to worker-gpu/);
  });

  it('explains an unfittable pod in kubectl describe and get events, and binds it when a node fits', async () => {
    await ok(['apply', '-f', '-'], pod('too-big', '    resources: {requests: {cpu: "20"}}\n'));
    const describe = await eventually('the FailedScheduling event in kubectl describe', async () => {
      const out = await ok(['describe', 'pod', 'too-big']);
      return /FailedScheduling/.test(out) ? out : undefined;
    });
    assert.match(describe, /Warning\s+FailedScheduling\s+\S+\s+default-scheduler\s+0\/4 nodes are available: /);
    // Reasons sorted as upstream sorts them; cp-1 is the cordoned node.
    assert.match(describe, /0\/4 nodes are available: 1 node\(s\) had untolerated taint \{gpu: true\}, 1 node\(s\) were unschedulable, 2 Insufficient cpu\./);
    assert.match(describe, /PodScheduled\s+False/);
    const reason = await ok(['get', 'pod', 'too-big', '-o', 'jsonpath={.status.conditions[?(@.type=="PodScheduled")].reason}']);
    assert.equal(reason, 'Unschedulable');
    const events = await ok(['get', 'events', '--field-selector', 'reason=FailedScheduling']);
    assert.match(events, /Warning\s+FailedScheduling\s+pod\/too-big\s+0\/4 nodes are available/);

    nodeNames.add('worker-huge');
    await ok(['apply', '-f', '-'], node('worker-huge', '64'));
    const boundTo = await eventually('too-big to be bound', async () => {
      const n = await ok(['get', 'pod', 'too-big', '-o', 'jsonpath={.spec.nodeName}']);
      return n === '' ? undefined : n;
    });
    assert.equal(boundTo, 'worker-huge');
  });

  it('runs a second scheduler as its own process (`k8ts scheduler`) for the pods that name it', async () => {
    const kubeconfig = (await cluster.k8ts(['kubeconfig', '--name', cluster.name])).stdout.trim();
    let output = '';
    const child: ChildProcess = spawn(process.execPath, [K8TS, 'scheduler', '--kubeconfig', kubeconfig, '--scheduler-name', 'second-scheduler', '--leader-elect=false'], {
      env: cluster.env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    try {
      await ok(['apply', '-f', '-'], pod('by-second', '  nodeSelector: {disk: ssd}\n', 'second-scheduler'));
      const boundTo = await eventually(
        'by-second to be bound by the second scheduler',
        async () => {
          const n = await ok(['get', 'pod', 'by-second', '-o', 'jsonpath={.spec.nodeName}']);
          return n === '' ? undefined : n;
        },
        60_000,
      );
      assert.equal(boundTo, 'worker-ssd');
      const events = await ok(['get', 'events', '--field-selector', 'involvedObject.name=by-second,reason=Scheduled', '-o', 'jsonpath={.items[*].source.component}']);
      assert.equal(events, 'second-scheduler');
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    assert.equal(child.exitCode, 0, output);
    assert.match(output, /stopped/);
  });
});
