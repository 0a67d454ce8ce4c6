import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../meta/types.ts';
import { admitPodServiceAccount, SERVICE_ACCOUNT_MOUNT_PATH } from './service-account-admission.ts';

function pod(spec: Record<string, unknown>, annotations?: Record<string, string>): KubeObject {
  return { metadata: { name: 'p', namespace: 'web', ...(annotations === undefined ? {} : { annotations }) }, spec };
}

const account = (automount?: boolean): KubeObject => ({ metadata: { name: 'default', namespace: 'web' }, ...(automount === undefined ? {} : { automountServiceAccountToken: automount }) });

describe('ServiceAccount admission of pods', () => {
  it('adds a kube-api-access volume (token, CA, namespace) and mounts it read-only in every container', () => {
    const p = pod({ initContainers: [{ name: 'init' }], containers: [{ name: 'a' }, { name: 'b', volumeMounts: [{ name: 'data', mountPath: '/data' }] }], volumes: [{ name: 'data', emptyDir: {} }] });
    admitPodServiceAccount(p, account());
    const spec = p.spec;
    assert.equal(spec.volumes.length, 2);
    const volume = spec.volumes[1];
    assert.match(volume.name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.deepEqual(volume.projected.sources, [
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ]);
    const mount = { name: volume.name, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT_PATH };
    assert.deepEqual(spec.initContainers[0].volumeMounts, [mount]);
    assert.deepEqual(spec.containers[0].volumeMounts, [mount]);
    assert.deepEqual(spec.containers[1].volumeMounts, [{ name: 'data', mountPath: '/data' }, mount]);
  });

  it('honours automountServiceAccountToken: the pod first, then its account', () => {
    const optedOut = pod({ containers: [{ name: 'a' }] });
    admitPodServiceAccount(optedOut, account(false));
    assert.equal((optedOut.spec).volumes, undefined);
    const optedIn = pod({ automountServiceAccountToken: true, containers: [{ name: 'a' }] });
    admitPodServiceAccount(optedIn, account(false));
    assert.equal((optedIn.spec).volumes.length, 1);
    const podOptsOut = pod({ automountServiceAccountToken: false, containers: [{ name: 'a' }] });
    admitPodServiceAccount(podOptsOut, undefined);
    assert.equal((podOptsOut.spec).volumes, undefined);
  });

  it('leaves containers that mount something at the path, and mirror pods, alone', () => {
    const own = pod({ containers: [{ name: 'a', volumeMounts: [{ name: 'mine', mountPath: SERVICE_ACCOUNT_MOUNT_PATH }] }], volumes: [{ name: 'mine', emptyDir: {} }] });
    admitPodServiceAccount(own, account());
    assert.deepEqual((own.spec).volumes, [{ name: 'mine', emptyDir: {} }]);
    const mirror = pod({ containers: [{ name: 'a' }] }, { 'kubernetes.io/config.mirror': 'x' });
    admitPodServiceAccount(mirror, account());
    assert.equal((mirror.spec).volumes, undefined);
  });
});
