import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ResourceType } from '../api/resource-type.ts';
import { Clientset } from './clientset.ts';
import { SharedInformerFactory } from './shared-informer-factory.ts';
import { FakeApi } from './testing/fake-api.ts';
import { waitFor } from './testing/wait-for.ts';

const configmaps: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  resource: 'configmaps',
  singular: 'configmap',
  listKind: 'ConfigMapList',
  namespaced: true,
  shortNames: [],
  categories: [],
};

describe('SharedInformerFactory', () => {
  it('shares one informer per type and scope, and syncs and stops them together', async () => {
    const api = new FakeApi([{ type: configmaps }]);
    const clientset = Clientset.fromOptions({ endpoints: [await api.start()] });
    api.put(configmaps, { metadata: { namespace: 'a', name: 'x' } });
    api.put(configmaps, { metadata: { namespace: 'b', name: 'y' } });
    const factory = new SharedInformerFactory(clientset);
    const all = factory.informerFor(configmaps);
    assert.equal(factory.informerFor(configmaps), all);
    const onlyA = factory.informerFor(configmaps, { namespace: 'a' });
    assert.notEqual(onlyA, all);
    const ac = new AbortController();
    try {
      factory.start(ac.signal);
      factory.start(ac.signal); // idempotent
      assert.equal(await factory.waitForCacheSync(ac.signal), true);
      assert.deepEqual(all.store.keys().sort(), ['a/x', 'b/y']);
      assert.deepEqual(onlyA.store.keys(), ['a/x']);
    } finally {
      ac.abort();
      await factory.stopped();
      clientset.close();
      await api.close();
    }
  });

  it('keeps only type and metadata of each object in a metadataOnly informer, listed and watched', async () => {
    const api = new FakeApi([{ type: configmaps }]);
    const clientset = Clientset.fromOptions({ endpoints: [await api.start()] });
    api.put(configmaps, { metadata: { namespace: 'a', name: 'x', labels: { k: 'v' }, managedFields: [{ manager: 'm' }] }, data: { big: 'x'.repeat(1000) } });
    const factory = new SharedInformerFactory(clientset);
    const trimmed = factory.informerFor(configmaps, { metadataOnly: true });
    assert.notEqual(trimmed, factory.informerFor(configmaps), 'a full and a trimmed cache are separate');
    const ac = new AbortController();
    try {
      factory.start(ac.signal);
      assert.equal(await factory.waitForCacheSync(ac.signal), true);
      const listed = trimmed.store.get('a/x');
      assert.deepEqual(Object.keys(listed ?? {}).sort(), ['apiVersion', 'kind', 'metadata']);
      assert.equal(listed?.metadata.labels?.k, 'v');
      assert.equal(listed?.metadata.managedFields, undefined);
      api.put(configmaps, { metadata: { namespace: 'a', name: 'y' }, data: { big: 'y' } });
      await waitFor(() => trimmed.store.get('a/y') !== undefined, 'the watched object');
      assert.equal(trimmed.store.get('a/y')?.data, undefined);
    } finally {
      ac.abort();
      await factory.stopped();
      clientset.close();
      await api.close();
    }
  });
});
