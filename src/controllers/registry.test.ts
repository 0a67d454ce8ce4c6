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

  it('rejects unknown names', () => {
    assert.throws(() => selectControllers(['*', '-nope'], registry), /Cannot select controller "nope": known controllers are a, b, c/);
  });

  it('the registry includes the namespace controller under unique names', () => {
    const names = CONTROLLERS.map((c) => c.name);
    assert.ok(names.includes('namespace-controller'));
    assert.equal(new Set(names).size, names.length);
  });
});
