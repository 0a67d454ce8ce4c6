import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cacheWith, filterAll, makeNode, makePod, scoreAll } from '../testing.ts';
import { ERR_REASON_NODE_AFFINITY, newNodeAffinity } from './node-affinity.ts';

const nodes = [
  makeNode('a', { labels: { disk: 'ssd', zone: 'z1', gen: '3' } }),
  makeNode('b', { labels: { disk: 'hdd', zone: 'z2', gen: '5' } }),
  makeNode('c', { labels: { zone: 'z1' } }),
];
const required = (...terms: unknown[]) => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } });
const NO = ERR_REASON_NODE_AFFINITY;

test('NodeAffinity: spec.nodeSelector requires every label', () => {
  const pod = makePod('p', { spec: { nodeSelector: { disk: 'ssd', zone: 'z1' } } });
  assert.deepEqual(filterAll(newNodeAffinity, cacheWith(nodes), pod), { a: '', b: NO, c: NO });
});

test('NodeAffinity: required terms are ORed, expressions within a term ANDed', () => {
  const pod = makePod('p', {
    spec: required(
      { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }, { key: 'zone', operator: 'NotIn', values: ['z1'] }] },
      { matchExpressions: [{ key: 'disk', operator: 'DoesNotExist' }] },
    ),
  });
  assert.deepEqual(filterAll(newNodeAffinity, cacheWith(nodes), pod), { a: NO, b: NO, c: '' });
});

test('NodeAffinity: Exists, Gt and Lt', () => {
  const cache = cacheWith(nodes);
  assert.deepEqual(filterAll(newNodeAffinity, cache, makePod('p', { spec: required({ matchExpressions: [{ key: 'disk', operator: 'Exists' }] }) })), { a: '', b: '', c: NO });
  assert.deepEqual(filterAll(newNodeAffinity, cache, makePod('q', { spec: required({ matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['4'] }] }) })), { a: NO, b: '', c: NO });
  assert.deepEqual(filterAll(newNodeAffinity, cache, makePod('r', { spec: required({ matchExpressions: [{ key: 'gen', operator: 'Lt', values: ['4'] }] }) })), { a: '', b: NO, c: NO });
});

test('NodeAffinity: matchFields on metadata.name narrows the nodes in PreFilter', () => {
  const plugin = newNodeAffinity();
  const pod = makePod('p', { spec: required({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['b'] }] }) });
  assert.deepEqual(filterAll(newNodeAffinity, cacheWith(nodes), pod), { a: NO, b: '', c: NO });
  assert.equal(plugin.name, 'NodeAffinity');
});

test('NodeAffinity: an empty term matches no node; pods without constraints match all', () => {
  assert.deepEqual(filterAll(newNodeAffinity, cacheWith(nodes), makePod('p', { spec: required({}) })), { a: NO, b: NO, c: NO });
  assert.deepEqual(filterAll(newNodeAffinity, cacheWith(nodes), makePod('q')), { a: '', b: '', c: '' });
});

test('NodeAffinity scores the summed weights of matching preferred terms, normalized to 100', () => {
  const pod = makePod('p', {
    spec: {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 10, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1'] }] } },
            { weight: 30, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } },
          ],
        },
      },
    },
  });
  assert.deepEqual(scoreAll(newNodeAffinity, cacheWith(nodes), pod), { a: 100, b: 0, c: 25 });
});
