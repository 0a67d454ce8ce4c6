import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cacheWith, filterAll, makeNode, makePod, scoreAll } from '../testing.ts';
import { ERR_REASON_CONSTRAINTS, ERR_REASON_MISSING_LABEL, newPodTopologySpread } from './pod-topology-spread.ts';

const ZONE = 'topology.kubernetes.io/zone';
const HOST = 'kubernetes.io/hostname';
const nodes = [makeNode('a1', { labels: { [ZONE]: 'a' } }), makeNode('a2', { labels: { [ZONE]: 'a' } }), makeNode('b1', { labels: { [ZONE]: 'b' } })];
const web = (name: string, nodeName: string) => makePod(name, { nodeName, labels: { app: 'web' } });
const spread = (topologyKey: string, maxSkew: number, extra: Record<string, unknown> = {}, when = 'DoNotSchedule') =>
  makePod('new', {
    labels: { app: 'web' },
    spec: { topologySpreadConstraints: [{ maxSkew, topologyKey, whenUnsatisfiable: when, labelSelector: { matchLabels: { app: 'web' } }, ...extra }] },
  });

test('PodTopologySpread DoNotSchedule keeps the skew between zones within maxSkew', () => {
  const cache = cacheWith(nodes, [web('w1', 'a1'), web('w2', 'a2')]);
  // Zone a has 2, zone b 0: another pod in zone a would make the skew 3 - 0.
  assert.deepEqual(filterAll(newPodTopologySpread, cache, spread(ZONE, 1)), { a1: ERR_REASON_CONSTRAINTS, a2: ERR_REASON_CONSTRAINTS, b1: '' });
  assert.deepEqual(filterAll(newPodTopologySpread, cache, spread(ZONE, 3)), { a1: '', a2: '', b1: '' });
});

test('PodTopologySpread rejects nodes missing the topology key as unresolvable', () => {
  const cache = cacheWith([...nodes, makeNode('bare', { labels: {} })]);
  assert.equal(filterAll(newPodTopologySpread, cache, spread(ZONE, 1)).bare, ERR_REASON_MISSING_LABEL);
});

test('PodTopologySpread: minDomains makes the global minimum 0 while there are too few domains', () => {
  const cache = cacheWith(nodes, [web('w1', 'a1'), web('w2', 'b1')]);
  assert.deepEqual(filterAll(newPodTopologySpread, cache, spread(ZONE, 1)), { a1: '', a2: '', b1: '' });
  assert.deepEqual(filterAll(newPodTopologySpread, cache, spread(ZONE, 1, { minDomains: 3 })), { a1: ERR_REASON_CONSTRAINTS, a2: ERR_REASON_CONSTRAINTS, b1: ERR_REASON_CONSTRAINTS });
});

test('PodTopologySpread counts only matching, non-terminating pods in the same namespace', () => {
  const terminating = web('gone', 'a1');
  terminating.metadata.deletionTimestamp = '2025-01-01T00:00:00Z';
  const cache = cacheWith(nodes, [terminating, makePod('other-ns', { nodeName: 'a1', namespace: 'x', labels: { app: 'web' } }), makePod('api', { nodeName: 'a1', labels: { app: 'api' } })]);
  assert.deepEqual(filterAll(newPodTopologySpread, cache, spread(HOST, 1)), { a1: '', a2: '', b1: '' });
});

test("PodTopologySpread honours the pod's node affinity when counting domains (nodeAffinityPolicy)", () => {
  const cache = cacheWith(nodes, [web('w1', 'a1')]);
  const pod = spread(ZONE, 1);
  pod.spec.nodeSelector = { [ZONE]: 'a' };
  // Only zone a counts, so the minimum is zone a's own count: the skew stays 1.
  assert.deepEqual(filterAll(newPodTopologySpread, cache, pod), { a1: '', a2: '', b1: '' });
  const ignoring = spread(ZONE, 1, { nodeAffinityPolicy: 'Ignore' });
  ignoring.spec.nodeSelector = { [ZONE]: 'a' };
  assert.deepEqual(filterAll(newPodTopologySpread, cache, ignoring), { a1: ERR_REASON_CONSTRAINTS, a2: ERR_REASON_CONSTRAINTS, b1: '' });
});

test('PodTopologySpread ScheduleAnyway scores emptier domains higher', () => {
  const cache = cacheWith(nodes, [web('w1', 'a1'), web('w2', 'a2')]);
  const scores = scoreAll(newPodTopologySpread, cache, spread(ZONE, 1, {}, 'ScheduleAnyway'));
  assert.equal(scores.b1, 100);
  assert.ok(scores.a1! < scores.b1);
  assert.equal(scores.a1, scores.a2);
  const byHost = scoreAll(newPodTopologySpread, cache, spread(HOST, 1, {}, 'ScheduleAnyway'));
  assert.equal(byHost.b1, 100);
  assert.ok(byHost.a1! < 100);
});
