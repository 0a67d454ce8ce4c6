import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CycleState } from '../framework/cycle-state.ts';
import { fitErrorMessage } from '../framework/fit-error.ts';
import { newPodInfo } from '../framework/pod-info.ts';
import { cacheWith, defaultAlgorithm, makeNode, makePod } from '../testing.ts';
import { findCandidates, pickCandidate, REASON_NO_VICTIMS, REASON_NOT_HELPFUL } from './default-preemption.ts';

const nodes = [makeNode('a', { cpu: '1' }), makeNode('b', { cpu: '1' }), makeNode('tainted', { cpu: '8', taints: [{ key: 'k', effect: 'NoSchedule' }] })];
const bound = [
  makePod('a-low', { nodeName: 'a', cpu: '500m', priority: 1 }),
  makePod('a-mid', { nodeName: 'a', cpu: '400m', priority: 5 }),
  makePod('b-high', { nodeName: 'b', cpu: '900m', priority: 10 }),
];

function attempt(pod: ReturnType<typeof makePod>) {
  const cache = cacheWith(nodes, bound);
  const { framework, algorithm } = defaultAlgorithm(cache);
  const state = new CycleState();
  const info = newPodInfo(pod);
  const outcome = algorithm.schedule(state, info);
  assert.equal(outcome.kind, 'unschedulable');
  const statuses = outcome.kind === 'unschedulable' ? outcome.fitError.diagnosis.nodeStatuses : new Map();
  return findCandidates(framework, cache.list(), state, info, statuses);
}

test('preemption picks the fewest, least important victims, reprieving what it can', () => {
  const { candidates, diagnosis } = attempt(makePod('p', { cpu: '550m', priority: 20 }));
  // On a, removing a-low (500m) frees enough: a-mid is reprieved. On b, b-high must go.
  assert.deepEqual(
    candidates.map((c) => [c.node.name, c.victims.map((v) => v.name)]),
    [
      ['a', ['a-low']],
      ['b', ['b-high']],
    ],
  );
  assert.equal(pickCandidate(candidates).node.name, 'a');
  assert.equal(diagnosis.nodeStatuses.get('tainted')?.reasons[0], REASON_NOT_HELPFUL);
});

test('preemption only removes pods of lower priority', () => {
  const { candidates, diagnosis } = attempt(makePod('p', { cpu: '550m', priority: 5 }));
  assert.deepEqual(candidates.map((c) => [c.node.name, c.victims.map((v) => v.name)]), [['a', ['a-low']]]);
  assert.equal(diagnosis.nodeStatuses.get('b')?.reasons[0], REASON_NO_VICTIMS);
  const none = attempt(makePod('q', { cpu: '550m' }));
  assert.equal(none.candidates.length, 0);
  assert.equal(
    fitErrorMessage(3, none.diagnosis),
    `0/3 nodes are available: 1 ${REASON_NOT_HELPFUL}, 2 ${REASON_NO_VICTIMS}.`,
  );
});

test('pickCandidate prefers the lowest highest-victim priority, then the smallest sum, then the fewest victims', () => {
  const node = (name: string) => cacheWith([makeNode(name)]).get(name)!;
  const victim = (name: string, priority: number) => newPodInfo(makePod(name, { priority }));
  const c1 = { node: node('one'), victims: [victim('x', 10)] };
  const c2 = { node: node('two'), victims: [victim('y', 5), victim('z', 5)] };
  const c3 = { node: node('three'), victims: [victim('w', 5), victim('v', 1)] };
  const c4 = { node: node('four'), victims: [victim('u', 5), victim('s', -5)] };
  const c5 = { node: node('five'), victims: [victim('r', 5), victim('q', -5), victim('o', -5)] };
  assert.equal(pickCandidate([c1, c2]).node.name, 'two');
  assert.equal(pickCandidate([c2, c3]).node.name, 'three');
  assert.equal(pickCandidate([c3, c4]).node.name, 'four');
  // Each victim counts 2^31 more, so fewer victims win even against negative priorities.
  assert.equal(pickCandidate([c4, c5]).node.name, 'four');
});
