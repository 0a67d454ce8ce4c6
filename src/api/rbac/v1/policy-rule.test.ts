import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { samePolicyRule, withMissing, withMissingRules } from './policy-rule.ts';

describe('policy rule unions', () => {
  it('samePolicyRule() compares every list in order, an absent list counting as empty', () => {
    assert.ok(samePolicyRule({ verbs: ['get'], apiGroups: [''], resources: ['pods'] }, { verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: [] }));
    assert.ok(!samePolicyRule({ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }, { verbs: ['list', 'get'], apiGroups: [''], resources: ['pods'] }));
    assert.ok(!samePolicyRule({ verbs: ['get'], nonResourceURLs: ['/healthz'] }, { verbs: ['get'], nonResourceURLs: ['/livez'] }));
    assert.ok(!samePolicyRule(null, null));
  });

  it('withMissingRules() appends only the rules not there yet, and keeps the existing ones as they are', () => {
    const a = { verbs: ['get'], apiGroups: [''], resources: ['pods'] };
    const b = { verbs: ['get'], apiGroups: [''], resources: ['services'] };
    assert.deepEqual(withMissingRules([a, a], [b, { ...a, resourceNames: [] }, b]), [a, a, b]);
  });

  it('withMissing() compares deeply by default', () => {
    assert.deepEqual(withMissing([{ kind: 'User', name: 'a' }], [{ name: 'a', kind: 'User' }, { kind: 'Group', name: 'g' }]), [{ kind: 'User', name: 'a' }, { kind: 'Group', name: 'g' }]);
  });
});
