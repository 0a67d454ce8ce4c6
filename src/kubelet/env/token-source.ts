/**
 * Service account tokens for pods' projected volumes: requested through TokenRequest
 * (`serviceaccounts/<name>/token`), bound to the pod so they stop working once it is gone, and
 * reused until 80 % of their lifetime has passed, as upstream's kubelet token manager does. A
 * volume refresh (every minute) then rewrites the file with a token valid for at least a fifth
 * of its lifetime.
 */
import { serviceAccountType } from '../../api/core/v1/service-account.ts';
import type { Clientset } from '../../client/index.ts';
import type { Pod } from '../api-types.ts';

export interface TokenSpec {
  /** Who the token is for (default: the apiserver). */
  readonly audience?: string;
  readonly expirationSeconds: number;
}

export interface TokenSource {
  /** A token of the pod's service account bound to the pod. @throws the API's error (e.g. 404 for a missing account) */
  token(pod: Pod, spec: TokenSpec): Promise<string>;
  /** Drops what is kept for a pod that is gone. */
  forget(podUid: string): void;
}

interface Issued {
  readonly token: string;
  /** When it should be replaced (80 % of its lifetime), epoch ms. */
  readonly renewAt: number;
}

interface TokenRequestStatus {
  readonly status?: { readonly token?: string; readonly expirationTimestamp?: string };
}

/** Tokens from the API; `now` is the wall clock (tokens expire in wall time). */
export function apiTokenSource(clientset: Clientset, now: () => number = Date.now): TokenSource {
  const issued = new Map<string, Map<string, Issued>>();
  return {
    async token(pod, spec) {
      const uid = pod.metadata.uid ?? '';
      const key = `${pod.spec.serviceAccountName ?? 'default'}\u0000${spec.audience ?? ''}\u0000${spec.expirationSeconds}`;
      const kept = issued.get(uid)?.get(key);
      const requestedAt = now();
      if (kept !== undefined && requestedAt < kept.renewAt) return kept.token;
      const answer = await clientset.resource(serviceAccountType).createSubresource<TokenRequestStatus>(
        pod.spec.serviceAccountName ?? 'default',
        'token',
        {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenRequest',
          spec: {
            audiences: spec.audience === undefined || spec.audience === '' ? [] : [spec.audience],
            expirationSeconds: spec.expirationSeconds,
            boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: pod.metadata.name ?? '', uid },
          },
        },
        { namespace: pod.metadata.namespace ?? 'default' },
      );
      const token = answer.status?.token ?? '';
      const expiresAt = Date.parse(answer.status?.expirationTimestamp ?? '') || requestedAt + spec.expirationSeconds * 1000;
      let forPod = issued.get(uid);
      if (forPod === undefined) issued.set(uid, (forPod = new Map()));
      forPod.set(key, { token, renewAt: requestedAt + 0.8 * (expiresAt - requestedAt) });
      return token;
    },
    forget(podUid) {
      issued.delete(podUid);
    },
  };
}
