/**
 * Impersonation (`kubectl --as`, `--as-group`, `--as-uid`; client libraries' `Impersonate-*`
 * headers): an authenticated request may act as another user. Each thing it asks to be is
 * authorized first with the `impersonate` verb, as upstream checks it — the user (`users`, or
 * `serviceaccounts` in its namespace for a service account name), every group (`groups`), the
 * uid (`uids`) and every extra value (`userextras/<key>`, both authentication.k8s.io) — and
 * the request then runs entirely as the impersonated user.
 */
import type { IncomingMessage } from 'node:http';
import { badRequest } from '../errors.ts';
import type { AuthorizationAttributes, Authorizer } from '../authz/authorizer.ts';
import { forbiddenError } from '../authz/attributes.ts';
import type { UserInfo } from './authenticator.ts';

const AUTHENTICATED = 'system:authenticated';
const ANONYMOUS = 'system:anonymous';
const UNAUTHENTICATED = 'system:unauthenticated';
const SERVICE_ACCOUNT = /^system:serviceaccount:([^:]+):([^:]+)$/;
const EXTRA_PREFIX = 'impersonate-extra-';

/** A percent-encoded extra key decoded; one that is not valid percent-encoding is taken as written. */
function unescapeKey(key: string): string {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

function values(req: IncomingMessage, header: string): string[] {
  return (req.headersDistinct[header] ?? []).map((v) => v.trim()).filter((v) => v !== '');
}

/** The user `req` acts as: `user` itself unless it carries Impersonate-* headers. */
export async function impersonatedUser(req: IncomingMessage, user: UserInfo, authorizer: Authorizer): Promise<UserInfo> {
  // Most requests impersonate no one: leave Node's per-request list of repeated headers unbuilt.
  if (!Object.keys(req.headers).some((h) => h.startsWith('impersonate-'))) return user;
  const names = values(req, 'impersonate-user');
  const groups = values(req, 'impersonate-group');
  const uids = values(req, 'impersonate-uid');
  const extra: Record<string, string[]> = {};
  for (const header of Object.keys(req.headersDistinct)) {
    if (!header.startsWith(EXTRA_PREFIX)) continue;
    // Header names cannot carry every key character, so keys travel percent-encoded.
    extra[unescapeKey(header.slice(EXTRA_PREFIX.length))] = values(req, header);
  }
  const others = groups.length > 0 || uids.length > 0 || Object.keys(extra).length > 0;
  if (names.length === 0) {
    if (others) throw badRequest('requested impersonation of groups, a uid or extra attributes without impersonating a user');
    return user;
  }
  if (names.length > 1 || uids.length > 1) throw badRequest('only one user and one uid can be impersonated');
  const name = names[0]!;

  const check = async (attributes: Omit<AuthorizationAttributes, 'user' | 'verb' | 'resourceRequest' | 'apiVersion' | 'path'>): Promise<void> => {
    const full: AuthorizationAttributes = { user, verb: 'impersonate', resourceRequest: true, apiVersion: '', path: '', ...attributes };
    const decision = await authorizer.authorize(full);
    if (decision.decision !== 'allow') throw forbiddenError(full, decision.reason);
  };
  const serviceAccount = SERVICE_ACCOUNT.exec(name);
  const impersonated = [...groups];
  if (serviceAccount !== null) {
    const [, namespace, account] = serviceAccount;
    await check({ namespace: namespace!, apiGroup: '', resource: 'serviceaccounts', subresource: '', name: account! });
    // A service account's groups follow from its name.
    if (groups.length === 0) impersonated.push('system:serviceaccounts', `system:serviceaccounts:${namespace!}`);
  } else {
    await check({ namespace: '', apiGroup: '', resource: 'users', subresource: '', name });
  }
  for (const group of groups) await check({ namespace: '', apiGroup: '', resource: 'groups', subresource: '', name: group });
  for (const uid of uids) await check({ namespace: '', apiGroup: 'authentication.k8s.io', resource: 'uids', subresource: '', name: uid });
  for (const [key, list] of Object.entries(extra)) {
    for (const value of list) await check({ namespace: '', apiGroup: 'authentication.k8s.io', resource: 'userextras', subresource: key, name: value });
  }
  const implied = name === ANONYMOUS ? UNAUTHENTICATED : AUTHENTICATED;
  if (!impersonated.includes(implied)) impersonated.push(implied);
  return {
    name,
    groups: impersonated,
    ...(uids.length > 0 ? { uid: uids[0]! } : {}),
    ...(Object.keys(extra).length > 0 ? { extra } : {}),
  };
}

