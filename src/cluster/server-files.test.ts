import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { clusterNameOfDataDir, prepareServerFiles, reachableAddresses, readAdminCredentials, serverUrl } from './server-files.ts';

const root = mkdtempSync(join(tmpdir(), 'k8ts-server-files-test-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('server files', () => {
  it('prepares certificates for the bind address and a kubeconfig named after the data dir', async () => {
    const dir = join(root, 'dev');
    const prepared = await prepareServerFiles(dir, '127.10.9.1', 6443);
    assert.equal(prepared.url, 'https://127.10.9.1:6443');
    assert.equal(new X509Certificate(prepared.pki.serving.certPem).checkIP('127.10.9.1'), '127.10.9.1');
    const kubeconfig = parse(readFileSync(join(dir, 'kubeconfig'), 'utf8')) as { 'current-context': string; clusters: Array<{ cluster: { server: string } }> };
    assert.equal(kubeconfig['current-context'], 'k8ts-dev');
    assert.equal(kubeconfig.clusters[0]?.cluster.server, 'https://127.10.9.1:6443');
    const credentials = await readAdminCredentials(dir);
    assert.equal(credentials.certPem, prepared.pki.admin.certPem);
    const again = await prepareServerFiles(dir, '127.10.9.1', 6443);
    assert.equal(again.pki.serving.issuedBecause, undefined);
  });

  it('creates the kubelet client certificate always, and a node serving certificate when the server runs a node', async () => {
    const dir = join(root, 'withnode');
    const plain = await prepareServerFiles(dir, '127.10.9.1', 6443);
    assert.equal(plain.kubeletServing, undefined);
    assert.match(new X509Certificate(plain.kubeletClient.certPem).subject, /CN=kube-apiserver-kubelet-client/);
    const prepared = await prepareServerFiles(dir, '127.10.9.1', 6443, { node: { name: 'cp-1', addresses: ['127.10.9.1'] } });
    const serving = new X509Certificate(prepared.kubeletServing!.certPem);
    assert.equal(serving.checkIP('127.10.9.1'), '127.10.9.1');
    assert.equal(serving.checkHost('cp-1'), 'cp-1');
    assert.equal(prepared.kubeletClient.certPem, plain.kubeletClient.certPem);
    assert.equal(prepared.layout.kubeletDir, join(dir, 'kubelet'));
  });

  it('names the missing file when reading credentials of an unprepared directory', async () => {
    await assert.rejects(readAdminCredentials(join(root, 'nothing')), /cannot read .*nothing\/pki\/(ca|admin)\.(crt|key)/);
  });

  it('derives the cluster name from the data dir, or falls back to "server"', () => {
    assert.equal(clusterNameOfDataDir('/x/dev'), 'dev');
    assert.equal(clusterNameOfDataDir('/x/_server'), 'server');
    assert.equal(clusterNameOfDataDir('/x/My Data'), 'server');
  });

  it('reaches an unspecified bind address through loopback', () => {
    assert.equal(serverUrl('0.0.0.0', 6443), 'https://127.0.0.1:6443');
    assert.equal(serverUrl('::1', 6443), 'https://[::1]:6443');
    assert.deepEqual(reachableAddresses('127.10.1.1'), ['127.10.1.1']);
    assert.ok(reachableAddresses('0.0.0.0').includes('127.0.0.1'));
  });
});
