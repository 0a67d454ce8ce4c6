import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RulesResult } from '../authorizer.ts';
import { readPolicyRule } from './policy-rule.ts';
import { uncoveredRules } from './rule-coverage.ts';

function held(resourceRules: RulesResult['resourceRules'], nonResourceRules: RulesResult['nonResourceRules'] = []): RulesResult {
  return { resourceRules, nonResourceRules, incomplete: false };
}

describe('RBAC rule coverage', () => {
  const podAdmin = held([{ verbs: ['*'], apiGroups: [''], resources: ['pods', '*/status'], resourceNames: [] }], [{ verbs: ['get'], nonResourceURLs: ['/healthz/*'] }]);

  it('covers each verb, group, resource and name asked for by some held rule', () => {
    assert.deepEqual(uncoveredRules(podAdmin, [readPolicyRule({ verbs: ['get', 'delete'], apiGroups: [''], resources: ['pods', 'services/status'] })]), []);
    assert.deepEqual(uncoveredRules(podAdmin, [readPolicyRule({ verbs: ['get'], nonResourceURLs: ['/healthz/etcd'] })]), []);
  });

  it('reports what is not held, one line per target with its verbs', () => {
    const missing = uncoveredRules(podAdmin, [
      readPolicyRule({ verbs: ['get', 'list'], apiGroups: ['', 'apps'], resources: ['pods', 'deployments'] }),
      readPolicyRule({ verbs: ['get'], nonResourceURLs: ['/metrics'] }),
    ]);
    assert.deepEqual(missing, [
      '{APIGroups:[""], Resources:["deployments"], Verbs:["get" "list"]}',
      '{APIGroups:["apps"], Resources:["pods"], Verbs:["get" "list"]}',
      '{APIGroups:["apps"], Resources:["deployments"], Verbs:["get" "list"]}',
      '{NonResourceURLs:["/metrics"], Verbs:["get"]}',
    ]);
  });

  it('covers a * asked for only by a * held', () => {
    assert.equal(uncoveredRules(podAdmin, [readPolicyRule({ verbs: ['get'], apiGroups: [''], resources: ['*'] })]).length, 1);
    assert.equal(uncoveredRules(podAdmin, [readPolicyRule({ verbs: ['get'], apiGroups: ['*'], resources: ['pods'] })]).length, 1);
    const everything = held([{ verbs: ['*'], apiGroups: ['*'], resources: ['*'], resourceNames: [] }], [{ verbs: ['*'], nonResourceURLs: ['*'] }]);
    assert.deepEqual(uncoveredRules(everything, [readPolicyRule({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }), readPolicyRule({ verbs: ['*'], nonResourceURLs: ['*'] })]), []);
  });

  it('lets rules held for some names cover only those names', () => {
    const one = held([{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }]);
    assert.deepEqual(uncoveredRules(one, [readPolicyRule({ verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] })]), []);
    assert.deepEqual(uncoveredRules(one, [readPolicyRule({ verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['b'] })]), [
      '{APIGroups:[""], Resources:["configmaps"], ResourceNames:["b"], Verbs:["get"]}',
    ]);
    assert.equal(uncoveredRules(one, [readPolicyRule({ verbs: ['get'], apiGroups: [''], resources: ['configmaps'] })]).length, 1);
  });
});
