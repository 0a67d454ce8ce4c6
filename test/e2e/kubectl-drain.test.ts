/**
 * `kubectl drain` within PodDisruptionBudgets, end to end: `k8ts up --workers 2` (the control
 * plane tainted NoSchedule), a Deployment of 3 on worker-1 and a budget of minAvailable 2.
 * Draining worker-1 evicts one pod at a time (the others get 429 and kubectl retries them)
 * until the replacements on worker-2 are ready, never leaving fewer than 2 ready pods; with
 * minAvailable 3 draining worker-2 cannot succeed and fails with the budget's message. Also
 * `kubectl create pdb` (a protobuf body), `get pdb` columns and `describe pdb`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, podRows, startCliCluster, type CliCluster, type PodRow } from '../support/cli-cluster.ts';

const DEPLOYMENT = `apiVersion: apps/v1
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
      terminationGracePeriodSeconds: 2
      containers:
      - name: app
        image: busybox
        command: ["sleep", "3600"]
`;

const budget = (minAvailable: number): string => `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: ${minAvailable}
  selector:
    matchLabels: {app: web}
`;

describe('kubectl drain with PodDisruptionBudgets', () => {
  let cluster: CliCluster;

  before(async () => {
    cluster = await startCliCluster(`e2e-drain-${process.pid}`, ['--workers', '2'], 240_000);
  });
  after(async () => cluster?.stop());

  async function ok(args: string[], input?: string): Promise<string> {
    const r = await cluster.kubectl(args, input === undefined ? { timeoutMs: 150_000 } : { input, timeoutMs: 150_000 });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r.stdout;
  }

  const pods = (): Promise<PodRow[]> => podRows(cluster, 'app=web');
  const serving = (rows: readonly PodRow[]): PodRow[] => rows.filter((p) => p.ready && !p.terminating);

  /** The budget's status fields, once the controller has seen its current generation. */
  async function budgetStatus(): Promise<{ allowed: number; desired: number } | undefined> {
    const pdb = JSON.parse(await ok(['get', 'pdb', 'web', '-o', 'json'])) as { metadata: { generation: number }; status?: { observedGeneration?: number; disruptionsAllowed?: number; desiredHealthy?: number } };
    if ((pdb.status?.observedGeneration ?? 0) < pdb.metadata.generation) return undefined;
    return { allowed: pdb.status?.disruptionsAllowed ?? 0, desired: pdb.status?.desiredHealthy ?? 0 };
  }

  it('runs 3 pods on worker-1 behind a budget of minAvailable 2, shown by get and describe', async () => {
    await ok(['cordon', 'worker-2']);
    await ok(['apply', '-f', '-'], DEPLOYMENT);
    await ok(['rollout', 'status', 'deployment/web', '--timeout=120s']);
    assert.deepEqual((await pods()).map((p) => p.node), ['worker-1', 'worker-1', 'worker-1']);
    await ok(['uncordon', 'worker-2']);

    assert.match(await ok(['apply', '-f', '-'], budget(2)), /poddisruptionbudget\.policy\/web created/);
    await eventually('the budget to allow one disruption', async () => ((await budgetStatus())?.allowed === 1 ? true : undefined), 30_000);
    const table = await ok(['get', 'pdb']);
    assert.match(table, /^NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE$/m);
    assert.match(table, /^web\s+2\s+N\/A\s+1\s+\d+s$/m);
    const described = await ok(['describe', 'pdb', 'web']);
    assert.match(described, /^Min available:\s+2$/m);
    assert.match(described, /^Selector:\s+app=web$/m);
    assert.match(described, /^\s+Allowed disruptions:\s+1\n\s+Current:\s+3\n\s+Desired:\s+2\n\s+Total:\s+3$/m);
  });

  it('creates a budget with kubectl create pdb (protobuf) and refuses both bounds', async () => {
    assert.match(await ok(['create', 'pdb', 'other', '--selector=app=other', '--max-unavailable=25%']), /poddisruptionbudget\.policy\/other created/);
    assert.match(await ok(['get', 'pdb', 'other', '--no-headers']), /^other\s+N\/A\s+25%\s+0\s/);
    const both = await cluster.kubectl(['create', 'pdb', 'bad', '--selector=app=other', '--min-available=1', '--max-unavailable=1']);
    assert.notEqual(both.code, 0);
    await ok(['delete', 'pdb', 'other']);
  });

  it('drains worker-1 one eviction at a time, never below 2 ready pods', async () => {
    let fewest = Infinity;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        fewest = Math.min(fewest, serving(await pods()).length);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    const drain = await cluster.kubectl(['drain', 'worker-1', '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=120s'], { timeoutMs: 150_000 });
    watching = false;
    await watcher;
    assert.equal(drain.code, 0, `kubectl drain failed: ${drain.stderr}`);
    assert.match(drain.stdout, /node\/worker-1 drained/);
    // Three pods, one disruption allowed: at least one eviction had to wait for a replacement.
    assert.match(drain.stderr, /Cannot evict pod as it would violate the pod's disruption budget/);
    assert.ok(fewest >= 2, `only ${fewest} ready pods at one point of the drain`);
    await eventually('3 ready pods on worker-2', async () => {
      const rows = serving(await pods());
      return rows.length === 3 && rows.every((p) => p.node === 'worker-2') ? true : undefined;
    }, 60_000);
  });

  it('cannot drain worker-2 under minAvailable 3, and says why', async () => {
    await ok(['uncordon', 'worker-1']);
    await ok(['apply', '-f', '-'], budget(3));
    await eventually('the budget to need 3 pods', async () => {
      const s = await budgetStatus();
      return s?.desired === 3 && s.allowed === 0 ? true : undefined;
    }, 30_000);
    const drain = await cluster.kubectl(['drain', 'worker-2', '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=10s'], { timeoutMs: 60_000 });
    assert.notEqual(drain.code, 0, drain.stdout);
    assert.match(drain.stderr, /Cannot evict pod as it would violate the pod's disruption budget/);
    assert.equal(serving(await pods()).length, 3, 'no pod was evicted');
    await ok(['uncordon', 'worker-2']);
  });
});
