/**
 * @kubernetes/client-node against a `k8ts up` cluster: typed CRUD (including the JSON-patch
 * and merge-patch content types it sends, and its ApiException on errors), and an informer that
 * keeps seeing adds, updates and deletes across a restart of the server (`k8ts down` + `up`).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { eventually, startCliCluster, type CliCluster } from '../support/cli-cluster.ts';

describe('@kubernetes/client-node against k8ts', () => {
  let cluster: CliCluster;
  let core: k8s.CoreV1Api;
  let kc: k8s.KubeConfig;

  before(async () => {
    cluster = await startCliCluster(`e2e-clientnode-${process.pid}`);
    kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);
    kc.setCurrentContext(`k8ts-${cluster.name}`);
    core = kc.makeApiClient(k8s.CoreV1Api);
  });
  after(async () => {
    await cluster?.stop();
  });

  it('does typed CRUD', async () => {
    const created = await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'js-cm', labels: { a: 'b' } }, data: { k: 'v' } },
    });
    assert.equal(created.metadata?.name, 'js-cm');
    assert.ok(created.metadata?.uid);
    const read = await core.readNamespacedConfigMap({ name: 'js-cm', namespace: 'default' });
    assert.equal(read.data?.['k'], 'v');
    // client-node's default patch type is application/json-patch+json.
    const patched = await core.patchNamespacedConfigMap({
      name: 'js-cm',
      namespace: 'default',
      body: [{ op: 'add', path: '/metadata/labels/z', value: 'w' }],
    });
    assert.equal(patched.metadata?.labels?.['z'], 'w');
    const merged = await core.patchNamespacedConfigMap(
      { name: 'js-cm', namespace: 'default', body: { data: { k: 'v2' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    assert.equal(merged.data?.['k'], 'v2');
    const list = await core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'a=b' });
    assert.deepEqual(list.items.map((i) => i.metadata?.name), ['js-cm']);
    await core.deleteNamespacedConfigMap({ name: 'js-cm', namespace: 'default' });
    await assert.rejects(core.readNamespacedConfigMap({ name: 'js-cm', namespace: 'default' }), (err: unknown) => {
      assert.ok(err instanceof k8s.ApiException);
      assert.equal(err.code, 404);
      const status = JSON.parse(err.body as string) as { reason: string; kind: string };
      assert.equal(status.kind, 'Status');
      assert.equal(status.reason, 'NotFound');
      return true;
    });
  });

  it('keeps an informer current across a server restart', async () => {
    const seen: string[] = [];
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/configmaps', () => core.listNamespacedConfigMap({ namespace: 'default' }));
    const record = (verb: string) => (obj: k8s.V1ConfigMap) => seen.push(`${verb} ${obj.metadata?.name} ${obj.data?.['v'] ?? ''}`);
    informer.on('add', record('add'));
    informer.on('update', record('update'));
    informer.on('delete', record('delete'));
    let stopped = false;
    // The documented client-node pattern: an informer stops on errors and is restarted by the app.
    informer.on('error', () => {
      if (!stopped) setTimeout(() => void informer.start().catch(() => {}), 300);
    });
    await informer.start();
    try {
      const has = (line: string) => async () => (seen.includes(line) ? true : undefined);
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'inf' }, data: { v: '1' } } });
      await eventually('add inf 1', has('add inf 1'));
      await core.replaceNamespacedConfigMap({ name: 'inf', namespace: 'default', body: { metadata: { name: 'inf' }, data: { v: '2' } } });
      await eventually('update inf 2', has('update inf 2'));

      const down = await cluster.k8ts(['down', '--name', cluster.name]);
      assert.equal(down.code, 0, down.stderr);
      const up = await cluster.k8ts(['up', '--name', cluster.name]);
      assert.equal(up.code, 0, up.stderr);

      await eventually('the restarted server to answer', async () => {
        try {
          await core.readNamespace({ name: 'default' });
          return true;
        } catch {
          return undefined;
        }
      });
      await core.replaceNamespacedConfigMap({ name: 'inf', namespace: 'default', body: { metadata: { name: 'inf' }, data: { v: '3' } } });
      await eventually('update inf 3 after restart', has('update inf 3'), 30_000);
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'inf-b' }, data: { v: '1' } } });
      await eventually('add inf-b after restart', has('add inf-b 1'), 30_000);
      await core.deleteNamespacedConfigMap({ name: 'inf', namespace: 'default' });
      await eventually('delete inf after restart', has('delete inf 3'), 30_000);
      // Every namespace also holds the cluster CA bundle, as in Kubernetes.
      assert.deepEqual(
        informer.list().map((o) => o.metadata?.name).sort(),
        ['inf-b', 'kube-root-ca.crt'],
      );
    } finally {
      stopped = true;
      await informer.stop();
    }
  });
});
