import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cacheWith, filterAll, makeNode, makePod, scoreAll } from '../testing.ts';
import { newTaintToleration } from './taint-toleration.ts';

const nodes = [
  makeNode('plain'),
  makeNode('gpu', { taints: [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }] }),
  makeNode('draining', { taints: [{ key: 'drain', effect: 'NoExecute' }] }),
  makeNode('soft', { taints: [{ key: 'spot', effect: 'PreferNoSchedule' }] }),
];

test('TaintToleration keeps pods off untolerated NoSchedule and NoExecute taints, naming the taint', () => {
  assert.deepEqual(filterAll(newTaintToleration, cacheWith(nodes), makePod('p')), {
    plain: '',
    gpu: 'node(s) had untolerated taint {gpu: true}',
    draining: 'node(s) had untolerated taint {drain: }',
    soft: '',
  });
  const tolerant = makePod('t', { spec: { tolerations: [{ key: 'gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }, { key: 'drain', operator: 'Exists' }] } });
  assert.deepEqual(filterAll(newTaintToleration, cacheWith(nodes), tolerant), { plain: '', gpu: '', draining: '', soft: '' });
});

test('TaintToleration scores nodes with fewer untolerated PreferNoSchedule taints higher', () => {
  const cache = cacheWith([makeNode('plain'), makeNode('soft', { taints: [{ key: 'spot', effect: 'PreferNoSchedule' }] })]);
  assert.deepEqual(scoreAll(newTaintToleration, cache, makePod('p')), { plain: 100, soft: 0 });
  const tolerant = makePod('t', { spec: { tolerations: [{ key: 'spot', operator: 'Exists', effect: 'PreferNoSchedule' }] } });
  assert.deepEqual(scoreAll(newTaintToleration, cache, tolerant), { plain: 100, soft: 100 });
});
