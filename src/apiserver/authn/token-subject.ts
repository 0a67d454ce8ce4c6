/**
 * Whether what a service account token names still exists: the service account with the uid
 * the token was issued for, and the pod or secret it is bound to. Deleting (or recreating) any
 * of them revokes the token, as in Kubernetes; an object whose graceful deletion started keeps
 * its tokens valid for a minute, so a terminating pod can still finish its work.
 */
import type { KubeObject } from '../../api/meta/types.ts';
import { ApiError } from '../errors.ts';
import type { ApiRegistry } from '../registry/api-registry.ts';
import type { TokenClaims } from './service-account-token.ts';

/** How long tokens stay valid after their object's deletion started. */
const DELETION_GRACE_MS = 60_000;

async function existingUid(registry: ApiRegistry, resource: string, namespace: string, name: string): Promise<string | undefined> {
  const served = registry.lookup('', 'v1', resource);
  if (served === undefined) return undefined;
  let obj: KubeObject;
  try {
    obj = await served.store.get(namespace, name);
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) return undefined;
    throw err;
  }
  const deleting = obj.metadata.deletionTimestamp;
  if (deleting !== undefined && Date.parse(deleting) + DELETION_GRACE_MS < Date.now()) return undefined;
  return obj.metadata.uid;
}

export async function tokenSubjectExists(registry: ApiRegistry, claims: TokenClaims): Promise<boolean> {
  if ((await existingUid(registry, 'serviceaccounts', claims.namespace, claims.name)) !== claims.uid) return false;
  const bound = claims.boundObject;
  if (bound === undefined) return true;
  const resource = bound.kind === 'Pod' ? 'pods' : 'secrets';
  return (await existingUid(registry, resource, claims.namespace, bound.name)) === bound.uid;
}
