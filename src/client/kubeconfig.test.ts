import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Clientset } from './clientset.ts';
import { loadKubeconfig, parseKubeconfig } from './kubeconfig.ts';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

const text = `
apiVersion: v1
kind: Config
current-context: admin
clusters:
- name: k8ts
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority-data: ${b64('CA-PEM')}
- name: other
  cluster:
    server: https://10.0.0.1:6443
    certificate-authority: certs/ca.crt
    insecure-skip-tls-verify: true
users:
- name: admin
  user:
    client-certificate-data: ${b64('CERT-PEM')}
    client-key-data: ${b64('KEY-PEM')}
- name: dev
  user:
    client-certificate: /abs/dev.crt
    client-key: dev.key
    tokenFile: token
contexts:
- name: admin
  context: {cluster: k8ts, user: admin}
- name: dev
  context: {cluster: other, user: dev, namespace: team}
- name: broken
  context: {cluster: missing, user: admin}
`;

describe('parseKubeconfig()', () => {
  const files: Record<string, string> = {
    '/cfg/certs/ca.crt': 'FILE-CA',
    '/abs/dev.crt': 'FILE-CERT',
    '/cfg/dev.key': 'FILE-KEY',
    '/cfg/token': 'tok-123\n',
  };
  const readRef = async (p: string): Promise<string> => {
    const v = files[p];
    if (v === undefined) throw new Error(`no file ${p}`);
    return v;
  };

  it('uses current-context and decodes the -data fields', async () => {
    const sel = await parseKubeconfig(text, '/cfg', readRef);
    assert.equal(sel.context, 'admin');
    assert.equal(sel.namespace, 'default');
    assert.deepEqual(sel.options, { endpoints: ['https://127.0.0.1:6443'], ca: 'CA-PEM', cert: 'CERT-PEM', key: 'KEY-PEM' });
  });

  it('reads referenced files relative to the kubeconfig directory', async () => {
    const sel = await parseKubeconfig(text, '/cfg', readRef, 'dev');
    assert.equal(sel.namespace, 'team');
    assert.deepEqual(sel.options, {
      endpoints: ['https://10.0.0.1:6443'],
      ca: 'FILE-CA',
      insecureSkipTlsVerify: true,
      cert: 'FILE-CERT',
      key: 'FILE-KEY',
      token: 'tok-123',
    });
  });

  it('reads a JSON kubeconfig, and YAML flow mappings that only look like JSON', async () => {
    const config = {
      'current-context': 'admin',
      clusters: [{ name: 'k8ts', cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': b64('CA-PEM') } }],
      users: [{ name: 'admin', user: { 'client-certificate-data': b64('CERT-PEM'), 'client-key-data': b64('KEY-PEM') } }],
      contexts: [{ name: 'admin', context: { cluster: 'k8ts', user: 'admin' } }],
    };
    const json = await parseKubeconfig(JSON.stringify(config, null, 2), '/cfg', readRef);
    assert.deepEqual(json.options, (await parseKubeconfig(text, '/cfg', readRef)).options);
    const flow = `{current-context: admin, contexts: [{name: admin, context: {cluster: c}}], clusters: [{name: c, cluster: {server: 'https://h:6443'}}]}`;
    assert.deepEqual((await parseKubeconfig(flow, '/cfg', readRef)).options, { endpoints: ['https://h:6443'] });
  });

  it('names what is missing', async () => {
    await assert.rejects(parseKubeconfig(text, '/cfg', readRef, 'nope'), /context "nope" is not defined/);
    await assert.rejects(parseKubeconfig(text, '/cfg', readRef, 'broken'), /cluster "missing" is not defined/);
    await assert.rejects(parseKubeconfig('clusters: []', '/cfg', readRef), /current-context is not set/);
  });
});

describe('loadKubeconfig()', () => {
  it('loads a file from disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'k8ts-kubeconfig-'));
    try {
      await writeFile(join(dir, 'config'), text);
      const sel = await loadKubeconfig(join(dir, 'config'));
      assert.deepEqual(sel.options.endpoints, ['https://127.0.0.1:6443']);
      const clientset = await Clientset.fromKubeconfig(join(dir, 'config'), 'admin', { endpoints: ['https://127.0.0.2:6443', 'https://127.0.0.1:6443'] });
      assert.deepEqual(clientset.rest.endpoints, ['https://127.0.0.2:6443', 'https://127.0.0.1:6443'], 'extra options win');
      clientset.close();
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
