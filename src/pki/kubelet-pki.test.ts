import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { subjectAttributes } from './certificate-check.ts';
import { ensureCertificateAuthority } from './pki-files.ts';
import { ensureKubeletClientCertificate, ensureKubeletServingCertificate, ensureNodeClientCertificate, KUBELET_CLIENT_USER } from './kubelet-pki.ts';

const root = mkdtempSync(join(tmpdir(), 'k8ts-kubelet-pki-test-'));
after(() => rmSync(root, { recursive: true, force: true }));
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

describe('kubelet certificates', () => {
  it('issues the apiserver kubelet-client certificate as kube-apiserver-kubelet-client in system:masters, and reuses it', async () => {
    const dir = join(root, 'a');
    const ca = await ensureCertificateAuthority(dir, 'ca', 'test-ca');
    const first = await ensureKubeletClientCertificate(dir, ca);
    const cert = new X509Certificate(first.certPem);
    assert.equal(cert.verify(new X509Certificate(ca.pem.certPem).publicKey), true);
    assert.deepEqual(subjectAttributes(cert).get('CN'), [KUBELET_CLIENT_USER]);
    assert.deepEqual(subjectAttributes(cert).get('O'), ['system:masters']);
    assert.deepEqual(cert.keyUsage, [CLIENT_AUTH]);
    assert.equal(statSync(first.keyFile).mode & 0o777, 0o600);
    assert.equal(first.certFile, join(dir, 'apiserver-kubelet-client.crt'));
    const second = await ensureKubeletClientCertificate(dir, ca);
    assert.equal(second.certPem, first.certPem);
    assert.equal(second.issuedBecause, undefined);
  });

  it('issues a serving certificate per node naming its addresses and name, reissued when an address is added', async () => {
    const dir = join(root, 'b');
    const ca = await ensureCertificateAuthority(dir, 'ca', 'test-ca');
    const serving = await ensureKubeletServingCertificate(dir, ca, { name: 'worker-1', addresses: ['127.10.3.11'] });
    const cert = new X509Certificate(serving.certPem);
    assert.equal(serving.certFile, join(dir, 'kubelet-worker-1.crt'));
    assert.equal(cert.checkIP('127.10.3.11'), '127.10.3.11');
    assert.equal(cert.checkHost('worker-1'), 'worker-1');
    assert.equal(cert.checkIP('127.10.3.12'), undefined);
    assert.deepEqual(cert.keyUsage, [SERVER_AUTH]);
    const moved = await ensureKubeletServingCertificate(dir, ca, { name: 'worker-1', addresses: ['127.10.3.11', '127.10.3.12'] });
    assert.match(moved.issuedBecause ?? '', /127\.10\.3\.12/);
    const other = await ensureKubeletServingCertificate(dir, ca, { name: 'worker-2', addresses: ['127.10.3.12'] });
    assert.equal(other.certFile, join(dir, 'kubelet-worker-2.crt'));
  });

  it('issues a node client certificate as system:node:<name> in system:nodes', async () => {
    const dir = join(root, 'c');
    const ca = await ensureCertificateAuthority(dir, 'ca', 'test-ca');
    const node = await ensureNodeClientCertificate(dir, ca, 'cp-1');
    const cert = new X509Certificate(node.certPem);
    assert.deepEqual(subjectAttributes(cert).get('CN'), ['system:node:cp-1']);
    assert.deepEqual(subjectAttributes(cert).get('O'), ['system:nodes']);
    assert.deepEqual(cert.keyUsage, [CLIENT_AUTH]);
  });
});
