import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../../api/meta/types.ts';
import type { Pod, Volume } from '../../api-types.ts';
import type { ConfigSource } from '../../env/config-source.ts';
import type { TokenSource } from '../../env/token-source.ts';
import { SERVICE_ACCOUNT_MOUNT_PATH } from '../../../api/core/v1/service-account-admission.ts';
import { containerMounts, envSuffix, mapWorkingDir } from './mount-env.ts';
import { setUpVolumes, VolumeSetupError, type VolumeContext } from './volumes.ts';

const root = mkdtempSync(join(tmpdir(), 'k8ts-volumes-test-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

function ctx(volumes: Volume[], objects: KubeObject[]): VolumeContext {
  const find = (kind: string, ns: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.namespace === ns && o.metadata.name === name);
  const config: ConfigSource = { configMap: async (ns, name) => find('ConfigMap', ns, name), secret: async (ns, name) => find('Secret', ns, name) };
  const pod: Pod = {
    metadata: { name: 'p', namespace: 'ns', uid: 'u', labels: { a: 'b' } },
    spec: { containers: [{ name: 'c', command: ['true'], resources: { limits: { memory: '32Mi' } } }], volumes },
  };
  const tokens: TokenSource = {
    token: async (p, spec) => {
      if (p.spec.serviceAccountName === 'missing') throw new Error('serviceaccounts "missing" not found');
      return `token-of-${p.spec.serviceAccountName ?? 'default'}-for-${spec.audience ?? 'apiserver'}-${spec.expirationSeconds}`;
    },
    forget: () => undefined,
  };
  return {
    pod,
    podDir: join(root, `pod-${++n}`),
    config,
    tokens,
    apiServer: 'https://127.11.1.1:443',
    addresses: { podIP: '127.21.1.2', hostIP: '127.10.1.1' },
    nodeAllocatable: { cpu: '2', memory: '1Gi' },
  };
}

const mode = (p: string): number => statSync(p).mode & 0o777;
const cm: KubeObject = { kind: 'ConfigMap', metadata: { namespace: 'ns', name: 'cfg' }, data: { 'app.yaml': 'x: 1\n', other: 'o' }, binaryData: { bin: Buffer.from([1, 2]).toString('base64') } };
const secret: KubeObject = { kind: 'Secret', metadata: { namespace: 'ns', name: 'creds' }, data: { password: Buffer.from('pw').toString('base64') } };

describe('setUpVolumes', () => {
  it('makes emptyDir directories and projects configMap keys as files with defaultMode', async () => {
    const c = ctx([{ name: 'scratch', emptyDir: {} }, { name: 'config', configMap: { name: 'cfg', defaultMode: 0o640 } }], [cm]);
    const paths = await setUpVolumes(c);
    assert.equal(statSync(paths.get('scratch')!).isDirectory(), true);
    const dir = paths.get('config')!;
    assert.equal(readFileSync(join(dir, 'app.yaml'), 'utf8'), 'x: 1\n');
    assert.deepEqual([...readFileSync(join(dir, 'bin'))], [1, 2]);
    assert.equal(mode(join(dir, 'app.yaml')), 0o640);
  });

  it('honours items (paths and per-item modes) and removes keys that disappeared on refresh', async () => {
    const c = ctx([{ name: 'creds', secret: { secretName: 'creds', items: [{ key: 'password', path: 'db/pass', mode: 0o600 }] } }], [secret]);
    const paths = await setUpVolumes(c);
    const file = join(paths.get('creds')!, 'db', 'pass');
    assert.equal(readFileSync(file, 'utf8'), 'pw');
    assert.equal(mode(file), 0o600);
    const c2 = ctx([{ name: 'config', configMap: { name: 'cfg' } }], [cm]);
    const dir = (await setUpVolumes(c2)).get('config')!;
    writeFileSync(join(dir, 'stale'), 'old');
    await setUpVolumes({ ...c2, podDir: c2.podDir });
    assert.equal(existsSync(join(dir, 'stale')), false);
  });

  it('writes downwardAPI fields and resources, and merges projected sources', async () => {
    const c = ctx(
      [
        {
          name: 'info',
          downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'mem', resourceFieldRef: { containerName: 'c', resource: 'limits.memory', divisor: '1Mi' } }] },
        },
        { name: 'all', projected: { sources: [{ configMap: { name: 'cfg', items: [{ key: 'other', path: 'o.txt' }] } }, { secret: { name: 'creds' } }] } },
      ],
      [cm, secret],
    );
    const paths = await setUpVolumes(c);
    assert.equal(readFileSync(join(paths.get('info')!, 'labels'), 'utf8'), 'a="b"');
    assert.equal(readFileSync(join(paths.get('info')!, 'mem'), 'utf8'), '32');
    assert.equal(readFileSync(join(paths.get('all')!, 'o.txt'), 'utf8'), 'o');
    assert.equal(readFileSync(join(paths.get('all')!, 'password'), 'utf8'), 'pw');
  });

  it('writes a projected service account token, and a kubeconfig naming it, the CA and the in-cluster apiserver', async () => {
    const rootCa: KubeObject = { kind: 'ConfigMap', metadata: { namespace: 'ns', name: 'kube-root-ca.crt' }, data: { 'ca.crt': 'PEM' } };
    const c = ctx(
      [
        {
          name: 'kube-api-access-x',
          projected: {
            sources: [
              { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } },
              { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
              { serviceAccountToken: { path: 'vault/token', audience: 'vault', expirationSeconds: 600 } },
            ],
          },
        },
      ],
      [rootCa],
    );
    const dir = (await setUpVolumes(c)).get('kube-api-access-x')!;
    assert.equal(readFileSync(join(dir, 'token'), 'utf8'), 'token-of-default-for-apiserver-3607');
    assert.equal(readFileSync(join(dir, 'vault/token'), 'utf8'), 'token-of-default-for-vault-600');
    const kubeconfig = JSON.parse(readFileSync(join(dir, 'kubeconfig'), 'utf8'));
    assert.deepEqual(kubeconfig.clusters, [{ name: 'in-cluster', cluster: { server: 'https://127.11.1.1:443', 'certificate-authority': join(dir, 'ca.crt') } }]);
    assert.deepEqual(kubeconfig.users[0].user, { tokenFile: join(dir, 'token'), 'token-file': join(dir, 'token') });
    assert.equal(kubeconfig.contexts[0].context.namespace, 'ns');
    // A container mounting it at the in-cluster path is pointed at the kubeconfig.
    const mounted = containerMounts({ name: 'c', volumeMounts: [{ name: 'kube-api-access-x', mountPath: SERVICE_ACCOUNT_MOUNT_PATH }] }, new Map([['kube-api-access-x', dir]]));
    assert.equal(mounted.env.get('KUBECONFIG'), join(dir, 'kubeconfig'));
    const elsewhere = containerMounts({ name: 'c', volumeMounts: [{ name: 'kube-api-access-x', mountPath: '/api' }] }, new Map([['kube-api-access-x', dir]]));
    assert.equal(elsewhere.env.get('KUBECONFIG'), undefined);
  });

  it('waits with a clear message while the token cannot be had', async () => {
    const c = ctx([{ name: 'api', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }], []);
    const pod = { ...c.pod, spec: { ...c.pod.spec, serviceAccountName: 'missing' } };
    await assert.rejects(setUpVolumes({ ...c, pod }), (err: Error) => {
      assert.ok(err instanceof VolumeSetupError);
      assert.equal(err.message, 'MountVolume.SetUp failed for volume "api": failed to fetch token: serviceaccounts "missing" not found');
      return true;
    });
  });

  it('passes hostPath through, creating it for DirectoryOrCreate and checking Directory', async () => {
    const wanted = join(root, 'host-made');
    const c = ctx([{ name: 'h', hostPath: { path: wanted, type: 'DirectoryOrCreate' } }], []);
    assert.equal((await setUpVolumes(c)).get('h'), wanted);
    assert.equal(statSync(wanted).isDirectory(), true);
    const missing = ctx([{ name: 'h', hostPath: { path: join(root, 'absent'), type: 'Directory' } }], []);
    await assert.rejects(setUpVolumes(missing), /hostPath type check failed: .*absent is not a directory/);
  });

  it('fails clearly for a missing configMap, a missing key, an escaping path and an unsupported type', async () => {
    await assert.rejects(setUpVolumes(ctx([{ name: 'v', configMap: { name: 'nope' } }], [])), (err: Error) => {
      assert.ok(err instanceof VolumeSetupError);
      assert.match(err.message, /volume "v": configmap "nope" not found/);
      return true;
    });
    await assert.doesNotReject(setUpVolumes(ctx([{ name: 'v', configMap: { name: 'nope', optional: true } }], [])));
    await assert.rejects(setUpVolumes(ctx([{ name: 'v', configMap: { name: 'cfg', items: [{ key: 'zzz', path: 'z' }] } }], [cm])), /key "zzz" not found/);
    await assert.rejects(setUpVolumes(ctx([{ name: 'v', configMap: { name: 'cfg', items: [{ key: 'other', path: '../escape' }] } }], [cm])), /may not contain/);
    await assert.rejects(setUpVolumes(ctx([{ name: 'data', persistentVolumeClaim: { claimName: 'x' } }], [])), /type persistentVolumeClaim, which the process runtime cannot provide/);
  });
});

