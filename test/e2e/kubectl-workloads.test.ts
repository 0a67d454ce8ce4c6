/**
 * The controllers of a `k8ts up` cluster driven by the real kubectl 1.32: create a Deployment,
 * wait for its rollout, update, undo, pause, scale and delete it with each cascade, and see a
 * new namespace get its default ServiceAccount. The cluster's own node cp-1 is cordoned, and a
 * stand-in (test/support/test-kubelet.ts) runs the pods of node worker-1 by marking them Running
 * and Ready through the API, as a kubelet would, whatever their image.
 *
 * `kubectl create deployment` itself sends a protobuf body, which needs protobuf decoding in the
 * apiserver; the test runs the same generator client-side (`--dry-run=client -o yaml`) and
 * applies its output.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Clientset } from '../../src/client/index.ts';
import { cordonControlPlaneNode, eventually, startCliCluster, type CliCluster } from '../support/cli-cluster.ts';
import { startTestKubelet, type TestKubelet } from '../support/test-kubelet.ts';

describe('kubectl and the controllers of a k8ts cluster', () => {
  let cluster: CliCluster;
  let client: Clientset;
  let kubelet: TestKubelet;

  before(async () => {
    cluster = await startCliCluster(`e2e-workloads-${process.pid}`);
    await cordonControlPlaneNode(cluster);
    client = await Clientset.fromKubeconfig(cluster.kubeconfig, `k8ts-${cluster.name}`);
    kubelet = await startTestKubelet(client, { nodes: ['worker-1'] });
  });
  after(async () => {
    await kubelet?.stop();
    client?.close();
    await cluster?.stop();
  });

  async function ok(args: string[], input?: string): Promise<string> {
    const r = await cluster.kubectl(args, input === undefined ? { timeoutMs: 120_000 } : { input, timeoutMs: 120_000 });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r.stdout;
  }
  const images = async (): Promise<string[]> => (await ok(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={range .items[*]}{.spec.containers[0].image}{"\\n"}{end}'])).trim().split('\n').filter((s) => s !== '');

  it('creates a Deployment whose rollout finishes and which becomes Available', async () => {
    const manifest = await ok(['create', 'deployment', 'web', '--image=web:1', '--replicas=3', '--dry-run=client', '-o', 'yaml']);
    await ok(['apply', '-f', '-'], manifest);
    const status = await ok(['rollout', 'status', 'deployment/web', '--timeout=90s']);
    assert.match(status, /deployment "web" successfully rolled out/);
    await ok(['wait', '--for=condition=Available', 'deployment/web', '--timeout=60s']);
    assert.match(await ok(['get', 'deployment', 'web']), /^web\s+3\/3\s+3\s+3\s+/m);
    const rs = await ok(['get', 'rs', '-l', 'app=web', '-o', 'jsonpath={.items[0].metadata.name}']);
    assert.match(rs, /^web-[a-z0-9]+$/);
  });

  it('rolls out a new image, keeps the history, and undoes it', async () => {
    await ok(['set', 'image', 'deployment/web', 'web=web:2']);
    await ok(['rollout', 'status', 'deployment/web', '--timeout=90s']);
    assert.deepEqual(await images(), ['web:2', 'web:2', 'web:2']);
    const history = await ok(['rollout', 'history', 'deployment/web']);
    assert.match(history, /^1\s+<none>$/m);
    assert.match(history, /^2\s+<none>$/m);
    assert.match(await ok(['rollout', 'undo', 'deployment/web']), /rolled back/);
    await ok(['rollout', 'status', 'deployment/web', '--timeout=90s']);
    await eventually('the old image back on every pod', async () => ((await images()).every((i) => i === 'web:1') && (await images()).length === 3 ? true : undefined), 60_000);
    const after = await ok(['rollout', 'history', 'deployment/web']);
    assert.match(after, /^2\s+<none>$/m);
    assert.match(after, /^3\s+<none>$/m);
    assert.doesNotMatch(after, /^1\s+/m, 'revision 1 became revision 3');
    assert.match(await ok(['rollout', 'history', 'deployment/web', '--revision=3']), /Image:\s+web:1/);
  });

  it('pauses and resumes a rollout', async () => {
    await ok(['rollout', 'pause', 'deployment/web']);
    await ok(['set', 'image', 'deployment/web', 'web=web:3']);
    await eventually('the paused condition', async () => ((await ok(['get', 'deployment', 'web', '-o', 'jsonpath={.status.conditions[?(@.type=="Progressing")].reason}'])) === 'DeploymentPaused' ? true : undefined));
    assert.equal((await ok(['get', 'rs', '-l', 'app=web', '-o', 'name'])).trim().split('\n').length, 2, 'no new ReplicaSet while paused');
    await ok(['rollout', 'resume', 'deployment/web']);
    await ok(['rollout', 'status', 'deployment/web', '--timeout=90s']);
    await eventually('web:3 everywhere', async () => ((await images()).length === 3 && (await images()).every((i) => i === 'web:3') ? true : undefined), 60_000);
  });

  it('scales up and down', async () => {
    await ok(['scale', 'deployment/web', '--replicas=5']);
    await ok(['rollout', 'status', 'deployment/web', '--timeout=90s']);
    assert.match(await ok(['get', 'deployment', 'web']), /^web\s+5\/5\s+5\s+5\s+/m);
    await ok(['scale', 'deployment/web', '--replicas=2']);
    await ok(['rollout', 'status', 'deployment/web', '--timeout=90s']);
    await eventually('two pods', async () => ((await images()).length === 2 ? true : undefined), 60_000);
  });

  it('puts the pods behind a service into its Endpoints once they are ready', async () => {
    await ok(['expose', 'deployment', 'web', '--port=80', '--target-port=8080']);
    await eventually('two endpoints', async () => {
      const out = await ok(['get', 'endpoints', 'web', '-o', 'jsonpath={.subsets[0].addresses[*].ip}']);
      return out.trim().split(' ').length === 2 ? true : undefined;
    });
    assert.match(await ok(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web']), /IPv4\s+8080\s+127\.21\./);
  });

  it('deletes a Deployment with each cascade', async () => {
    // Background (kubectl's default): everything goes.
    await ok(['delete', 'deployment', 'web']);
    await eventually('its ReplicaSets and pods to go', async () => ((await ok(['get', 'rs,pods', '-l', 'app=web', '-o', 'name'])).trim() === '' ? true : undefined), 60_000);

    for (const name of ['fg', 'orphan']) {
      await ok(['apply', '-f', '-'], await ok(['create', 'deployment', name, '--image=x:1', '--replicas=2', '--dry-run=client', '-o', 'yaml']));
      await ok(['rollout', 'status', `deployment/${name}`, '--timeout=90s']);
    }
    // Foreground: kubectl waits until the dependents, then the Deployment, are gone.
    await ok(['delete', 'deployment', 'fg', '--cascade=foreground', '--timeout=60s']);
    assert.equal((await ok(['get', 'rs,pods', '-l', 'app=fg', '-o', 'name'])).trim(), '');
    // Orphan: the ReplicaSet and its pods stay, without an owner.
    await ok(['delete', 'deployment', 'orphan', '--cascade=orphan']);
    await eventually('the deployment to go', async () => ((await cluster.kubectl(['get', 'deployment', 'orphan'])).code !== 0 ? true : undefined));
    const owners = await ok(['get', 'rs', '-l', 'app=orphan', '-o', 'jsonpath={.items[0].metadata.ownerReferences}']);
    assert.equal(owners.trim(), '');
    assert.equal((await ok(['get', 'pods', '-l', 'app=orphan', '-o', 'name'])).trim().split('\n').length, 2);
  });

  it('gives a new namespace its default ServiceAccount', async () => {
    await ok(['apply', '-f', '-'], await ok(['create', 'namespace', 'team-a', '--dry-run=client', '-o', 'yaml']));
    await eventually('the default ServiceAccount', async () => (/^default\s+0\s+/m.test((await cluster.kubectl(['get', 'sa', '-n', 'team-a'])).stdout) ? true : undefined));
  });
});
