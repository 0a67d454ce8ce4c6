import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApplyError } from './apply-error.ts';
import { mergeConfiguration } from './merge.ts';
import { WIDGET } from './testing/types.ts';

const names = (list: unknown) => (list as { name: string }[]).map((e) => e.name);

function items(...ns: string[]) {
  return { spec: { items: ns.map((name) => ({ name })) } };
}

function mergedItems(live: string[], config: string[]): string[] {
  return names((mergeConfiguration(items(...live), items(...config), WIDGET) as { spec: { items: unknown } }).spec.items);
}

void describe('mergeConfiguration', () => {
  void it('sets what the configuration sets and keeps the rest', () => {
    const live = { spec: { replicas: 1, paused: true, settings: { a: '1', b: '2' } } };
    const config = { spec: { replicas: 3, settings: { b: 'x', c: 'y' } } };
    assert.deepEqual(mergeConfiguration(live, config, WIDGET), { spec: { replicas: 3, paused: true, settings: { a: '1', b: 'x', c: 'y' } } });
    assert.deepEqual(live.spec.settings, { a: '1', b: '2' }, 'inputs are not modified');
  });

  void it('replaces atomic lists and objects whole', () => {
    const live = { spec: { args: ['a', 'b'], selector: { a: '1', b: '2' } } };
    assert.deepEqual(mergeConfiguration(live, { spec: { args: ['c'], selector: { c: '3' } } }, WIDGET), { spec: { args: ['c'], selector: { c: '3' } } });
  });

  void it('merges keyed list elements field by field', () => {
    const live = { spec: { items: [{ name: 'a', value: '1', nested: { a: 'x', b: 'y' } }] } };
    const config = { spec: { items: [{ name: 'a', nested: { b: 'z' } }] } };
    assert.deepEqual(mergeConfiguration(live, config, WIDGET), { spec: { items: [{ name: 'a', value: '1', nested: { a: 'x', b: 'z' } }] } });
  });

  void it('orders elements: configuration order for shared ones, live-only ones stay near their neighbours', () => {
    assert.deepEqual(mergedItems(['a', 'b', 'c'], ['c', 'a']), ['b', 'c', 'a']);
    assert.deepEqual(mergedItems(['a', 'b', 'c'], ['a', 'd']), ['a', 'b', 'c', 'd']);
    assert.deepEqual(mergedItems(['a', 'b', 'c'], ['d', 'b']), ['a', 'd', 'b', 'c']);
    assert.deepEqual(mergedItems(['a', 'x', 'b'], ['b', 'a']), ['x', 'b', 'a']);
    assert.deepEqual(mergedItems([], ['a', 'b']), ['a', 'b']);
  });

  void it('unions sets', () => {
    assert.deepEqual(mergeConfiguration({ spec: { tags: ['a', 'b'] } }, { spec: { tags: ['c', 'a'] } }, WIDGET), { spec: { tags: ['c', 'a', 'b'] } });
  });

  void it('removes a field the configuration sets to null; a null object changes nothing', () => {
    const live = { spec: { replicas: 2, settings: { a: '1' } } };
    assert.deepEqual(mergeConfiguration(live, { spec: { replicas: null, settings: null } }, WIDGET), { spec: { settings: { a: '1' } } });
  });

  void it('refuses configurations with unkeyed or duplicate list elements', () => {
    assert.throws(() => mergeConfiguration({}, { spec: { items: [{ value: 'x' }] } }, WIDGET), (e: unknown) => e instanceof ApplyError && /omits key field "name"/.test(e.message));
    assert.throws(() => mergeConfiguration({}, items('a', 'a'), WIDGET), (e: unknown) => e instanceof ApplyError && /\.spec\.items: duplicate entries for key \[name="a"\]/.test(e.message));
  });
});
