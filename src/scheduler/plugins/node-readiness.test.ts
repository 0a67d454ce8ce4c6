import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cacheWith, filterAll, makeNode, makePod } from '../testing.ts';
import { ERR_REASON_NOT_READY, newNodeReadiness } from './node-readiness.ts';

const nodes = [makeNode('ready'), makeNode('not-ready', { ready: 'False' }), makeNode('unknown', { ready: 'Unknown' }), makeNode('no-condition', { ready: 'none' })];

test('NodeReadiness fits only nodes whose Ready condition is True', () => {
  assert.deepEqual(filterAll(newNodeReadiness, cacheWith(nodes), makePod('p')), {
    ready: '',
    'not-ready': ERR_REASON_NOT_READY,
    unknown: ERR_REASON_NOT_READY,
    'no-condition': ERR_REASON_NOT_READY,
  });
});

test('NodeReadiness lets pods that tolerate the not-ready or unreachable NoSchedule taint through', () => {
  const notReady = makePod('a', { spec: { tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' }] } });
  assert.deepEqual(filterAll(newNodeReadiness, cacheWith(nodes), notReady), { ready: '', 'not-ready': '', unknown: ERR_REASON_NOT_READY, 'no-condition': ERR_REASON_NOT_READY });
  const unreachable = makePod('b', { spec: { tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' }] } });
  assert.deepEqual(filterAll(newNodeReadiness, cacheWith(nodes), unreachable), { ready: '', 'not-ready': ERR_REASON_NOT_READY, unknown: '', 'no-condition': '' });
  // The default NoExecute tolerations every pod gets (tolerationSeconds 300) do not count.
  const defaults = makePod('c', { spec: { tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }] } });
  assert.equal(filterAll(newNodeReadiness, cacheWith(nodes), defaults)['not-ready'], ERR_REASON_NOT_READY);
});
