import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../meta/types.ts';
import { admitPodToLimitRanges, LIMIT_RANGER_ANNOTATION } from './limit-range-admission.ts';

function range(...limits: Array<Record<string, unknown>>): KubeObject {
  return { metadata: { name: 'lr', namespace: 'ns' }, spec: { limits } };
}

function pod(containers: Array<Record<string, unknown>>, initContainers?: Array<Record<string, unknown>>): KubeObject {
  return { metadata: { name: 'p', namespace: 'ns' }, spec: { containers, ...(initContainers === undefined ? {} : { initContainers }) } };
}

void test('containers get the defaults they do not set, and the annotation says which', () => {
  const lr = range({ type: 'Container', default: { cpu: '500m', memory: '256Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' } });
  const p = pod([{ name: 'app', image: 'i', resources: { limits: { cpu: '1' }, requests: { cpu: '1' } } }], [{ name: 'init', image: 'i' }]);
  assert.deepEqual(admitPodToLimitRanges(p, [lr]), []);
  const spec = p.spec as { containers: Array<{ resources: unknown }>; initContainers: Array<{ resources: unknown }> };
  assert.deepEqual(spec.containers[0]!.resources, { limits: { cpu: '1', memory: '256Mi' }, requests: { cpu: '1', memory: '128Mi' } });
  assert.deepEqual(spec.initContainers[0]!.resources, { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
  assert.equal(
    p.metadata.annotations?.[LIMIT_RANGER_ANNOTATION],
    'LimitRanger plugin set: memory request for container app; memory limit for container app; cpu, memory request for init container init; cpu, memory limit for init container init',
  );
  // Nothing to fill: no annotation.
  const full = pod([{ name: 'app', image: 'i', resources: { limits: { cpu: '1', memory: '1Mi' }, requests: { cpu: '1', memory: '1Mi' } } }]);
  admitPodToLimitRanges(full, [lr]);
  assert.equal(full.metadata.annotations, undefined);
});

void test('container bounds: min, max and the limit-to-request ratio, with upstream messages', () => {
  const lr = range({ type: 'Container', min: { cpu: '100m' }, max: { cpu: '1', memory: '1Gi' }, maxLimitRequestRatio: { cpu: '2' } });
  const over = pod([{ name: 'app', image: 'i', resources: { limits: { cpu: '2', memory: '512Mi' }, requests: { cpu: '500m' } } }]);
  assert.deepEqual(admitPodToLimitRanges(over, [lr]), ['maximum cpu usage per Container is 1, but limit is 2', 'cpu max limit to request ratio per Container is 2, but provided ratio is 4.000000']);
  const bare = pod([{ name: 'app', image: 'i' }]);
  assert.deepEqual(admitPodToLimitRanges(bare, [lr]), [
    'minimum cpu usage per Container is 100m.  No request is specified',
    'maximum cpu usage per Container is 1.  No limit is specified',
    'maximum memory usage per Container is 1Gi.  No limit is specified',
    'cpu max limit to request ratio per Container is 2, but no request is specified or request is 0',
  ]);
  const small = pod([{ name: 'app', image: 'i', resources: { limits: { cpu: '50m', memory: '1Mi' } } }]);
  // The request defaults to the limit, as pod defaulting does.
  assert.deepEqual(admitPodToLimitRanges(small, [lr]), ['minimum cpu usage per Container is 100m, but request is 50m']);
  const fine = pod([{ name: 'app', image: 'i', resources: { limits: { cpu: '400m', memory: '1Mi' }, requests: { cpu: '200m' } } }]);
  assert.deepEqual(admitPodToLimitRanges(fine, [lr]), []);
});

void test('pod bounds apply to the sum of the containers', () => {
  const lr = range({ type: 'Pod', max: { memory: '1Gi' } });
  const c = (name: string, memory: string) => ({ name, image: 'i', resources: { limits: { memory } } });
  assert.deepEqual(admitPodToLimitRanges(pod([c('a', '512Mi'), c('b', '512Mi')]), [lr]), []);
  assert.deepEqual(admitPodToLimitRanges(pod([c('a', '512Mi'), c('b', '1Gi')]), [lr]), ['maximum memory usage per Pod is 1Gi, but limit is 1536Mi']);
});
