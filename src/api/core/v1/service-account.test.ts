import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceAccountTableRow, validateServiceAccount } from './service-account.ts';

void test('secret references must be valid names; SECRETS counts them', () => {
  const sa = { metadata: { name: 'default', creationTimestamp: '2024-05-01T11:59:00Z' }, secrets: [{ name: 'tok' }, { name: 'Bad_Name' }] };
  const errs = validateServiceAccount(sa);
  assert.equal(errs.length, 1);
  assert.equal(errs[0]!.field, 'secrets[1].name');
  assert.deepEqual(serviceAccountTableRow(sa, new Date('2024-05-01T12:00:00Z')), [2, '60s']);
});
