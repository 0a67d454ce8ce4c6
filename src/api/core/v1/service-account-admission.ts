/**
 * ServiceAccount admission of a new pod, as upstream's plugin does it: unless the pod, or else
 * its service account, sets `automountServiceAccountToken: false`, the pod gets a projected
 * volume `kube-api-access-<suffix>` — a token of its service account bound to the pod, the
 * cluster CA from the `kube-root-ca.crt` ConfigMap, and the pod's namespace — mounted read-only
 * at /var/run/secrets/kubernetes.io/serviceaccount in every container and init container that
 * does not mount something there itself. Mirror pods are left alone. (Upstream also refuses a
 * pod whose service account does not exist yet; k8ts admits it, since the account usually
 * follows its namespace by milliseconds, and the kubelet's token request waits for it.)
 */
import { randomNameSuffix } from '../../meta/name-suffix.ts';
import { isObject, objects, str, type JsonObject } from '../../meta/shape.ts';
import type { KubeObject } from '../../meta/types.ts';

export const SERVICE_ACCOUNT_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
const VOLUME_PREFIX = 'kube-api-access-';
/** What upstream's admission asks: an hour and seven seconds (the seven tell its tokens apart). */
const TOKEN_EXPIRATION_SECONDS = 3607;
const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

function wantsToken(spec: JsonObject, serviceAccount: KubeObject | undefined): boolean {
  if (typeof spec.automountServiceAccountToken === 'boolean') return spec.automountServiceAccountToken;
  const fromAccount: unknown = serviceAccount?.automountServiceAccountToken;
  return typeof fromAccount === 'boolean' ? fromAccount : true;
}

function apiAccessVolume(name: string): JsonObject {
  return {
    name,
    projected: {
      defaultMode: 0o644,
      sources: [
        { serviceAccountToken: { expirationSeconds: TOKEN_EXPIRATION_SECONDS, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  };
}

/** Adds the API access volume and its mounts to `pod` (in place); see the file comment. */
export function admitPodServiceAccount(pod: KubeObject, serviceAccount: KubeObject | undefined): void {
  const spec: unknown = pod.spec;
  if (!isObject(spec) || pod.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) return;
  if (!wantsToken(spec, serviceAccount)) return;
  const containers = [...objects(spec.initContainers), ...objects(spec.containers)].filter(
    (c) => !objects(c.volumeMounts).some((m) => str(m.mountPath) === SERVICE_ACCOUNT_MOUNT_PATH),
  );
  if (containers.length === 0) return;
  const volumes = objects(spec.volumes);
  let name = VOLUME_PREFIX + randomNameSuffix();
  while (volumes.some((v) => v.name === name)) name = VOLUME_PREFIX + randomNameSuffix();
  spec.volumes = [...volumes, apiAccessVolume(name)];
  for (const c of containers) c.volumeMounts = [...objects(c.volumeMounts), { name, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT_PATH }];
}
