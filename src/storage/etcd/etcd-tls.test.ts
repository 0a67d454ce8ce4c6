import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { Etcd3 } from 'etcd3';
// eslint-disable-next-line import-x/no-restricted-paths -- the tests boot a real etcd cluster through cluster/
import { etcdUnavailableReason, foreignClientCertificate, startTestEtcdCluster, type TestEtcdCluster } from '../../cluster/etcd-testing.ts';
import { EtcdStorage } from './etcd-storage.ts';

const skip = etcdUnavailableReason();

/** 'accepted' when `url` answers a request over TLS presenting `cert` (or none), trusting `caPem`; else why not. */
async function handshake(url: string, caPem: string, cert?: { certPem: string; keyPem: string }): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({
      host: hostname,
      port: Number(port),
      ca: caPem,
      ...(cert !== undefined ? { cert: cert.certPem, key: cert.keyPem } : {}),
      // An IP address cannot be an SNI server name; the certificate is still checked against it.
      checkServerIdentity: () => undefined,
    });
    socket.setTimeout(5_000, () => socket.destroy(new Error('timeout')));
    // In TLS 1.3 the server checks the client certificate after the client considers the handshake
    // done, so a rejection shows as an error or close shortly after: wait for data or the end.
    socket.once('secureConnect', () => {
      socket.write(`GET /version HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`);
    });
    socket.once('data', () => {
      socket.destroy();
      resolve('accepted');
    });
    socket.once('error', (err) => resolve(err.message));
    socket.once('close', () => resolve('closed by server'));
  });
}

void describe('etcd TLS', { skip }, () => {
  let etcd: TestEtcdCluster;

  before(async () => {
    etcd = await startTestEtcdCluster(3);
  });
  after(async () => {
    await etcd?.dispose();
  });

  void test('the storage connects with the client certificate from the etcd CA', async () => {
    const store = new EtcdStorage({ endpoints: etcd.cluster.endpoints, tls: etcd.cluster.clientTls, prefix: '/tls-ok' });
    try {
      assert.equal(await store.health(), undefined);
      await store.create('/k', new Uint8Array([1]));
    } finally {
      await store.close();
    }
  });

  void test('a client without a certificate is refused', async () => {
    const client = new Etcd3({
      hosts: etcd.cluster.endpoints,
      credentials: { rootCertificate: Buffer.from(etcd.cluster.clientTls.caPem) },
      defaultCallOptions: () => ({ deadline: Date.now() + 3_000 }),
    });
    try {
      await assert.rejects(client.get('/k').string());
    } finally {
      client.close();
    }
  });

  void test('a client certificate from another CA is refused', async () => {
    const cert = await foreignClientCertificate();
    const store = new EtcdStorage({
      endpoints: etcd.cluster.endpoints,
      tls: { caPem: etcd.cluster.clientTls.caPem, certPem: cert.certPem, keyPem: cert.keyPem },
      prefix: '/tls-bad',
      requestTimeoutMs: 1_000,
    });
    try {
      assert.notEqual(await store.health(), undefined);
      await assert.rejects(store.get('/k'));
    } finally {
      await store.close();
    }
  });

  void test('client and peer ports refuse a TLS handshake without a certificate from the etcd CA; the peer port takes only peer certificates', async () => {
    const name = etcd.cluster.memberNames[0];
    assert.ok(name !== undefined);
    const clientUrl = etcd.cluster.endpointOf(name);
    const peerUrl = etcd.cluster.peerUrlOf(name);
    const ca = etcd.cluster.clientTls.caPem;
    assert.equal(await handshake(clientUrl, ca, etcd.cluster.clientTls), 'accepted', 'the real client certificate works (control)');
    assert.notEqual(await handshake(clientUrl, ca), 'accepted');
    const tlsDir = join(etcd.cluster.memberDirOf(name), 'tls');
    const peerCert = { certPem: readFileSync(join(tlsDir, 'peer.crt'), 'utf8'), keyPem: readFileSync(join(tlsDir, 'peer.key'), 'utf8') };
    assert.equal(await handshake(peerUrl, ca, peerCert), 'accepted', 'a member peer certificate works (control)');
    assert.notEqual(await handshake(peerUrl, ca), 'accepted');
    assert.notEqual(await handshake(peerUrl, ca, etcd.cluster.clientTls), 'accepted', "an apiserver's client certificate does not open the peer port");
    assert.notEqual(await handshake(peerUrl, ca, await foreignClientCertificate()), 'accepted');
    assert.notEqual(await handshake(clientUrl, ca, await foreignClientCertificate()), 'accepted');
  });
});
