import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffPaths } from './diff-paths.ts';

void test('diffPaths names the innermost differing fields', () => {
  const a = { containers: [{ name: 'a', ports: [{ containerPort: 80 }] }], nodeSelector: { disk: 'ssd' } };
  const b = { containers: [{ name: 'a', ports: [{ containerPort: 81 }] }], nodeSelector: {} };
  assert.deepEqual(diffPaths(a, b, 'spec', 10), ['spec.containers[0].ports[0].containerPort', 'spec.nodeSelector.disk']);
  assert.deepEqual(diffPaths([1], [1, 2], 'spec.x', 10), ['spec.x']);
  assert.deepEqual(diffPaths({ a: 1, b: 2, c: 3 }, {}, '', 2), ['a', 'b', '...']);
});
