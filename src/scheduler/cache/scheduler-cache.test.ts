import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPodInfo, withNodeName } from '../framework/pod-info.ts';
import { makeNode, makePod } from '../testing.ts';
import { SchedulerCache } from './scheduler-cache.ts';

test('an assumed pod counts on its node until forgotten, and is confirmed by the informer', () => {
  const cache = new SchedulerCache();
  cache.setNode(makeNode('a'));
  cache.setNode(makeNode('b'));
  const pod = newPodInfo(makePod('p', { cpu: '1' }));
  cache.assumePod(withNodeName(pod, 'a'));
  assert.equal(cache.get('a')!.requested.milliCPU, 1000);
  assert.equal(cache.isAssumed(pod.key), true);
  assert.throws(() => cache.assumePod(withNodeName(pod, 'a')), /already in the cache/);
  cache.forgetPod(pod.key);
  assert.equal(cache.get('a')!.requested.milliCPU, 0);
  assert.equal(cache.podCount, 0);

  cache.assumePod(withNodeName(pod, 'a'));
  cache.finishBinding(pod.key);
  // The informer shows the pod bound elsewhere (someone else bound it): it moves.
  cache.addPod(withNodeName(pod, 'b'));
  assert.equal(cache.isAssumed(pod.key), false);
  assert.equal(cache.get('a')!.requested.milliCPU, 0);
  assert.equal(cache.get('b')!.requested.milliCPU, 1000);
  cache.forgetPod(pod.key); // confirmed pods are not forgotten
  assert.equal(cache.get('b')!.pods.size, 1);
  assert.equal(cache.removePod(pod.key)?.name, 'p');
  assert.equal(cache.get('b')!.pods.size, 0);
});

test('pods seen before their node wait in a placeholder that is not listed', () => {
  const cache = new SchedulerCache();
  cache.addPod(newPodInfo(makePod('early', { nodeName: 'late-node', cpu: '500m' })));
  assert.equal(cache.get('late-node'), undefined);
  assert.equal(cache.nodeCount, 0);
  cache.setNode(makeNode('late-node'));
  assert.equal(cache.get('late-node')!.requested.milliCPU, 500);
  cache.removeNode('late-node');
  assert.equal(cache.nodeCount, 0);
  assert.equal(cache.get('late-node'), undefined);
  cache.removePod('default/early');
  cache.setNode(makeNode('late-node'));
  assert.equal(cache.get('late-node')!.pods.size, 0);
});

test('nodes are listed with zones interleaved', () => {
  const cache = new SchedulerCache();
  for (const [name, zone] of [['a1', 'a'], ['a2', 'a'], ['a3', 'a'], ['b1', 'b'], ['c1', 'c'], ['c2', 'c']] as const) {
    cache.setNode(makeNode(name, { labels: { 'topology.kubernetes.io/zone': zone } }));
  }
  assert.deepEqual(cache.list().map((n) => n.name), ['a1', 'b1', 'c1', 'a2', 'c2', 'a3']);
});

test('nodes with affinity pods are tracked as pods come and go', () => {
  const cache = new SchedulerCache();
  cache.setNode(makeNode('a'));
  cache.setNode(makeNode('b'));
  const anti = makePod('anti', {
    nodeName: 'b',
    spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { x: 'y' } }, topologyKey: 'kubernetes.io/hostname' }] } } },
  });
  cache.addPod(newPodInfo(makePod('plain', { nodeName: 'a' })));
  cache.addPod(newPodInfo(anti));
  assert.deepEqual(cache.havePodsWithAffinity().map((n) => n.name), ['b']);
  assert.deepEqual(cache.havePodsWithRequiredAntiAffinity().map((n) => n.name), ['b']);
  cache.removePod('default/anti');
  assert.deepEqual(cache.havePodsWithAffinity(), []);
  assert.deepEqual(cache.havePodsWithRequiredAntiAffinity(), []);
});
