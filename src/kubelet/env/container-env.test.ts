import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/meta/types.ts';
import type { Container, Pod } from '../api-types.ts';
import { buildContainerLaunch, type ContainerEnvInput } from './container-env.ts';
import type { ConfigSource } from './config-source.ts';
import { expandVariables } from './expansion.ts';
import { serviceEnvironment } from './service-env.ts';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

function source(objects: KubeObject[]): ConfigSource {
  const find = (kind: string, ns: string, name: string) =>
    objects.find((o) => o.kind === kind && o.metadata.namespace === ns && o.metadata.name === name);
  return { configMap: async (ns, name) => find('ConfigMap', ns, name), secret: async (ns, name) => find('Secret', ns, name) };
}

function pod(container: Container, extra: Partial<Pod['spec']> = {}): Pod {
  return {
    metadata: { name: 'web-1', namespace: 'shop', uid: 'u-1', labels: { app: 'web', tier: 'front' }, annotations: { note: 'a "quoted" one' } },
    spec: { nodeName: 'cp-1', serviceAccountName: 'default', containers: [container], ...extra },
  };
}

function input(p: Pod, objects: KubeObject[] = [], services: KubeObject[] = []): ContainerEnvInput {
  return {
    pod: p,
    container: p.spec.containers[0]!,
    addresses: { podIP: '127.21.1.5', hostIP: '127.10.1.1' },
    services,
    config: source(objects),
    nodeAllocatable: { cpu: '2', memory: '8Gi' },
    runtimeEnv: new Map([['POD_IP', '127.21.1.5'], ['PATH', '/usr/bin:/bin']]),
  };
}

describe('expandVariables', () => {
  const vars: Record<string, string> = { A: 'x', B: 'y' };
  const look = (n: string) => vars[n];
  it('replaces defined references and keeps undefined ones as written', () => {
    assert.equal(expandVariables('$(A)-$(B)-$(C)', look), 'x-y-$(C)');
  });
  it('treats $$ as an escaped dollar, so $$(A) is the literal $(A)', () => {
    assert.equal(expandVariables('$$(A) $$ $A $', look), '$(A) $ $A $');
  });
  it('keeps an unterminated reference and an empty one', () => {
    assert.equal(expandVariables('pre $(A', look), 'pre $(A');
    assert.equal(expandVariables('$()', look), '$()');
  });
});

describe('serviceEnvironment', () => {
  const svc = (ns: string, name: string, ip: string, ports: object[]): KubeObject => ({ metadata: { namespace: ns, name }, spec: { clusterIP: ip, ports } });
  const services = [
    svc('default', 'kubernetes', '127.11.1.1', [{ name: 'https', port: 443, protocol: 'TCP' }]),
    svc('shop', 'web-api', '127.11.1.20', [{ name: 'http', port: 80, protocol: 'TCP' }, { name: 'dns', port: 53, protocol: 'UDP' }]),
    svc('shop', 'headless', 'None', [{ port: 80 }]),
    svc('other', 'elsewhere', '127.11.1.30', [{ port: 80 }]),
  ];
  it('gives the kubernetes service and the namespace services, docker-links style', () => {
    const env = serviceEnvironment('shop', true, services);
    assert.equal(env.get('KUBERNETES_SERVICE_HOST'), '127.11.1.1');
    assert.equal(env.get('KUBERNETES_SERVICE_PORT'), '443');
    assert.equal(env.get('KUBERNETES_SERVICE_PORT_HTTPS'), '443');
    assert.equal(env.get('KUBERNETES_PORT_443_TCP'), 'tcp://127.11.1.1:443');
    assert.equal(env.get('WEB_API_SERVICE_HOST'), '127.11.1.20');
    assert.equal(env.get('WEB_API_SERVICE_PORT'), '80');
    assert.equal(env.get('WEB_API_PORT'), 'tcp://127.11.1.20:80');
    assert.equal(env.get('WEB_API_PORT_53_UDP_PROTO'), 'udp');
    assert.equal(env.get('WEB_API_PORT_80_TCP_ADDR'), '127.11.1.20');
    assert.equal(env.get('WEB_API_SERVICE_PORT_DNS'), '53');
    assert.equal([...env.keys()].some((k) => k.startsWith('HEADLESS_') || k.startsWith('ELSEWHERE_')), false);
  });
  it('gives only the kubernetes service when service links are off', () => {
    const env = serviceEnvironment('shop', false, services);
    assert.equal(env.get('KUBERNETES_SERVICE_HOST'), '127.11.1.1');
    assert.equal(env.has('WEB_API_SERVICE_HOST'), false);
  });
});

