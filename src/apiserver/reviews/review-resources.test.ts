import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/meta/types.ts';
import type { AuthorizationAttributes, Authorizer, Decision } from '../authz/authorizer.ts';
import { ApiError } from '../errors.ts';
import type { CreateOnlyResource } from '../registry/api-registry.ts';
import { reviewResources } from './review-resources.ts';

const jane = { name: 'jane', uid: 'u-1', groups: ['devs', 'system:authenticated'] };

/** An authorizer that answers `decision` and records what it was asked. */
function recording(decision: Decision): { authorizer: Authorizer; asked: AuthorizationAttributes[] } {
  const asked: AuthorizationAttributes[] = [];
  return {
    asked,
    authorizer: {
      async authorize(a) {
        asked.push(a);
        return { decision, reason: decision === 'allow' ? 'bound to editor' : 'no binding' };
      },
      async rulesFor(user, namespace) {
        return {
          resourceRules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: [namespace] }],
          nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
          incomplete: user.name === 'jane',
        };
      },
    },
  };
}

function resource(authorizer: Authorizer, kind: string): CreateOnlyResource {
  return reviewResources(authorizer).find((r) => r.type.kind === kind)!;
}

const body = (spec: unknown): KubeObject => ({ metadata: {}, spec });

describe('review resources', () => {
  it('SelfSubjectAccessReview asks about the requesting user', async () => {
    const { authorizer, asked } = recording('allow');
    const spec = { resourceAttributes: { namespace: 'web', verb: 'delete', group: 'apps', resource: 'deployments', subresource: 'scale', name: 'front' } };
    const answer = await resource(authorizer, 'SelfSubjectAccessReview').create({ user: jane, namespace: '', body: body(spec) });
    assert.deepEqual(answer, {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      metadata: {},
      spec,
      status: { allowed: true, reason: 'bound to editor' },
    });
    assert.deepEqual(asked, [
      { user: jane, resourceRequest: true, verb: 'delete', namespace: 'web', apiGroup: 'apps', apiVersion: '', resource: 'deployments', subresource: 'scale', name: 'front', path: '' },
    ]);
  });

  it('reports denials and non-resource checks', async () => {
    const { authorizer, asked } = recording('deny');
    const answer = await resource(authorizer, 'SelfSubjectAccessReview').create({ user: jane, namespace: '', body: body({ nonResourceAttributes: { path: '/metrics', verb: 'get' } }) });
    assert.deepEqual(answer.status, { allowed: false, denied: true, reason: 'no binding' });
    assert.equal(asked[0]!.resourceRequest, false);
    assert.equal(asked[0]!.path, '/metrics');
    const noOpinion = await resource(recording('no-opinion').authorizer, 'SelfSubjectAccessReview').create({ user: jane, namespace: '', body: body({ nonResourceAttributes: { path: '/', verb: 'get' } }) });
    assert.deepEqual(noOpinion.status, { allowed: false, reason: 'no binding' });
  });

  it('SubjectAccessReview asks about the named user; LocalSubjectAccessReview about its namespace', async () => {
    const { authorizer, asked } = recording('allow');
    await resource(authorizer, 'SubjectAccessReview').create({ user: jane, namespace: '', body: body({ user: 'bob', groups: ['ops'], resourceAttributes: { verb: 'get', resource: 'pods' } }) });
    assert.deepEqual(asked[0]!.user, { name: 'bob', groups: ['ops'] });
    const local = await resource(authorizer, 'LocalSubjectAccessReview').create({ user: jane, namespace: 'team-a', body: body({ user: 'bob', resourceAttributes: { verb: 'get', resource: 'pods' } }) });
    assert.equal(asked[1]!.namespace, 'team-a');
    assert.equal(local.metadata.namespace, 'team-a');
  });

  it('refuses reviews that ask nothing, or ask two things', async () => {
    const ssar = resource(recording('allow').authorizer, 'SelfSubjectAccessReview');
    await assert.rejects(ssar.create({ user: jane, namespace: '', body: body({}) }), (err: unknown) => err instanceof ApiError && err.code === 422);
    await assert.rejects(
      ssar.create({ user: jane, namespace: '', body: body({ resourceAttributes: {}, nonResourceAttributes: {} }) }),
      /cannot be specified in combination with resourceAttributes/,
    );
  });

  it('SelfSubjectRulesReview lists the rules of the user in the namespace', async () => {
    const rules = resource(recording('allow').authorizer, 'SelfSubjectRulesReview');
    const answer = await rules.create({ user: jane, namespace: '', body: body({ namespace: 'web' }) });
    assert.deepEqual(answer.status, {
      resourceRules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['web'] }],
      nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
      incomplete: true,
    });
    await assert.rejects(rules.create({ user: jane, namespace: '', body: body({}) }), /no namespace on request/);
  });

  it('SelfSubjectReview tells the user who they are', async () => {
    const answer = await resource(recording('allow').authorizer, 'SelfSubjectReview').create({ user: jane, namespace: '', body: { metadata: {} } });
    assert.deepEqual(answer.status, { userInfo: { username: 'jane', uid: 'u-1', groups: ['devs', 'system:authenticated'] } });
  });
});
