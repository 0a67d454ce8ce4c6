import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { forwardedHeaders, proxyUpgrade } from './upgrade-proxy.ts';

/** A front server that proxies every upgrade to `target`, and a raw client for it. */
async function withProxy(target: URL, run: (send: (head: string) => Promise<string>) => Promise<void>): Promise<void> {
  const front = createServer();
  front.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    proxyUpgrade(req, socket, head, { url: new URL(`${target.origin}/backend${req.url}`) }, (err) => socket.end(`HTTP/1.1 503 Unavailable\r\nContent-Length: ${err.message.length}\r\n\r\n${err.message}`));
  });
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
  const port = (front.address() as AddressInfo).port;
  const send = (head: string) =>
    new Promise<string>((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => s.write(head));
      let data = '';
      s.on('data', (d: Buffer) => {
        data += d.toString();
        if (data.includes('pong')) s.end();
      });
      s.on('close', () => resolve(data));
      s.on('error', reject);
    });
  try {
    await run(send);
  } finally {
    await new Promise<void>((r) => front.close(() => r()));
  }
}

describe('proxyUpgrade', () => {
  it('joins the client to a backend that switches protocols, forwarding the 101 head and both directions', async () => {
    const backend = createServer();
    let seen: IncomingMessage | undefined;
    backend.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
      seen = req;
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: test\r\nConnection: Upgrade\r\nX-Backend: yes\r\n\r\n');
      socket.on('data', (d: Buffer) => {
        if (d.toString() === 'ping') socket.end('pong');
      });
    });
    await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
    const target = new URL(`http://127.0.0.1:${(backend.address() as AddressInfo).port}`);
    await withProxy(target, async (send) => {
      const reply = await send('GET /x?a=1 HTTP/1.1\r\nHost: front\r\nConnection: Upgrade\r\nUpgrade: test\r\nAuthorization: Bearer secret\r\n\r\nping');
      assert.match(reply, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
      assert.match(reply, /X-Backend: yes/);
      assert.match(reply, /pong$/);
    });
    assert.equal(seen?.url, '/backend/x?a=1');
    assert.equal(seen?.headers.authorization, undefined, "the client's credentials stay at the proxy");
    assert.equal(seen?.headers.upgrade, 'test');
    await new Promise<void>((r) => backend.close(() => r()));
  });

  it("passes a backend's refusal through and closes, and reports an unreachable backend", async () => {
    const backend = createServer((_req, res) => {
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end('{"message":"no"}');
    });
    await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
    const port = (backend.address() as AddressInfo).port;
    await withProxy(new URL(`http://127.0.0.1:${port}`), async (send) => {
      const reply = await send('GET / HTTP/1.1\r\nHost: f\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
      assert.match(reply, /^HTTP\/1\.1 400 Bad Request\r\n/);
      assert.match(reply, /Content-Length: 16\r\n/);
      assert.match(reply, /\{"message":"no"\}$/);
    });
    await new Promise<void>((r) => backend.close(() => r()));
    await withProxy(new URL(`http://127.0.0.1:${port}`), async (send) => {
      assert.match(await send('GET / HTTP/1.1\r\nHost: f\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n'), /^HTTP\/1\.1 503 .*ECONNREFUSED/s);
    });
  });

  it('drops credentials and sets the host of the target', () => {
    assert.deepEqual(forwardedHeaders({ host: 'a', authorization: 'x', cookie: 'c', upgrade: 'websocket', 'sec-websocket-protocol': 'v5.channel.k8s.io' }, new URL('https://10.0.0.1:10250/')), {
      host: '10.0.0.1:10250',
      upgrade: 'websocket',
      'sec-websocket-protocol': 'v5.channel.k8s.io',
    });
  });
});
