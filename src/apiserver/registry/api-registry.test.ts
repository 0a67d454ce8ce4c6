import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ResourceType } from '../../api/resource-type.ts';
import { MemoryStorage } from '../../storage/memory/memory-storage.ts';
import { ApiError } from '../errors.ts';
import { ApiRegistry } from './api-registry.ts';
import { defineStrategy } from './define-strategy.ts';
import { parseListOptions } from './list-options.ts';
import { namespaceStrategy } from './resources/namespaces.ts';

function widgets(version: string): ResourceType {
  return { group: 'example.com', version, kind: 'Widget', resource: 'widgets', singular: 'widget', listKind: 'WidgetList', namespaced: false, shortNames: [], categories: [] };
}

/** A plain DELETE's options. */
const deleteOptions = (dryRun: boolean) => ({ dryRun, gracePeriodSeconds: undefined, preconditions: undefined });

describe('ApiRegistry at run time', () => {
  it('adds, replaces and removes resources; versions of one resource share a watch cache', async () => {
    const storage = new MemoryStorage();
    const registry = new ApiRegistry(storage, () => {});
    await registry.add(namespaceStrategy);
    const a = await registry.add(defineStrategy({ type: widgets('v1beta1'), storageVersion: 'v1' }));
    const b = await registry.add(defineStrategy({ type: widgets('v1') }));
    assert.equal(a.store.cache, b.store.cache);
    assert.deepEqual(registry.groupVersions().get('example.com'), ['v1', 'v1beta1']);

    const generation = registry.generation;
    const replaced = await registry.add(defineStrategy({ type: widgets('v1'), hasStatus: true }), [], { warning: 'w' });
    assert.ok(registry.generation > generation);
    assert.equal(registry.lookup('example.com', 'v1', 'widgets'), replaced);
    assert.equal(replaced.store.cache, a.store.cache, 'a replacement keeps the watch cache');
    assert.deepEqual(replaced.subresources.map((s) => s.name), ['status']);
    assert.equal(replaced.warning, 'w');

    await registry.remove(widgets('v1beta1'));
    assert.equal(registry.lookup('example.com', 'v1beta1', 'widgets'), undefined);
    assert.deepEqual(registry.groupVersions().get('example.com'), ['v1']);
    await registry.remove(widgets('v1'));
    assert.equal(registry.groupVersions().get('example.com'), undefined);
    await registry.stop();
    await storage.close();
  });

  it('presents objects stored in another version with the version asked for', async () => {
    const storage = new MemoryStorage();
    const registry = new ApiRegistry(storage, () => {});
    await registry.add(namespaceStrategy);
    const beta = (await registry.add(defineStrategy({ type: widgets('v1beta1'), storageVersion: 'v1' }))).store;
    const ga = (await registry.add(defineStrategy({ type: widgets('v1') }))).store;
    const created = await beta.create('', { metadata: { name: 'w' } }, { dryRun: false });
    assert.equal(created.apiVersion, 'example.com/v1beta1');
    const raw = await storage.get('/registry/example.com/widgets/w');
    assert.equal(JSON.parse(new TextDecoder().decode(raw.kv!.value)).apiVersion, 'example.com/v1');
    assert.equal((await beta.get('', 'w')).apiVersion, 'example.com/v1beta1');
    assert.equal((await ga.get('', 'w')).apiVersion, 'example.com/v1');
    const list = await beta.list('', parseListOptions(new URLSearchParams()));
    assert.deepEqual(list.items.map((i) => i.apiVersion), ['example.com/v1beta1']);
    // The watch cache follows storage asynchronously: wait (bounded) until it has the object.
    for (let i = 0; i < 500 && ga.cache.list('/registry/example.com/widgets/').length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const cached = await beta.list('', parseListOptions(new URLSearchParams('resourceVersion=0')));
    assert.deepEqual(cached.items.map((i) => i.apiVersion), ['example.com/v1beta1']);
    assert.equal(ga.cache.list('/registry/example.com/widgets/')[0]?.apiVersion, 'example.com/v1', 'the shared cached object is left as stored');
    await registry.stop();
    await storage.close();
  });

  it('getShared answers from storage, reusing the cached object only when it is that revision', async () => {
    const storage = new MemoryStorage();
    const registry = new ApiRegistry(storage, () => {});
    await registry.add(namespaceStrategy);
    const beta = (await registry.add(defineStrategy({ type: widgets('v1beta1'), storageVersion: 'v1' }))).store;
    const created = await beta.create('', { metadata: { name: 'w' } }, { dryRun: false });
    for (let i = 0; i < 500 && beta.cache.get('/registry/example.com/widgets/w') === undefined; i++) await new Promise((r) => setTimeout(r, 10));
    const cached = beta.cache.get('/registry/example.com/widgets/w')!;
    const first = await beta.getShared('', 'w');
    assert.equal(first, await beta.getShared('', 'w'), 'one object for every reader of that revision');
    assert.equal(first, beta.present(cached));
    assert.equal(first.apiVersion, 'example.com/v1beta1');
    assert.equal(first.metadata.resourceVersion, created.metadata.resourceVersion);
    assert.equal(cached.apiVersion, 'example.com/v1', 'the cached object is left as stored');

    // A cache that has not seen the latest write: the answer is still the stored state.
    await beta.cache.stop();
    const updated = await beta.update('', 'w', { ...created, metadata: { ...created.metadata, labels: { a: 'b' } } }, 'main', { dryRun: false });
    const after = await beta.getShared('', 'w');
    assert.equal(after.metadata.resourceVersion, updated.metadata.resourceVersion);
    assert.deepEqual(after.metadata.labels, { a: 'b' });
    assert.equal(beta.cache.get('/registry/example.com/widgets/w'), cached);
    await registry.stop();
    await storage.close();
  });

  it('serves the verbs a strategy allows: namespaces have no deletecollection', async () => {
    const storage = new MemoryStorage();
    const registry = new ApiRegistry(storage, () => {});
    const namespaces = await registry.add(namespaceStrategy);
    const widgetsServed = await registry.add(defineStrategy({ type: widgets('v1') }));
    assert.deepEqual(namespaces.verbs, ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']);
    assert.deepEqual(widgetsServed.verbs, ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
    await registry.stop();
    await storage.close();
  });

  it('never deletes default, kube-system or kube-public, not even in a dry run (403); other namespaces go', async () => {
    const storage = new MemoryStorage();
    const registry = new ApiRegistry(storage, () => {});
    const store = (await registry.add(namespaceStrategy)).store;
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'team']) await store.create('', { metadata: { name } }, { dryRun: false });
    for (const name of ['default', 'kube-system', 'kube-public']) {
      for (const dryRun of [false, true]) {
        await assert.rejects(
          store.delete('', name, deleteOptions(dryRun)),
          (err: unknown) => err instanceof ApiError && err.code === 403 && err.reason === 'Forbidden' && err.message === `namespaces "${name}" is forbidden: this namespace may not be deleted`,
          `${name}, dryRun ${dryRun}`,
        );
      }
      assert.equal((await store.get('', name)).metadata.deletionTimestamp, undefined);
    }
    for (const name of ['kube-node-lease', 'team']) {
      const result = await store.delete('', name, deleteOptions(false));
      assert.ok(result.object.metadata.deletionTimestamp !== undefined, `${name} starts terminating`);
    }
    await assert.rejects(store.delete('', 'missing', deleteOptions(false)), (err: unknown) => err instanceof ApiError && err.code === 404);
    await registry.stop();
    await storage.close();
  });
});
