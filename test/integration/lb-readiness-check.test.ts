/** The load balancer's readiness check against backends that are busy or frozen. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { generateTestCerts, type TestCerts } from '../../src/client/testing/test-certs.ts';
import { checkReadyz } from '../../src/lb/readiness-check.ts';

function listen(server: Server | NetServer): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

describe('checkReadyz', () => {
  let certs: TestCerts;
  const sockets: Socket[] = [];
  const servers: Array<Server | NetServer> = [];
  before(async () => {
    certs = await generateTestCerts();
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });

  it('calls a backend that handshakes but does not answer in time unready, not unreachable (it is busy, not dead)', async () => {
    const busy = createServer({ cert: certs.serverCertPem, key: certs.serverKeyPem }, () => {});
    busy.on('connection', (s: Socket) => sockets.push(s));
    servers.push(busy);
    const port = await listen(busy);
    assert.deepEqual(await checkReadyz({ name: 'busy', host: '127.0.0.1', port }, certs.caPem, 300), { outcome: 'unready', detail: 'no answer within 300 ms' });
  });

  it('calls a backend that accepts connections but never handshakes unreachable (a frozen process)', async () => {
    const frozen = createNetServer((s) => sockets.push(s));
    servers.push(frozen);
    const port = await listen(frozen);
    assert.deepEqual(await checkReadyz({ name: 'frozen', host: '127.0.0.1', port }, certs.caPem, 300), { outcome: 'unreachable', detail: 'no TLS handshake within 300 ms' });
  });
});
