import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFieldError } from './field-errors.ts';
import { validateLabelSelector } from './label-selector.ts';

void test('a well-formed selector passes', () => {
  assert.deepEqual(validateLabelSelector({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a'] }] }, 'spec.selector'), []);
  assert.deepEqual(validateLabelSelector(undefined, 'spec.selector'), []);
});

void test('expressions need values exactly when the operator takes them', () => {
  const errs = validateLabelSelector(
    {
      matchExpressions: [
        { key: 'a', operator: 'In', values: [] },
        { key: 'b', operator: 'Exists', values: ['x'] },
        { key: 'c', operator: 'Near' },
        { key: '-d', operator: 'DoesNotExist' },
      ],
    },
    'spec.selector',
  ).map(formatFieldError);
  assert.equal(errs[0], "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'");
  assert.equal(errs[1], "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
  assert.equal(errs[2], 'spec.selector.matchExpressions[2].operator: Invalid value: "Near": not a valid selector operator');
  assert.match(errs[3]!, /^spec\.selector\.matchExpressions\[3\]\.key: Invalid value: "-d": name part must consist/);
});

void test('matchLabels follow label rules', () => {
  const errs = validateLabelSelector({ matchLabels: { app: 'bad value' } }, 'spec.selector');
  assert.equal(errs[0]!.field, 'spec.selector.matchLabels');
});
