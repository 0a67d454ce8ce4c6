import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labelSelectorMatches, labelSelectorToSelector, selectorToString } from './label-selector.ts';
import { SelectorParseError } from './parse.ts';
import { formatLabels } from './requirement.ts';

void test('matchLabels and matchExpressions combine', () => {
  const ls = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn' as const, values: ['db'] }] };
  assert.ok(labelSelectorMatches(ls, { app: 'web', tier: 'front' }));
  assert.ok(!labelSelectorMatches(ls, { app: 'web', tier: 'db' }));
  assert.ok(!labelSelectorMatches(ls, { app: 'api' }));
});

void test('a missing selector selects nothing, an empty one everything', () => {
  assert.equal(labelSelectorToSelector(undefined), null);
  assert.ok(!labelSelectorMatches(undefined, { app: 'web' }));
  assert.ok(labelSelectorMatches({}, { app: 'web' }));
});

void test('selectorToString renders Scale status.selector', () => {
  assert.equal(selectorToString({ matchLabels: { app: 'web' } }), 'app=web');
  assert.equal(
    selectorToString({
      matchLabels: { tier: 'front', app: 'web' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod', 'dev'] },
        { key: 'canary', operator: 'DoesNotExist' },
        { key: 'zone', operator: 'Exists' },
      ],
    }),
    'app=web,!canary,env in (dev,prod),tier=front,zone',
  );
  assert.equal(selectorToString(null), '');
  assert.equal(selectorToString({}), '');
});

void test('unknown operators are errors', () => {
  assert.throws(() => labelSelectorToSelector({ matchExpressions: [{ key: 'a', operator: 'Gt' as never }] }), (e: unknown) => e instanceof SelectorParseError && e.message === '"Gt" is not a valid label selector operator');
});

void test('formatLabels sorts keys and shows <none> for no labels', () => {
  assert.equal(formatLabels({ b: '2', a: '1' }), 'a=1,b=2');
  assert.equal(formatLabels({}), '<none>');
  assert.equal(formatLabels(undefined), '<none>');
});