describe('buildContainerLaunch', () => {
  it('layers runtime and service variables, envFrom, then env, expanding $(VAR) in order', async () => {
    const c: Container = {
      name: 'app',
      command: ['python3', '-m', 'http.server', '--bind', '$(POD_IP)', '$(PORT)'],
      args: ['--greeting=$(GREETING)', '$(UNKNOWN)'],
      envFrom: [{ configMapRef: { name: 'settings' } }, { prefix: 'S_', secretRef: { name: 'creds' } }],
      env: [
        { name: 'PORT', value: '8080' },
        { name: 'GREETING', value: 'hello-$(COLOR)-$(PORT)' },
        { name: 'COLOR', value: 'overridden' },
      ],
    };
    const objects: KubeObject[] = [
      { kind: 'ConfigMap', metadata: { namespace: 'shop', name: 'settings' }, data: { COLOR: 'blue', 'bad name': 'skipped' } },
      { kind: 'Secret', metadata: { namespace: 'shop', name: 'creds' }, data: { TOKEN: b64('s3cret') } },
    ];
    const { env, argv } = await buildContainerLaunch(input(pod(c), objects));
    assert.deepEqual(argv, ['python3', '-m', 'http.server', '--bind', '127.21.1.5', '8080', '--greeting=hello-blue-8080', '$(UNKNOWN)']);
    assert.equal(env.get('S_TOKEN'), 's3cret');
    assert.equal(env.get('COLOR'), 'overridden');
    assert.equal(env.has('bad name'), false);
    assert.equal(env.get('PATH'), '/usr/bin:/bin');
  });

  it('resolves fieldRef, resourceFieldRef, configMapKeyRef and secretKeyRef', async () => {
    const c: Container = {
      name: 'app',
      command: ['true'],
      resources: { limits: { memory: '64Mi' }, requests: { cpu: '250m' } },
      env: [
        { name: 'NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'LABELS', valueFrom: { fieldRef: { fieldPath: 'metadata.labels' } } },
        { name: 'NOTE', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['note']" } } },
        { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        { name: 'SA', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } },
        { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'HOST', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
        { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
        { name: 'CPU_REQ_M', valueFrom: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } } },
        { name: 'CPU_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
        { name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'settings', key: 'level' } } },
        { name: 'MISSING_OK', valueFrom: { configMapKeyRef: { name: 'settings', key: 'nope', optional: true } } },
        { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
      ],
    };
    const objects: KubeObject[] = [
      { kind: 'ConfigMap', metadata: { namespace: 'shop', name: 'settings' }, data: { level: 'debug' } },
      { kind: 'Secret', metadata: { namespace: 'shop', name: 'creds' }, data: { password: b64('hunter2') } },
    ];
    const { env } = await buildContainerLaunch(input(pod(c), objects));
    assert.equal(env.get('NAME'), 'web-1');
    assert.equal(env.get('NS'), 'shop');
    assert.equal(env.get('UID'), 'u-1');
    assert.equal(env.get('APP'), 'web');
    assert.equal(env.get('LABELS'), 'app="web"\ntier="front"');
    assert.equal(env.get('NOTE'), 'a "quoted" one');
    assert.equal(env.get('NODE'), 'cp-1');
    assert.equal(env.get('SA'), 'default');
    assert.equal(env.get('IP'), '127.21.1.5');
    assert.equal(env.get('HOST'), '127.10.1.1');
    assert.equal(env.get('MEM'), '64');
    assert.equal(env.get('CPU_REQ_M'), '250');
    assert.equal(env.get('CPU_LIMIT'), '2', 'an unset limit reports the node allocatable');
    assert.equal(env.get('LEVEL'), 'debug');
    assert.equal(env.has('MISSING_OK'), false);
    assert.equal(env.get('PASSWORD'), 'hunter2');
  });

  it('fails with the upstream messages for a missing ConfigMap, Secret or key', async () => {
    const mk = (env: Container['env'], envFrom?: Container['envFrom']): Pod => pod({ name: 'app', command: ['true'], env, ...(envFrom ? { envFrom } : {}) });
    const objects: KubeObject[] = [{ kind: 'ConfigMap', metadata: { namespace: 'shop', name: 'settings' }, data: { a: '1' } }];
    await assert.rejects(buildContainerLaunch(input(mk([{ name: 'X', valueFrom: { configMapKeyRef: { name: 'absent', key: 'a' } } }]), objects)), {
      name: 'ContainerConfigError',
      message: 'configmap "absent" not found',
    });
    await assert.rejects(buildContainerLaunch(input(mk([{ name: 'X', valueFrom: { configMapKeyRef: { name: 'settings', key: 'b' } } }]), objects)), {
      message: "couldn't find key b in ConfigMap shop/settings",
    });
    await assert.rejects(buildContainerLaunch(input(mk([], [{ secretRef: { name: 'nope' } }]), objects)), { message: 'secret "nope" not found' });
    await assert.doesNotReject(buildContainerLaunch(input(mk([], [{ secretRef: { name: 'nope', optional: true } }]), objects)));
  });

  it('gives an empty argv to a container without a command', async () => {
    const { argv } = await buildContainerLaunch(input(pod({ name: 'app', image: 'nginx', args: ['-g', 'daemon off;'] })));
    assert.deepEqual(argv, []);
  });
});
