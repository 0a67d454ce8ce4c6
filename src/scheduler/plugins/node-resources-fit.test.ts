import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cacheWith, filterAll, makeNode, makePod } from '../testing.ts';
import { newNodeResourcesFit } from './node-resources-fit.ts';

test('NodeResourcesFit checks requests against allocatable minus what is already on the node', () => {
  const cache = cacheWith([makeNode('a', { cpu: '2', memory: '4Gi' }), makeNode('b', { cpu: '2', memory: '4Gi' })], [makePod('x', { nodeName: 'a', cpu: '1500m', memory: '1Gi' })]);
  assert.deepEqual(filterAll(newNodeResourcesFit, cache, makePod('p', { cpu: '1', memory: '1Gi' })), { a: 'Insufficient cpu', b: '' });
  assert.deepEqual(filterAll(newNodeResourcesFit, cache, makePod('q', { cpu: '500m', memory: '3Gi' })), { a: '', b: '' });
  assert.deepEqual(filterAll(newNodeResourcesFit, cache, makePod('r', { cpu: '3', memory: '5Gi' })), { a: 'Insufficient cpu, Insufficient memory', b: 'Insufficient cpu, Insufficient memory' });
});

test('NodeResourcesFit counts pods against allocatable pods, even for pods requesting nothing', () => {
  const cache = cacheWith([makeNode('full', { pods: 1 }), makeNode('empty', { pods: 1 })], [makePod('x', { nodeName: 'full' })]);
  assert.deepEqual(filterAll(newNodeResourcesFit, cache, makePod('p')), { full: 'Too many pods', empty: '' });
});

test('NodeResourcesFit checks extended resources and ephemeral storage the pod requests', () => {
  const cache = cacheWith([makeNode('gpu', { extra: { 'example.com/gpu': '1' } }), makeNode('plain')]);
  const pod = makePod('p', { spec: { containers: [{ name: 'c', image: 'i', resources: { requests: { 'example.com/gpu': '1', 'ephemeral-storage': '200Gi' } } }] } });
  assert.deepEqual(filterAll(newNodeResourcesFit, cache, pod), {
    gpu: 'Insufficient ephemeral-storage',
    plain: 'Insufficient ephemeral-storage, Insufficient example.com/gpu',
  });
});

test('NodeResourcesFit takes the largest init container, plus sidecars and overhead', () => {
  const cache = cacheWith([makeNode('a', { cpu: '1' })]);
  const pod = (init: string, sidecar?: string) =>
    makePod('p', {
      cpu: '300m',
      spec: {
        initContainers: [
          ...(sidecar === undefined ? [] : [{ name: 's', image: 'i', restartPolicy: 'Always', resources: { requests: { cpu: sidecar } } }]),
          { name: 'i', image: 'i', resources: { requests: { cpu: init } } },
        ],
      },
    });
  assert.equal(filterAll(newNodeResourcesFit, cache, pod('1')).a, '');
  assert.equal(filterAll(newNodeResourcesFit, cache, pod('1100m')).a, 'Insufficient cpu');
  // The sidecar runs next to the init container (200m + 900m) and next to the main container.
  assert.equal(filterAll(newNodeResourcesFit, cache, pod('900m', '200m')).a, 'Insufficient cpu');
  assert.equal(filterAll(newNodeResourcesFit, cache, pod('700m', '200m')).a, '');
  const withOverhead = makePod('o', { cpu: '900m', spec: { overhead: { cpu: '200m' } } });
  assert.equal(filterAll(newNodeResourcesFit, cache, withOverhead).a, 'Insufficient cpu');
});
