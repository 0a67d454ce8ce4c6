import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { patchSchemaForKind } from './patch-schema.ts';
import { builtinSchemaRegistry } from './schemas/index.ts';
import { NO_PATCH_META, type PatchSchema } from '../patch/patch-schema.ts';

function kind(group: string, version: string, k: string): PatchSchema {
  const s = patchSchemaForKind(builtinSchemaRegistry, { group, version, kind: k });
  assert.ok(s);
  return s;
}

void describe('patch metadata from the OpenAPI schemas', () => {
  const pod = kind('', 'v1', 'Pod');
  const spec = pod.field('spec').schema;
  const container = spec.field('containers').schema.items();

  void it('reads merge strategies and keys from the property schemas', () => {
    assert.deepEqual(spec.field('containers').meta, { strategy: 'merge', retainKeys: false, mergeKey: 'name' });
    assert.deepEqual(spec.field('volumes').meta, { strategy: 'merge', retainKeys: true, mergeKey: 'name' });
    assert.deepEqual(container.field('ports').meta, { strategy: 'merge', retainKeys: false, mergeKey: 'containerPort' });
    assert.deepEqual(container.field('env').meta, { strategy: 'merge', retainKeys: false, mergeKey: 'name' });
    assert.deepEqual(pod.field('metadata').schema.field('finalizers').meta, { strategy: 'merge', retainKeys: false });
    assert.deepEqual(pod.field('status').schema.field('conditions').meta, { strategy: 'merge', retainKeys: false, mergeKey: 'type' });
    assert.deepEqual(kind('batch', 'v1', 'Job').field('status').schema.field('conditions').meta.mergeKey, 'type');
  });

  void it('reads retainKeys on an object field reached through allOf and $ref', () => {
    const strategy = kind('apps', 'v1', 'Deployment').field('spec').schema.field('strategy');
    assert.deepEqual(strategy.meta, { retainKeys: true });
    assert.deepEqual(strategy.schema.field('type').meta, NO_PATCH_META);
  });

  void it('has no metadata for atomic lists, map values and unknown fields', () => {
    assert.equal(spec.field('tolerations').meta, NO_PATCH_META);
    assert.equal(container.field('command').meta, NO_PATCH_META);
    const labels = pod.field('metadata').schema.field('labels').schema;
    assert.equal(labels.field('any-label').meta, NO_PATCH_META);
    assert.equal(spec.field('noSuchField').meta, NO_PATCH_META);
    assert.equal(spec.field('noSuchField').schema.field('x').schema.items().field('y').meta, NO_PATCH_META);
  });

  void it('is undefined for kinds without a schema', () => {
    assert.equal(patchSchemaForKind(builtinSchemaRegistry, { group: 'example.com', version: 'v1', kind: 'Widget' }), undefined);
  });
});