describe('mount env', () => {
  it('names each mount by volume and by mount path, with subPath', () => {
    const volumes = new Map([['config-data', '/pods/u/volumes/config-data'], ['cache', '/pods/u/volumes/cache']]);
    const { env, mounts } = containerMounts(
      { name: 'c', volumeMounts: [{ name: 'config-data', mountPath: '/etc/app' }, { name: 'config-data', mountPath: '/etc/one.yaml', subPath: 'one.yaml' }, { name: 'cache', mountPath: '/var/cache/x' }] },
      volumes,
    );
    assert.equal(env.get('K8TS_VOLUME_CONFIG_DATA'), '/pods/u/volumes/config-data');
    assert.equal(env.get('K8TS_MOUNT_ETC_APP'), '/pods/u/volumes/config-data');
    assert.equal(env.get('K8TS_MOUNT_ETC_ONE_YAML'), '/pods/u/volumes/config-data/one.yaml');
    assert.equal(env.get('K8TS_VOLUME_CACHE'), '/pods/u/volumes/cache');
    assert.equal(mapWorkingDir('/var/cache/x/sub', mounts), '/pods/u/volumes/cache/sub');
    assert.equal(mapWorkingDir('/etc/app', mounts), '/pods/u/volumes/config-data');
    assert.equal(mapWorkingDir('/srv', mounts), '/srv');
    assert.equal(envSuffix('/a//b-c.d/'), 'A_B_C_D');
  });
});
