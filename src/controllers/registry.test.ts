import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { namespaceType } from '../api/core/v1/namespace.ts';
import type { ControllerDescriptor } from './controller.ts';
import { CONTROLLERS, selectControllers } from './registry.ts';

const fake = (name: string): ControllerDescriptor => ({ name, primary: namespaceType, watches: [], create: () => ({ reconcile: async () => ({}) }) });
const registry = [fake('a'), fake('b'), fake('c')];

describe('selectControllers()', () => {
  it('selects all with *, minus the -disabled ones, in registry order', () => {
    assert.deepEqual(selectControllers(['*'], registry).map((c) => c.name), ['a', 'b', 'c']);
    assert.deepEqual(selectControllers(['-b', '*'], registry).map((c) => c.name), ['a', 'c']);
    assert.deepEqual(selectControllers(['c', 'a'], registry).map((c) => c.name), ['a', 'c']);
  });

  it('accepts the older short names as aliases', () => {
    assert.deepEqual(selectControllers(['*', '-replicaset', '-garbagecollector']).map((c) => c.name).includes('replicaset-controller'), false);
    assert.deepEqual(selectControllers(['deployment', 'replicaset-controller']).map((c) => c.name), ['replicaset-controller', 'deployment-controller']);
  });

  it('rejects unknown names', () => {
    assert.throws(() => selectControllers(['*', '-nope'], registry), /Cannot select controller "nope": known controllers are a, b, c/);
  });

  it('the registry lists every controller under unique names and aliases', () => {
    const names = CONTROLLERS.flatMap((c) => [c.name, ...(c.aliases ?? [])]);
    for (const expected of [
      'namespace-controller',
      'garbage-collector-controller',
      'serviceaccount-controller',
      'root-ca-certificate-publisher-controller',
      'clusterrole-aggregation-controller',
      'replicaset-controller',
      'deployment-controller',
      'statefulset-controller',
      'daemonset-controller',
      'job-controller',
      'cronjob-controller',
      'disruption-controller',
      'endpoints-controller',
      'endpointslice-controller',
      'node-lifecycle-controller',
      'taint-eviction-controller',
      'resourcequota-controller',
      'replicationcontroller-controller',
    ]) {
      assert.ok(names.includes(expected), expected);
    }
    assert.equal(new Set(names).size, names.length);
  });
});
