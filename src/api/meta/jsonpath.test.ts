import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateJsonPath, JsonPathError, parseJsonPath, simplePathFields } from './jsonpath.ts';

const obj = {
  metadata: { name: 'x', labels: { 'app.kubernetes.io/name': 'web' } },
  spec: { replicas: 3, containers: [{ name: 'a', image: 'i1' }, { name: 'b', image: 'i2' }] },
  status: {
    conditions: [
      { type: 'Ready', status: 'True' },
      { type: 'Synced', status: 'False' },
    ],
  },
};

function at(path: string): unknown[] {
  return evaluateJsonPath(parseJsonPath(path), obj);
}

describe('JSONPath', () => {
  it('follows fields, quoted keys and indexes', () => {
    assert.deepEqual(at('.spec.replicas'), [3]);
    assert.deepEqual(at(".metadata.labels['app.kubernetes.io/name']"), ['web']);
    assert.deepEqual(at('.spec.containers[1].image'), ['i2']);
    assert.deepEqual(at('.spec.containers[-1].name'), ['b']);
    assert.deepEqual(at('{.metadata.name}'), ['x']);
  });

  it('expands wildcards', () => {
    assert.deepEqual(at('.spec.containers[*].name'), ['a', 'b']);
    assert.deepEqual(at('.spec.containers.*.image'), ['i1', 'i2']);
  });

  it('filters list elements', () => {
    assert.deepEqual(at('.status.conditions[?(@.type=="Ready")].status'), ['True']);
    assert.deepEqual(at(".status.conditions[?(@.type != 'Ready')].type"), ['Synced']);
    assert.deepEqual(at('.spec.containers[?(@.image)].name'), ['a', 'b']);
  });

  it('yields nothing for paths that do not exist', () => {
    assert.deepEqual(at('.spec.missing.deeper'), []);
    assert.deepEqual(at('.spec.containers[5]'), []);
    assert.deepEqual(at('.spec.replicas.x'), []);
  });

  it('refuses what it does not support', () => {
    for (const bad of ['spec.replicas', '..spec', '.spec[0:2]', '.spec[', '.a[?(@.x==)]']) {
      assert.throws(() => parseJsonPath(bad), JsonPathError, bad);
    }
  });

  it('splits simple dotted paths', () => {
    assert.deepEqual(simplePathFields('.spec.replicas'), ['spec', 'replicas']);
    assert.equal(simplePathFields('spec.replicas'), undefined);
    assert.equal(simplePathFields('.spec.items[0]'), undefined);
    assert.equal(simplePathFields('.spec..x'), undefined);
  });
});
