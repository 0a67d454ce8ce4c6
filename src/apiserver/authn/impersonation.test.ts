import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { ApiError } from '../errors.ts';
import type { AuthorizationAttributes, Authorizer } from '../authz/authorizer.ts';
import { allowAllAuthorizer } from '../authz/authorizer.ts';
import type { UserInfo } from './authenticator.ts';
import { impersonatedUser } from './impersonation.ts';

const admin: UserInfo = { name: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] };

function request(headers: Record<string, string[]>): IncomingMessage {
  const single = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.join(', ')]));
  return { headers: single, headersDistinct: headers } as unknown as IncomingMessage;
}

/** Records what it is asked, and refuses `refused` resources. */
function recording(refused: string[] = []): Authorizer & { asked: AuthorizationAttributes[] } {
  const asked: AuthorizationAttributes[] = [];
  return {
    asked,
    async authorize(a) {
      asked.push(a);
      return refused.includes(a.resource) ? { decision: 'no-opinion', reason: '' } : { decision: 'allow', reason: '' };
    },
    rulesFor: (user, namespace) => allowAllAuthorizer.rulesFor(user, namespace),
  };
}

describe('impersonation', () => {
  it('acts as the user, groups, uid and extras asked for, each authorized with the impersonate verb', async () => {
    const authz = recording();
    const user = await impersonatedUser(
      request({ 'impersonate-user': ['bob'], 'impersonate-group': ['devs', 'ops'], 'impersonate-uid': ['u-1'], 'impersonate-extra-scopes%2fa': ['x'] }),
      admin,
      authz,
    );
    assert.deepEqual(user, { name: 'bob', groups: ['devs', 'ops', 'system:authenticated'], uid: 'u-1', extra: { 'scopes/a': ['x'] } });
    assert.deepEqual(
      authz.asked.map((a) => [a.verb, a.apiGroup, a.resource, a.subresource, a.name, a.user.name]),
      [
        ['impersonate', '', 'users', '', 'bob', 'kubernetes-admin'],
        ['impersonate', '', 'groups', '', 'devs', 'kubernetes-admin'],
        ['impersonate', '', 'groups', '', 'ops', 'kubernetes-admin'],
        ['impersonate', 'authentication.k8s.io', 'uids', '', 'u-1', 'kubernetes-admin'],
        ['impersonate', 'authentication.k8s.io', 'userextras', 'scopes/a', 'x', 'kubernetes-admin'],
      ],
    );
  });

  it('gives an impersonated service account its groups, and anonymous the unauthenticated group', async () => {
    const authz = recording();
    const sa = await impersonatedUser(request({ 'impersonate-user': ['system:serviceaccount:ns:robot'] }), admin, authz);
    assert.deepEqual(sa.groups, ['system:serviceaccounts', 'system:serviceaccounts:ns', 'system:authenticated']);
    assert.deepEqual([authz.asked[0]!.resource, authz.asked[0]!.namespace, authz.asked[0]!.name], ['serviceaccounts', 'ns', 'robot']);
    const anonymous = await impersonatedUser(request({ 'impersonate-user': ['system:anonymous'] }), admin, authz);
    assert.deepEqual(anonymous.groups, ['system:unauthenticated']);
  });

  it('without headers is the user itself; groups without a user, two users, or a refusal are errors', async () => {
    assert.equal(await impersonatedUser(request({}), admin, recording()), admin);
    await assert.rejects(impersonatedUser(request({ 'impersonate-group': ['devs'] }), admin, recording()), (e: unknown) => e instanceof ApiError && e.code === 400);
    await assert.rejects(impersonatedUser(request({ 'impersonate-user': ['a', 'b'] }), admin, recording()), (e: unknown) => e instanceof ApiError && e.code === 400);
    await assert.rejects(
      impersonatedUser(request({ 'impersonate-user': ['bob'], 'impersonate-group': ['root'] }), admin, recording(['groups'])),
      (e: unknown) => e instanceof ApiError && e.code === 403 && e.message === 'groups "root" is forbidden: User "kubernetes-admin" cannot impersonate resource "groups" in API group "" at the cluster scope',
    );
  });
});
