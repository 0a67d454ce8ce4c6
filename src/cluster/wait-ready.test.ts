import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { CertificateAuthority } from '../pki/index.ts';
import { probeReady, type ProbeCredentials } from './readiness.ts';
import { waitUntilReady } from './wait-ready.ts';

describe('waitUntilReady', () => {
  let server: Server;
  let url: string;
  let credentials: ProbeCredentials;
  let strangerCredentials: ProbeCredentials;
  /** /readyz answers 500 until this many requests have come in, then 200. */
  let readyAfter = 0;
  let requests = 0;
  let lastClientCn: string | undefined;

  before(async () => {
    const ca = await CertificateAuthority.create('test-ca');
    const serving = await ca.issue({ commonName: 'kube-apiserver', usages: ['server'], ipAddresses: ['127.0.0.1'] });
    const admin = await ca.issue({ commonName: 'kubernetes-admin', organizations: ['system:masters'], usages: ['client'] });
    const stranger = await CertificateAuthority.create('stranger-ca');
    credentials = { caPem: ca.pem.certPem, certPem: admin.certPem, keyPem: admin.keyPem };
    strangerCredentials = { caPem: stranger.pem.certPem, certPem: admin.certPem, keyPem: admin.keyPem };
    server = createServer({ cert: serving.certPem, key: serving.keyPem, ca: ca.pem.certPem, requestCert: true, rejectUnauthorized: true }, (req, res) => {
      requests++;
      lastClientCn = String((req.socket as TLSSocket).getPeerCertificate().subject?.CN);
      res.writeHead(requests > readyAfter ? 200 : 500).end(requests > readyAfter ? 'ok' : '[-]storage failed');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('probes with the admin certificate and trusts only the cluster CA', async () => {
    readyAfter = requests;
    assert.deepEqual(await probeReady(url, credentials), { ready: true, detail: 'HTTP 200' });
    assert.equal(lastClientCn, 'kubernetes-admin');
    const untrusted = await probeReady(url, strangerCredentials);
    assert.equal(untrusted.ready, false);
    assert.match(untrusted.detail, /certificate/);
  });

  it('polls until the endpoint answers 200', async () => {
    readyAfter = requests + 3;
    assert.deepEqual(await waitUntilReady({ url, credentials, timeoutMs: 60_000, intervalMs: 10, gone: async () => undefined }), { ready: true });
    assert.ok(requests > readyAfter);
  });

  it('stops at once when the process is gone', async () => {
    readyAfter = Number.MAX_SAFE_INTEGER;
    const result = await waitUntilReady({ url, credentials, timeoutMs: 60_000, intervalMs: 10, gone: async () => 'exited with code 1' });
    assert.deepEqual(result, { ready: false, gone: 'exited with code 1' });
  });

  it('gives up at the deadline with the last answer', async () => {
    readyAfter = Number.MAX_SAFE_INTEGER;
    const result = await waitUntilReady({ url, credentials, timeoutMs: 50, intervalMs: 10, gone: async () => undefined });
    assert.deepEqual(result, { ready: false, lastProbe: 'HTTP 500: [-]storage failed' });
  });
});
