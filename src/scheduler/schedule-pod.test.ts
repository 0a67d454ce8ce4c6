import { test } from 'node:test';
import assert from 'node:assert/strict';
import { numFeasibleNodesToFind } from './schedule-pod.ts';
import { cacheWith, defaultAlgorithm, makeNode, makePod } from './testing.ts';

test('numFeasibleNodesToFind() follows the adaptive percentage with its floors', () => {
  assert.equal(numFeasibleNodesToFind(0, 50), 50);
  assert.equal(numFeasibleNodesToFind(0, 99), 99);
  assert.equal(numFeasibleNodesToFind(0, 100), 100);
  assert.equal(numFeasibleNodesToFind(0, 1000), 420);
  assert.equal(numFeasibleNodesToFind(0, 5000), 500);
  assert.equal(numFeasibleNodesToFind(0, 10_000), 500);
  assert.equal(numFeasibleNodesToFind(0, 100_000), 5000);
  assert.equal(numFeasibleNodesToFind(30, 5000), 1500);
  assert.equal(numFeasibleNodesToFind(1, 5000), 100);
  assert.equal(numFeasibleNodesToFind(100, 5000), 5000);
});

test('the algorithm places a pod on the best-scoring feasible node', () => {
  const cache = cacheWith([makeNode('small', { cpu: '2' }), makeNode('big', { cpu: '16' }), makeNode('full', { cpu: '1' })], [makePod('x', { nodeName: 'small', cpu: '1' })]);
  const outcome = defaultAlgorithm(cache).schedule(makePod('p', { cpu: '1500m' }));
  assert.deepEqual(outcome, { kind: 'scheduled', nodeName: 'big', evaluatedNodes: 3, feasibleNodes: 1 });
  const spread = defaultAlgorithm(cache).schedule(makePod('q', { cpu: '100m' }));
  assert.equal(spread.kind === 'scheduled' && spread.nodeName, 'big');
});

test('the algorithm evaluates a sample of a large cluster and rotates where it starts', () => {
  const nodes = Array.from({ length: 1000 }, (_, i) => makeNode(`n${i}`));
  const cache = cacheWith(nodes);
  const { schedule } = defaultAlgorithm(cache);
  const first = schedule(makePod('a'));
  assert.equal(first.kind === 'scheduled' && first.evaluatedNodes, 420);
  const second = schedule(makePod('b'));
  assert.equal(second.kind === 'scheduled' && second.feasibleNodes, 420);
});

test('a pod that fits nowhere gets a FitError covering every node, and the rejecting plugins', () => {
  const cache = cacheWith([makeNode('a', { cpu: '1' }), makeNode('b', { cpu: '1' }), makeNode('t', { taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] })]);
  const outcome = defaultAlgorithm(cache).schedule(makePod('p', { cpu: '2' }));
  assert.equal(outcome.kind, 'unschedulable');
  if (outcome.kind !== 'unschedulable') return;
  assert.equal(outcome.fitError.message, '0/3 nodes are available: 1 node(s) had untolerated taint {k: v}, 2 Insufficient cpu.');
  assert.deepEqual([...outcome.fitError.diagnosis.unschedulablePlugins].sort(), ['NodeResourcesFit', 'TaintToleration']);
});

test('node affinity pinned to names narrows the nodes; the others count as not satisfying it', () => {
  const cache = cacheWith([makeNode('a', { cpu: '1' }), makeNode('b'), makeNode('c')]);
  const pinned = (name: string, cpu: string) =>
    makePod('ds', {
      cpu,
      spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [name] }] }] } } } },
    });
  const ok = defaultAlgorithm(cache).schedule(pinned('a', '500m'));
  assert.deepEqual(ok, { kind: 'scheduled', nodeName: 'a', evaluatedNodes: 1, feasibleNodes: 1 });
  const tooBig = defaultAlgorithm(cache).schedule(pinned('a', '2'));
  assert.equal(tooBig.kind === 'unschedulable' && tooBig.fitError.message, "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity].");
  const missing = defaultAlgorithm(cache).schedule(pinned('nope', '1'));
  assert.equal(missing.kind === 'unschedulable' && missing.fitError.message, "0/3 nodes are available: 3 node(s) didn't satisfy plugin(s) [NodeAffinity].");
});

test('a pod nominated to a node goes there when it fits', () => {
  const cache = cacheWith([makeNode('a'), makeNode('b', { cpu: '64' })]);
  const pod = makePod('p', { cpu: '1' });
  pod.status = { phase: 'Pending', nominatedNodeName: 'a' };
  assert.deepEqual(defaultAlgorithm(cache).schedule(pod), { kind: 'scheduled', nodeName: 'a', evaluatedNodes: 1, feasibleNodes: 1 });
});

test('no nodes at all is its own message', () => {
  const outcome = defaultAlgorithm(cacheWith([])).schedule(makePod('p'));
  assert.equal(outcome.kind === 'unschedulable' && outcome.fitError.message, 'no nodes available to schedule pods');
});
