import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readPolicyRule, ruleAllows } from './policy-rule.ts';
import { pathRequest, resourceRequest } from './testing.ts';

const jane = { name: 'jane', groups: [] };

describe('RBAC rule matching', () => {
  it('matches verbs, groups and resources exactly or by *', () => {
    const rule = readPolicyRule({ verbs: ['get', 'list'], apiGroups: ['apps'], resources: ['deployments'] });
    assert.equal(ruleAllows(rule, resourceRequest(jane, 'get', 'deployments', { group: 'apps' })), true);
    assert.equal(ruleAllows(rule, resourceRequest(jane, 'delete', 'deployments', { group: 'apps' })), false);
    assert.equal(ruleAllows(rule, resourceRequest(jane, 'get', 'deployments', { group: '' })), false);
    assert.equal(ruleAllows(rule, resourceRequest(jane, 'get', 'replicasets', { group: 'apps' })), false);
    const all = readPolicyRule({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] });
    assert.equal(ruleAllows(all, resourceRequest(jane, 'deletecollection', 'widgets/status', { group: 'example.com' })), true);
  });

  it('grants a subresource only when named, or by */<subresource>', () => {
    const pods = readPolicyRule({ verbs: ['get'], apiGroups: [''], resources: ['pods'] });
    assert.equal(ruleAllows(pods, resourceRequest(jane, 'get', 'pods/log')), false);
    const logs = readPolicyRule({ verbs: ['get'], apiGroups: [''], resources: ['pods/log'] });
    assert.equal(ruleAllows(logs, resourceRequest(jane, 'get', 'pods/log')), true);
    assert.equal(ruleAllows(logs, resourceRequest(jane, 'get', 'pods')), false);
    const anyScale = readPolicyRule({ verbs: ['update'], apiGroups: ['*'], resources: ['*/scale'] });
    assert.equal(ruleAllows(anyScale, resourceRequest(jane, 'update', 'deployments/scale', { group: 'apps' })), true);
    assert.equal(ruleAllows(anyScale, resourceRequest(jane, 'update', 'deployments', { group: 'apps' })), false);
  });

  it('restricts by resourceNames, which no unnamed request (list, create) matches', () => {
    const rule = readPolicyRule({ verbs: ['get', 'list'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['settings'] });
    assert.equal(ruleAllows(rule, resourceRequest(jane, 'get', 'configmaps', { name: 'settings' })), true);
    assert.equal(ruleAllows(rule, resourceRequest(jane, 'get', 'configmaps', { name: 'other' })), false);
    assert.equal(ruleAllows(rule, resourceRequest(jane, 'list', 'configmaps')), false);
  });

  it('matches non-resource URLs exactly or by a trailing *', () => {
    const rule = readPolicyRule({ verbs: ['get'], nonResourceURLs: ['/healthz', '/apis/*'] });
    assert.equal(ruleAllows(rule, pathRequest(jane, 'get', '/healthz')), true);
    assert.equal(ruleAllows(rule, pathRequest(jane, 'get', '/healthz/etcd')), false);
    assert.equal(ruleAllows(rule, pathRequest(jane, 'get', '/apis/apps/v1')), true);
    assert.equal(ruleAllows(rule, pathRequest(jane, 'post', '/apis/apps/v1')), false);
    // A resource rule never grants a path, nor a URL rule a resource.
    assert.equal(ruleAllows(readPolicyRule({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }), pathRequest(jane, 'get', '/healthz')), false);
    assert.equal(ruleAllows(readPolicyRule({ verbs: ['*'], nonResourceURLs: ['*'] }), resourceRequest(jane, 'get', 'pods')), false);
  });

  it('reads wrongly typed stored parts as empty', () => {
    assert.deepEqual(readPolicyRule({ verbs: 'get', apiGroups: [5, ''], resources: null }), { verbs: [], apiGroups: [''], resources: [], resourceNames: [], nonResourceURLs: [] });
  });
});
