import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cacheWith, filterAll, makeNode, makePod, scoreAll } from '../testing.ts';
import { ERR_REASON_AFFINITY, ERR_REASON_ANTI_AFFINITY, ERR_REASON_EXISTING_ANTI_AFFINITY, newInterPodAffinity } from './inter-pod-affinity.ts';

const HOST = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';
const nodes = [makeNode('a1', { labels: { [ZONE]: 'a' } }), makeNode('a2', { labels: { [ZONE]: 'a' } }), makeNode('b1', { labels: { [ZONE]: 'b' } })];
const term = (labels: Record<string, string>, topologyKey: string, extra: Record<string, unknown> = {}) => ({ labelSelector: { matchLabels: labels }, topologyKey, ...extra });
const affinity = (...terms: unknown[]) => ({ affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: terms } } });
const antiAffinity = (...terms: unknown[]) => ({ affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: terms } } });

test('InterPodAffinity: required affinity needs a matching pod in the same topology domain', () => {
  const cache = cacheWith(nodes, [makePod('db', { nodeName: 'a1', labels: { app: 'db' } })]);
  assert.deepEqual(filterAll(newInterPodAffinity, cache, makePod('p', { spec: affinity(term({ app: 'db' }, HOST)) })), { a1: '', a2: ERR_REASON_AFFINITY, b1: ERR_REASON_AFFINITY });
  assert.deepEqual(filterAll(newInterPodAffinity, cache, makePod('q', { spec: affinity(term({ app: 'db' }, ZONE)) })), { a1: '', a2: '', b1: ERR_REASON_AFFINITY });
});

test('InterPodAffinity: the first pod of a self-affine group may go anywhere the topology key exists', () => {
  const cache = cacheWith([...nodes, makeNode('nozone')]);
  const pod = makePod('p', { labels: { app: 'web' }, spec: affinity(term({ app: 'web' }, ZONE)) });
  assert.deepEqual(filterAll(newInterPodAffinity, cache, pod), { a1: '', a2: '', b1: '', nozone: ERR_REASON_AFFINITY });
  // Without matching itself it has nowhere to go.
  const other = makePod('q', { labels: { app: 'api' }, spec: affinity(term({ app: 'web' }, ZONE)) });
  assert.deepEqual(filterAll(newInterPodAffinity, cache, other), { a1: ERR_REASON_AFFINITY, a2: ERR_REASON_AFFINITY, b1: ERR_REASON_AFFINITY, nozone: ERR_REASON_AFFINITY });
});

test('InterPodAffinity: required anti-affinity keeps the pod out of domains with matching pods', () => {
  const cache = cacheWith(nodes, [makePod('w1', { nodeName: 'a1', labels: { app: 'web' } })]);
  const pod = makePod('w2', { labels: { app: 'web' }, spec: antiAffinity(term({ app: 'web' }, HOST)) });
  assert.deepEqual(filterAll(newInterPodAffinity, cache, pod), { a1: ERR_REASON_ANTI_AFFINITY, a2: '', b1: '' });
  const zonal = makePod('w3', { labels: { app: 'web' }, spec: antiAffinity(term({ app: 'web' }, ZONE)) });
  assert.deepEqual(filterAll(newInterPodAffinity, cache, zonal), { a1: ERR_REASON_ANTI_AFFINITY, a2: ERR_REASON_ANTI_AFFINITY, b1: '' });
});

test("InterPodAffinity: existing pods' anti-affinity keeps matching pods away from them", () => {
  const loner = makePod('loner', { nodeName: 'a1', labels: { app: 'loner' }, spec: antiAffinity(term({ app: 'web' }, ZONE)) });
  const cache = cacheWith(nodes, [loner]);
  assert.deepEqual(filterAll(newInterPodAffinity, cache, makePod('w', { labels: { app: 'web' } })), {
    a1: ERR_REASON_EXISTING_ANTI_AFFINITY,
    a2: ERR_REASON_EXISTING_ANTI_AFFINITY,
    b1: '',
  });
  assert.deepEqual(filterAll(newInterPodAffinity, cache, makePod('x', { labels: { app: 'api' } })), { a1: '', a2: '', b1: '' });
});

test('InterPodAffinity: terms select pods in their namespaces only (the own namespace by default)', () => {
  const cache = cacheWith(nodes, [makePod('db', { nodeName: 'a1', namespace: 'data', labels: { app: 'db' } })]);
  assert.equal(filterAll(newInterPodAffinity, cache, makePod('p', { spec: affinity(term({ app: 'db' }, HOST)) })).a1, ERR_REASON_AFFINITY);
  assert.equal(filterAll(newInterPodAffinity, cache, makePod('q', { spec: affinity(term({ app: 'db' }, HOST, { namespaces: ['data'] })) })).a1, '');
  assert.equal(filterAll(newInterPodAffinity, cache, makePod('r', { spec: affinity(term({ app: 'db' }, HOST, { namespaceSelector: {} })) })).a1, '');
});

test('InterPodAffinity scores preferred affinity up and preferred anti-affinity down', () => {
  const cache = cacheWith(nodes, [makePod('cache', { nodeName: 'a1', labels: { app: 'cache' } }), makePod('noisy', { nodeName: 'b1', labels: { app: 'noisy' } })]);
  const pod = makePod('p', {
    spec: {
      affinity: {
        podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: term({ app: 'cache' }, ZONE) }] },
        podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: term({ app: 'noisy' }, HOST) }] },
      },
    },
  });
  // Raw: a1 +50, a2 +50, b1 -50 → min-max normalized.
  assert.deepEqual(scoreAll(newInterPodAffinity, cache, pod), { a1: 100, a2: 100, b1: 0 });
});

test("InterPodAffinity scores existing pods' terms that match the incoming pod", () => {
  const friendly = makePod('f', {
    nodeName: 'b1',
    spec: { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term({ app: 'web' }, HOST) }] } } },
  });
  const cache = cacheWith(nodes, [friendly]);
  assert.deepEqual(scoreAll(newInterPodAffinity, cache, makePod('w', { labels: { app: 'web' } })), { a1: 0, a2: 0, b1: 100 });
});
