import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { connect, createServer, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { CA_VALID_DAYS, CertificateAuthority, LEAF_VALID_DAYS } from './certificate-authority.ts';
import { subjectAttributes } from './certificate-check.ts';

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const DAY_MS = 24 * 3600 * 1000;

function lifetimeDays(cert: X509Certificate): number {
  return Math.round((Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / DAY_MS);
}

describe('CertificateAuthority', () => {
  it('creates a self-signed CA valid for ten years', async () => {
    const ca = await CertificateAuthority.create('test-ca');
    const cert = new X509Certificate(ca.pem.certPem);
    assert.equal(cert.ca, true);
    assert.equal(cert.verify(cert.publicKey), true);
    assert.equal(cert.subject, 'CN=test-ca');
    assert.equal(lifetimeDays(cert), CA_VALID_DAYS);
    assert.ok(Date.parse(cert.validFrom) <= Date.now());
    assert.match(ca.pem.keyPem, /^-----BEGIN PRIVATE KEY-----\n/);
  });

  it('issues a serving certificate that verifies against the CA and names every requested host and address', async () => {
    const ca = await CertificateAuthority.create('test-ca');
    const other = await CertificateAuthority.create('other-ca');
    const leaf = await ca.issue({ commonName: 'kube-apiserver', usages: ['server'], dnsNames: ['localhost', 'kubernetes.default.svc'], ipAddresses: ['127.0.0.1', '127.10.3.1'] });
    const cert = new X509Certificate(leaf.certPem);
    const caCert = new X509Certificate(ca.pem.certPem);
    assert.equal(cert.ca, false);
    assert.equal(cert.verify(caCert.publicKey), true);
    assert.equal(cert.checkIssued(caCert), true);
    assert.equal(cert.verify(new X509Certificate(other.pem.certPem).publicKey), false);
    assert.equal(cert.checkHost('localhost'), 'localhost');
    assert.equal(cert.checkHost('kubernetes.default.svc'), 'kubernetes.default.svc');
    assert.equal(cert.checkHost('example.com'), undefined);
    assert.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(cert.checkIP('127.10.3.1'), '127.10.3.1');
    assert.equal(cert.checkIP('127.10.4.1'), undefined);
    assert.deepEqual(cert.keyUsage, [SERVER_AUTH]);
    assert.equal(lifetimeDays(cert), LEAF_VALID_DAYS);
  });

  it('issues a client certificate whose subject carries the user (CN) and groups (O)', async () => {
    const ca = await CertificateAuthority.create('test-ca');
    const leaf = await ca.issue({ commonName: 'kubernetes-admin', organizations: ['system:masters', 'team, with comma', '#hash'], usages: ['client'] });
    const cert = new X509Certificate(leaf.certPem);
    const subject = subjectAttributes(cert);
    assert.deepEqual(subject.get('CN'), ['kubernetes-admin']);
    assert.deepEqual(subject.get('O'), ['system:masters', 'team, with comma', '#hash']);
    assert.deepEqual(cert.keyUsage, [CLIENT_AUTH]);
    assert.equal(cert.subjectAltName, undefined);
  });

  it('rejects an alternative IP that is not an address', async () => {
    const ca = await CertificateAuthority.create('test-ca');
    await assert.rejects(ca.issue({ commonName: 'x', usages: ['server'], ipAddresses: ['localhost'] }), /"localhost" is not an IP address/);
  });

  it('loads a saved CA whose certificates still verify, and refuses a key from another CA', async () => {
    const ca = await CertificateAuthority.create('test-ca');
    const other = await CertificateAuthority.create('other-ca');
    const loaded = await CertificateAuthority.load(ca.pem);
    const leaf = await loaded.issue({ commonName: 'u', usages: ['client'] });
    assert.equal(new X509Certificate(leaf.certPem).verify(new X509Certificate(ca.pem.certPem).publicKey), true);
    await assert.rejects(CertificateAuthority.load({ certPem: ca.pem.certPem, keyPem: other.pem.keyPem }), /does not belong/);
  });

  it('gives Node TLS a mutually authenticated connection with the issued pair', async () => {
    const ca = await CertificateAuthority.create('test-ca');
    const serving = await ca.issue({ commonName: 'kube-apiserver', usages: ['server'], dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    const client = await ca.issue({ commonName: 'alice', organizations: ['devs'], usages: ['client'] });
    const server = createServer({ cert: serving.certPem, key: serving.keyPem, ca: ca.pem.certPem, requestCert: true, rejectUnauthorized: true }, (socket) => {
      const peer = socket.getPeerCertificate();
      socket.end(`${socket.authorized} ${peer.subject.CN}`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const reply = await new Promise<string>((resolve, reject) => {
        const socket: TLSSocket = connect({ host: '127.0.0.1', port, ca: ca.pem.certPem, cert: client.certPem, key: client.keyPem }, () => {
          assert.equal(socket.authorized, true);
        });
        let text = '';
        socket.on('data', (d: Buffer) => (text += d.toString()));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
      assert.equal(reply, 'true alice');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
