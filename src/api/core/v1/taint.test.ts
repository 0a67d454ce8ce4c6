import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findUntoleratedTaint, nodeTaints, podTolerations, toleratesTaint, type Taint, type Toleration } from './taint.ts';

const taint: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
const tol = (t: Partial<Toleration>): Toleration => ({ key: '', operator: '', value: '', effect: '', ...t });

test('toleratesTaint() matches key, value and effect with Equal', () => {
  assert.equal(toleratesTaint(tol({ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }), taint), true);
  assert.equal(toleratesTaint(tol({ key: 'dedicated', operator: 'Equal', value: 'gpu' }), taint), true);
  assert.equal(toleratesTaint(tol({ key: 'dedicated', value: 'cpu' }), taint), false);
  assert.equal(toleratesTaint(tol({ key: 'other', value: 'gpu' }), taint), false);
  assert.equal(toleratesTaint(tol({ key: 'dedicated', value: 'gpu', effect: 'NoExecute' }), taint), false);
});

test('toleratesTaint() with Exists ignores the value, and an empty key tolerates every key', () => {
  assert.equal(toleratesTaint(tol({ key: 'dedicated', operator: 'Exists' }), taint), true);
  assert.equal(toleratesTaint(tol({ operator: 'Exists' }), taint), true);
  assert.equal(toleratesTaint(tol({ operator: 'Exists', effect: 'NoExecute' }), taint), false);
  assert.equal(toleratesTaint(tol({ key: 'dedicated', operator: 'Bogus' }), taint), false);
});

test('findUntoleratedTaint() returns the first taint passing the filter that nothing tolerates', () => {
  const taints: Taint[] = [{ key: 'a', value: '', effect: 'PreferNoSchedule' }, taint, { key: 'b', value: '', effect: 'NoExecute' }];
  const hard = (t: Taint): boolean => t.effect !== 'PreferNoSchedule';
  assert.deepEqual(findUntoleratedTaint(taints, [], hard), taint);
  assert.deepEqual(findUntoleratedTaint(taints, [tol({ key: 'dedicated', operator: 'Exists' })], hard), taints[2]);
  assert.equal(findUntoleratedTaint(taints, [tol({ operator: 'Exists' })], hard), undefined);
});

test('nodeTaints() and podTolerations() read objects defensively', () => {
  assert.deepEqual(nodeTaints({ spec: { taints: [{ key: 'k', effect: 'NoSchedule' }, 'junk', { key: 'no-effect' }] } }), [{ key: 'k', value: '', effect: 'NoSchedule' }]);
  assert.deepEqual(nodeTaints({}), []);
  assert.deepEqual(podTolerations({ spec: { tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }] } }), [
    { key: 'k', operator: 'Exists', value: '', effect: 'NoExecute', tolerationSeconds: 5 },
  ]);
});
