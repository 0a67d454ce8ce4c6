import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cacheWith, filterAll, makeNode, makePod } from '../testing.ts';
import { ERR_REASON_UNSCHEDULABLE, newNodeUnschedulable } from './node-unschedulable.ts';

test('NodeUnschedulable keeps pods off cordoned nodes unless they tolerate the unschedulable taint', () => {
  const cache = cacheWith([makeNode('open'), makeNode('cordoned', { unschedulable: true })]);
  assert.deepEqual(filterAll(newNodeUnschedulable, cache, makePod('p')), { open: '', cordoned: ERR_REASON_UNSCHEDULABLE });
  const tolerating = makePod('ds', { spec: { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] } });
  assert.deepEqual(filterAll(newNodeUnschedulable, cache, tolerating), { open: '', cordoned: '' });
  const wrongEffect = makePod('x', { spec: { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoExecute' }] } });
  assert.equal(filterAll(newNodeUnschedulable, cache, wrongEffect).cordoned, ERR_REASON_UNSCHEDULABLE);
});
