import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_RULES, type Authorizer, type Decision } from './authorizer.ts';
import { privilegedGroupAuthorizer } from './privileged-group.ts';
import { pathRequest } from './rbac/testing.ts';
import { unionAuthorizer } from './union-authorizer.ts';

function fixed(decision: Decision, reason: string): Authorizer {
  return { authorize: async () => ({ decision, reason }), rulesFor: async () => ALL_RULES };
}

describe('union authorizer', () => {
  const jane = { name: 'jane', groups: [] };

  it('takes the first decision that is not no-opinion', async () => {
    assert.deepEqual(await unionAuthorizer([fixed('no-opinion', 'a'), fixed('deny', 'b'), fixed('allow', 'c')]).authorize(pathRequest(jane, 'get', '/')), { decision: 'deny', reason: 'b' });
    assert.deepEqual(await unionAuthorizer([fixed('no-opinion', 'a'), fixed('no-opinion', '')]).authorize(pathRequest(jane, 'get', '/')), { decision: 'no-opinion', reason: 'a' });
  });

  it('lists each rule once', async () => {
    const rules = await unionAuthorizer([fixed('allow', ''), fixed('allow', '')]).rulesFor(jane, 'default');
    assert.deepEqual(rules, ALL_RULES);
  });

  it('lets system:masters members do anything, and nobody else', async () => {
    const root = { name: 'root', groups: ['system:masters'] };
    assert.equal((await privilegedGroupAuthorizer.authorize(pathRequest(root, 'delete', '/anything'))).decision, 'allow');
    assert.equal((await privilegedGroupAuthorizer.authorize(pathRequest(jane, 'get', '/'))).decision, 'no-opinion');
    assert.deepEqual(await privilegedGroupAuthorizer.rulesFor(jane, ''), { resourceRules: [], nonResourceRules: [], incomplete: false });
  });
});
