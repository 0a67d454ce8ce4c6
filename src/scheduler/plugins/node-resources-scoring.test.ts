import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cacheWith, makeNode, makePod, scoreAll } from '../testing.ts';
import { newNodeResourcesBalancedAllocation } from './node-resources-balanced-allocation.ts';
import { newNodeResourcesLeastAllocated } from './node-resources-least-allocated.ts';

test('NodeResourcesLeastAllocated prefers the node with the most room left', () => {
  const cache = cacheWith(
    [makeNode('busy', { cpu: '4', memory: '8Gi' }), makeNode('idle', { cpu: '4', memory: '8Gi' })],
    [makePod('x', { nodeName: 'busy', cpu: '2', memory: '4Gi' })],
  );
  // busy: cpu (4000-3000)*100/4000 = 25, memory (8-5)/8 = 37 → 31; idle: 75, 87 → 81.
  assert.deepEqual(scoreAll(newNodeResourcesLeastAllocated, cache, makePod('p', { cpu: '1', memory: '1Gi' })), { busy: 31, idle: 81 });
});

test('NodeResourcesLeastAllocated counts request-less pods as 100m cpu and 200Mi memory', () => {
  const cache = cacheWith([makeNode('a', { cpu: '1', memory: '1000Mi' }), makeNode('b', { cpu: '1', memory: '1000Mi' })], [makePod('x', { nodeName: 'a' })]);
  // a: cpu 1000-200 → 80, memory 1000-400 → 60 → 70; b: 90, 80 → 85.
  assert.deepEqual(scoreAll(newNodeResourcesLeastAllocated, cache, makePod('p')), { a: 70, b: 85 });
});

test('NodeResourcesBalancedAllocation prefers nodes where cpu and memory use stay even', () => {
  const cache = cacheWith(
    [makeNode('cpu-heavy', { cpu: '4', memory: '8Gi' }), makeNode('even', { cpu: '4', memory: '8Gi' })],
    [makePod('x', { nodeName: 'cpu-heavy', cpu: '3' }), makePod('y', { nodeName: 'even', cpu: '1', memory: '2Gi' })],
  );
  // cpu-heavy: cpu 4/4=1, memory 2/8=.25 → 1-.375 → 62; even: .5 and .5 → 100.
  assert.deepEqual(scoreAll(newNodeResourcesBalancedAllocation, cache, makePod('p', { cpu: '1', memory: '2Gi' })), { 'cpu-heavy': 62, even: 100 });
  // Best-effort pods are not scored.
  assert.deepEqual(scoreAll(newNodeResourcesBalancedAllocation, cache, makePod('q')), { 'cpu-heavy': 0, even: 0 });
});
