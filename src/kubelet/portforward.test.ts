import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Duplex } from 'node:stream';
import WebSocket from 'ws';
import { SpdySession, type SpdyStream } from '../util/spdy/session.ts';
import { servePortForward } from './portforward.ts';

/** Every socket a test server accepted, destroyed at the end (upgraded ones keep a server open). */
const openSockets = new Set<Duplex>();

/** A TCP "pod port" that greets with its name and echoes. */
async function echoServer(name: string): Promise<{ server: TcpServer; port: number }> {
  const server = createTcpServer({ allowHalfOpen: true }, (socket) => {
    openSockets.add(socket);
    socket.on('error', () => undefined);
    socket.write(`${name}:`);
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, port: (server.address() as AddressInfo).port };
}

function readAll(stream: Duplex): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    stream.on('data', (d: Buffer) => (text += d.toString()));
    stream.on('end', () => resolve(text));
    stream.on('close', () => resolve(text));
  });
}

/**
 * A bare WebSocket client as a byte stream (binary messages out, payloads in), for the
 * `SPDY/3.1+portforward.k8s.io` subprotocol, which the `ws` client refuses to offer (it is not a
 * token); kubectl's Go client offers it as is.
 */
function rawWebSocket(port: number, path: string, protocol: string): Promise<{ status: string; headers: string; stream: Duplex }> {
  const socket = connect(port, '127.0.0.1');
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: kubelet\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Protocol: ${protocol}\r\n\r\n`,
  );
  return new Promise((resolve) => {
    let buffer = Buffer.alloc(0);
    let opened = false;
    const stream = new Duplex({
      read() {},
      write(chunk: Buffer, _enc, callback) {
        const mask = randomBytes(4);
        const header = chunk.length < 126 ? Buffer.from([0x82, 0x80 | chunk.length]) : Buffer.from([0x82, 0x80 | 126, chunk.length >> 8, chunk.length & 255]);
        const masked = Buffer.from(chunk.map((b, i) => b ^ mask[i % 4]!));
        socket.write(Buffer.concat([header, mask, masked]), callback);
      },
      destroy(err, callback) {
        socket.destroy();
        callback(err);
      },
    });
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!opened) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        opened = true;
        const head = buffer.subarray(0, end).toString();
        buffer = buffer.subarray(end + 4);
        resolve({ status: head.split('\r\n')[0]!, headers: head, stream });
      }
      // Server frames are unmasked; payloads below 64 KiB are all this test sees.
      for (;;) {
        if (buffer.length < 2) return;
        const opcode = buffer[0]! & 0x0f;
        let length = buffer[1]! & 0x7f;
        let offset = 2;
        if (length === 126) {
          if (buffer.length < 4) return;
          length = buffer.readUInt16BE(2);
          offset = 4;
        }
        if (buffer.length < offset + length) return;
        const payload = buffer.subarray(offset, offset + length);
        buffer = buffer.subarray(offset + length);
        if (opcode === 2) stream.push(payload);
        if (opcode === 8) stream.push(null);
      }
    });
    socket.on('close', () => stream.push(null));
  });
}

describe('servePortForward', () => {
  let http: Server;
  let httpPort: number;
  let alpha: { server: TcpServer; port: number };
  let beta: { server: TcpServer; port: number };
  let closedPort: number;
  const sockets = new Set<Socket>();

  before(async () => {
    alpha = await echoServer('alpha');
    beta = await echoServer('beta');
    const dead = await echoServer('dead');
    closedPort = dead.port;
    await new Promise<void>((resolve) => dead.server.close(() => resolve()));
    const dial = (port: number): Promise<Socket> =>
      new Promise((resolve, reject) => {
        const s = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
        s.once('connect', () => resolve(s));
        s.once('error', reject);
      });
    http = createServer((_req, res) => res.writeHead(400).end());
    http.on('upgrade', (req, socket, head) => {
      openSockets.add(socket);
      servePortForward(req, socket, head, dial, { streamCreationTimeoutMs: 200 });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
    httpPort = (http.address() as AddressInfo).port;
  });
  after(async () => {
    for (const s of [...sockets, ...openSockets]) s.destroy();
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
    for (const s of [alpha, beta]) await new Promise<void>((resolve) => s.server.close(() => resolve()));
  });

  /** Raw SPDY: the upgrade request, the 101, then a client session on the socket. */
  async function rawSpdy(extraHeaders = 'X-Stream-Protocol-Version: portforward.k8s.io\r\n'): Promise<{ status: string; session?: SpdySession; body: string }> {
    const socket = connect(httpPort, '127.0.0.1');
    sockets.add(socket);
    socket.write(`POST /portForward/default/web HTTP/1.1\r\nHost: kubelet\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n${extraHeaders}\r\n`);
    return new Promise((resolve) => {
      let buffer = Buffer.alloc(0);
      const onData = (chunk: Buffer): void => {
        buffer = Buffer.concat([buffer, chunk]);
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onData);
        socket.pause();
        const head = buffer.subarray(0, end).toString();
        const rest = buffer.subarray(end + 4);
        const status = head.split('\r\n')[0]!;
        if (!status.includes(' 101 ')) {
          void readAll(socket).then((more) => resolve({ status, body: rest.toString() + more }));
          return;
        }
        if (rest.length > 0) socket.unshift(rest);
        resolve({ status, session: new SpdySession(socket, { role: 'client' }), body: '' });
      };
      socket.on('data', onData);
    });
  }

  function forward(session: SpdySession, port: number, requestId: string): { data: SpdyStream; error: SpdyStream } {
    const error = session.openStream({ streamType: 'error', port: String(port), requestID: requestId }, { fin: true });
    const data = session.openStream({ streamType: 'data', port: String(port), requestID: requestId });
    return { data, error };
  }

  it('raw SPDY: a data/error stream pair reaches the port, both ways, and the error stream closes empty', async () => {
    const { status, session } = await rawSpdy();
    assert.match(status, / 101 /);
    const { data, error } = forward(session!, alpha.port, '0');
    const errorText = readAll(error);
    const received = readAll(data);
    data.end('hello');
    assert.equal(await received, 'alpha:hello');
    assert.equal(await errorText, '');
    session!.destroy();
  });

  it('pairs streams by requestID, whatever order they arrive in', async () => {
    const { session } = await rawSpdy();
    const s = session!;
    const data1 = s.openStream({ streamtype: 'data', port: String(beta.port), requestid: '1' });
    const error0 = s.openStream({ streamtype: 'error', port: String(alpha.port), requestid: '0' }, { fin: true });
    const data0 = s.openStream({ streamtype: 'data', port: String(alpha.port), requestid: '0' });
    const error1 = s.openStream({ streamtype: 'error', port: String(beta.port), requestid: '1' }, { fin: true });
    const r0 = readAll(data0);
    const r1 = readAll(data1);
    data0.end('zero');
    data1.end('one');
    assert.equal(await r0, 'alpha:zero');
    assert.equal(await r1, 'beta:one');
    assert.equal(await readAll(error0), '');
    assert.equal(await readAll(error1), '');
    s.destroy();
  });

  it('writes a refused dial on the error stream', async () => {
    const { session } = await rawSpdy();
    const { data, error } = forward(session!, closedPort, '0');
    data.resume();
    assert.match(await readAll(error), new RegExp(`^error forwarding port ${closedPort} to pod default/web: .*ECONNREFUSED`));
    session!.destroy();
  });

  it('survives the client resetting both streams after a refused dial, as kubectl does, and goes on serving', async () => {
    const { session } = await rawSpdy();
    const { data, error } = forward(session!, closedPort, '0');
    data.resume();
    assert.match(await readAll(error), /ECONNREFUSED/);
    // The server ended both streams; kubectl answers with RST_STREAM on each, which the server must take as their close.
    const closed = new Promise<void>((resolve) => session!.once('close', () => resolve()));
    data.resetStream();
    error.resetStream();
    const next = forward(session!, alpha.port, '1');
    const received = readAll(next.data);
    next.data.end('after');
    assert.equal(await received, 'alpha:after');
    session!.destroy();
    await closed;
  });

  it('gives up on a stream whose partner never comes', async () => {
    const { session } = await rawSpdy();
    const error = session!.openStream({ streamtype: 'error', port: String(alpha.port), requestid: '7' }, { fin: true });
    assert.match(await readAll(error), /timed out waiting for the data stream of request 7/);
    session!.destroy();
  });

  it('refuses a SPDY upgrade without the port-forward protocol (403) and a request without upgrade headers (400)', async () => {
    const wrong = await rawSpdy('X-Stream-Protocol-Version: v4.channel.k8s.io\r\n');
    assert.match(wrong.status, / 403 /);
    assert.match(wrong.body, /unable to negotiate protocol/);
    const socket = connect(httpPort, '127.0.0.1');
    sockets.add(socket);
    socket.write('GET /portForward/default/web HTTP/1.1\r\nHost: kubelet\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n');
    const answer = await readAll(socket);
    assert.match(answer, /^HTTP\/1.1 400 /);
    assert.match(answer, /missing upgrade headers/);
  });

  it('WebSocket tunnel (kubectl): SPDY frames inside WebSocket messages', async () => {
    const { status, headers, stream } = await rawWebSocket(httpPort, '/portForward/default/web', 'SPDY/3.1+portforward.k8s.io');
    assert.match(status, / 101 /);
    assert.match(headers, /^Sec-WebSocket-Protocol: SPDY\/3\.1\+portforward\.k8s\.io$/im);
    const session = new SpdySession(stream, { role: 'client' });
    const { data, error } = forward(session, beta.port, '0');
    const received = readAll(data);
    data.end('tunnelled');
    assert.equal(await received, 'beta:tunnelled');
    assert.equal(await readAll(error), '');
    session.destroy();
  });

  for (const protocol of ['v4.channel.k8s.io', 'v5.channel.k8s.io']) {
    it(`channel protocol ${protocol}: port prefixes, data on channel 0, one connection per port`, async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${httpPort}/portForward/default/web?ports=${alpha.port},${beta.port}`, [protocol]);
      const messages: Buffer[] = [];
      ws.on('message', (d: Buffer) => messages.push(d));
      await new Promise<void>((resolve, reject) => (ws.once('open', () => resolve()), ws.once('error', reject)));
      assert.equal(ws.protocol, protocol);
      const byChannel = (ch: number): Buffer => Buffer.concat(messages.filter((m) => m[0] === ch).map((m) => m.subarray(1)));
      const until = async (cond: () => boolean): Promise<void> => {
        while (!cond()) await new Promise((r) => setTimeout(r, 5));
      };
      await until(() => byChannel(0).length >= 2 + 'alpha:'.length && byChannel(2).length >= 2 + 'beta:'.length);
      for (const ch of [0, 1]) assert.equal(byChannel(ch).readUInt16LE(0), alpha.port);
      for (const ch of [2, 3]) assert.equal(byChannel(ch).readUInt16LE(0), beta.port);
      ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('to-alpha')]));
      ws.send(Buffer.concat([Buffer.from([2]), Buffer.from('to-beta')]));
      await until(() => byChannel(0).subarray(2).toString() === 'alpha:to-alpha' && byChannel(2).subarray(2).toString() === 'beta:to-beta');
      if (protocol === 'v5.channel.k8s.io') {
        // Closing both data channels half-closes the connections; when they end the server closes the WebSocket.
        const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
        ws.send(Buffer.from([255, 0]));
        ws.send(Buffer.from([255, 2]));
        await closed;
      } else ws.terminate();
    });
  }

  it('channel protocol: a refused port is reported on its error channel', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${httpPort}/portForward/default/web?ports=${closedPort}`, ['v4.channel.k8s.io']);
    const messages: Buffer[] = [];
    ws.on('message', (d: Buffer) => messages.push(d));
    await new Promise<void>((resolve) => ws.once('close', () => resolve()));
    const errors = Buffer.concat(messages.filter((m) => m[0] === 1).map((m) => m.subarray(1)));
    assert.match(errors.subarray(2).toString(), /error forwarding port \d+ to pod default\/web: .*ECONNREFUSED/);
  });

  it('channel protocol without ports, or with an unknown subprotocol, is refused with 400', async () => {
    for (const [path, protocol] of [
      ['/portForward/default/web', 'v4.channel.k8s.io'],
      ['/portForward/default/web?ports=80', 'base64.binary.k8s.io'],
    ] as const) {
      const ws = new WebSocket(`ws://127.0.0.1:${httpPort}${path}`, [protocol]);
      const status = await new Promise<number>((resolve) => {
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('error', () => resolve(-1));
      });
      assert.equal(status, 400, path);
    }
  });
});
