import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/meta/types.ts';
import { NAMESPACE_INDEX, Store, objectKey, splitKey } from './store.ts';

function obj(namespace: string | undefined, name: string, labels: Record<string, string> = {}): KubeObject {
  return { metadata: { name, labels, ...(namespace === undefined ? {} : { namespace }) } };
}

const byApp = (o: KubeObject): string[] => (o.metadata.labels?.app === undefined ? [] : [o.metadata.labels.app]);

describe('Store', () => {
  it('objectKey() and splitKey() round-trip namespaced and cluster-scoped keys', () => {
    assert.equal(objectKey(obj('ns', 'a')), 'ns/a');
    assert.equal(objectKey(obj(undefined, 'node-1')), 'node-1');
    assert.deepEqual(splitKey('ns/a'), { namespace: 'ns', name: 'a' });
    assert.deepEqual(splitKey('node-1'), { name: 'node-1' });
  });

  it('keeps the namespace index and custom indexes in step with upserts and removals', () => {
    const store = new Store<KubeObject>({ byApp });
    store.upsert(obj('a', 'x', { app: 'web' }));
    store.upsert(obj('a', 'y', { app: 'db' }));
    store.upsert(obj('b', 'x', { app: 'web' }));
    assert.deepEqual(store.byIndex(NAMESPACE_INDEX, 'a').map(objectKey).sort(), ['a/x', 'a/y']);
    assert.deepEqual(store.byIndex('byApp', 'web').map(objectKey).sort(), ['a/x', 'b/x']);

    const old = store.upsert(obj('a', 'x', { app: 'db' }));
    assert.equal(old?.metadata.labels?.app, 'web');
    assert.deepEqual(store.byIndex('byApp', 'web').map(objectKey), ['b/x']);
    assert.deepEqual(store.byIndex('byApp', 'db').map(objectKey).sort(), ['a/x', 'a/y']);

    assert.equal(store.remove('b/x')?.metadata.name, 'x');
    assert.deepEqual(store.byIndex('byApp', 'web'), []);
    assert.equal(store.remove('b/x'), undefined);
    assert.equal(store.size, 2);
  });

  it('addIndexers() indexes objects already stored and refuses duplicates', () => {
    const store = new Store<KubeObject>();
    store.upsert(obj('a', 'x', { app: 'web' }));
    store.addIndexers({ byApp });
    assert.deepEqual(store.byIndex('byApp', 'web').map(objectKey), ['a/x']);
    assert.throws(() => store.addIndexers({ byApp }), /already exists/);
    assert.throws(() => store.byIndex('nope', 'x'), /no such indexer/);
  });
});
