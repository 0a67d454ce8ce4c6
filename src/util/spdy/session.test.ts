import { test } from 'node:test';
import assert from 'node:assert/strict';
import { duplexPair, type Duplex } from 'node:stream';
import { encodeFrame, FrameReader, RST_STATUS, type Frame } from './frames.ts';
import { encodeHeaderBlock, headerValue } from './header-block.ts';
import { HeaderCompressor } from './header-compression.ts';
import { SpdySession, type SpdyStream } from './session.ts';

function readAll(stream: Duplex): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    stream.on('data', (d: Buffer) => (text += d.toString()));
    stream.on('end', () => resolve(text));
    stream.on('error', reject);
  });
}

/** A raw peer: frames it receives, and a way to send frames. */
function rawPeer(socket: Duplex): { frames: Frame[]; next(type: Frame['type']): Promise<Frame>; send(frame: Frame): void } {
  const reader = new FrameReader();
  const frames: Frame[] = [];
  const waiters: (() => void)[] = [];
  socket.on('data', (chunk: Buffer) => {
    frames.push(...reader.push(chunk));
    for (const w of waiters.splice(0)) w();
  });
  let seen = 0;
  return {
    frames,
    async next(type) {
      for (;;) {
        const i = frames.findIndex((f, idx) => idx >= seen && f.type === type);
        if (i >= 0) {
          seen = i + 1;
          return frames[i]!;
        }
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    send: (frame) => socket.write(encodeFrame(frame)),
  };
}

void test('a stream carries headers, a reply and data both ways, with half-close', async () => {
  const [a, b] = duplexPair();
  const received: SpdyStream[] = [];
  const server = new SpdySession(a, {
    role: 'server',
    onStream: (stream) => {
      received.push(stream);
      stream.reply({ 'X-Reply': 'yes' });
      // Echo upper-cased, and finish when the client does.
      stream.on('data', (d: Buffer) => stream.write(d.toString().toUpperCase()));
      stream.on('end', () => stream.end());
    },
  });
  const client = new SpdySession(b, { role: 'client' });
  const stream = client.openStream({ StreamType: 'data', port: '80', requestID: '0' });
  assert.equal(stream.id, 1);
  assert.deepEqual(await stream.replied(), { 'x-reply': ['yes'] });
  const echoed = readAll(stream);
  stream.write('hello ');
  stream.end('world');
  assert.equal(await echoed, 'HELLO WORLD');
  assert.equal(headerValue(received[0]!.headers, 'streamtype'), 'data');
  assert.equal(headerValue(received[0]!.headers, 'requestid'), '0');
  // The next stream a client opens takes the next odd id.
  const second = client.openStream({ streamtype: 'error' }, { fin: true });
  assert.equal(second.id, 3);
  await second.replied();
  client.destroy();
  server.destroy();
});

void test('large transfers complete although the peer never returns window (as spdystream does not)', async () => {
  const [a, b] = duplexPair();
  const server = new SpdySession(a, {
    role: 'server',
    onStream: (stream) => {
      stream.reply();
      stream.end(Buffer.alloc(1024 * 1024, 1));
    },
  });
  // A raw client that never sends WINDOW_UPDATE: the server must not stop at 64 KiB.
  const peer = rawPeer(b);
  const compressor = new HeaderCompressor();
  peer.send({ type: 'syn_stream', streamId: 1, associatedTo: 0, priority: 0, slot: 0, fin: true, unidirectional: false, headerBlock: await compressor.compress(encodeHeaderBlock({ a: 'b' })) });
  await peer.next('syn_reply');
  let total = 0;
  for (;;) {
    const frame = (await peer.next('data')) as Extract<Frame, { type: 'data' }>;
    total += frame.data.length;
    if (frame.fin) break;
  }
  assert.equal(total, 1024 * 1024);
  compressor.close();
  server.destroy();
});

void test('received data is acknowledged with WINDOW_UPDATEs for the stream and the session', async () => {
  const [a, b] = duplexPair();
  const server = new SpdySession(a, { role: 'server', onStream: (stream) => (stream.reply(), stream.resume()) });
  const peer = rawPeer(b);
  const compressor = new HeaderCompressor();
  peer.send({ type: 'syn_stream', streamId: 1, associatedTo: 0, priority: 0, slot: 0, fin: false, unidirectional: false, headerBlock: await compressor.compress(encodeHeaderBlock({})) });
  for (let i = 0; i < 4; i++) peer.send({ type: 'data', streamId: 1, fin: false, data: Buffer.alloc(16 * 1024) });
  const updates = [await peer.next('window_update'), await peer.next('window_update')] as Extract<Frame, { type: 'window_update' }>[];
  assert.deepEqual(updates.map((u) => u.streamId).sort(), [0, 1]);
  assert.ok(updates.every((u) => u.delta >= 32 * 1024));
  compressor.close();
  server.destroy();
});

void test('PINGs from the peer are echoed; a reset from the peer closes the stream without an error', async () => {
  const [a, b] = duplexPair();
  let serverStream: SpdyStream | undefined;
  const server = new SpdySession(a, { role: 'server', onStream: (s) => ((serverStream = s), s.reply()) });
  const peer = rawPeer(b);
  peer.send({ type: 'ping', id: 7 });
  assert.deepEqual(await peer.next('ping'), { type: 'ping', id: 7 });
  const compressor = new HeaderCompressor();
  peer.send({ type: 'syn_stream', streamId: 1, associatedTo: 0, priority: 0, slot: 0, fin: false, unidirectional: false, headerBlock: await compressor.compress(encodeHeaderBlock({})) });
  await peer.next('syn_reply');
  const errors: Error[] = [];
  serverStream!.on('error', (err) => errors.push(err));
  const closed = new Promise<void>((resolve) => serverStream!.on('close', () => resolve()));
  peer.send({ type: 'rst_stream', streamId: 1, status: RST_STATUS.cancel });
  await closed;
  assert.deepEqual(errors, []);
  assert.equal(serverStream!.reset, true);
  compressor.close();
  server.destroy();
});

void test('a stream reset before its reply rejects replied() with the reason, then and later', async () => {
  const [a, b] = duplexPair();
  const client = new SpdySession(a, { role: 'client' });
  const peer = rawPeer(b);
  const stream = client.openStream({});
  const waiting = stream.replied();
  assert.equal((await peer.next('syn_stream')).type, 'syn_stream');
  peer.send({ type: 'rst_stream', streamId: stream.id, status: RST_STATUS.refusedStream });
  await assert.rejects(waiting, /stream 1 reset by the peer \(status 3\)/);
  await assert.rejects(stream.replied(), /stream 1 reset by the peer/);
  client.destroy();
});

void test('an error on a stream nobody listens to only destroys it', async () => {
  const [a, b] = duplexPair();
  let serverStream: SpdyStream | undefined;
  const server = new SpdySession(a, { role: 'server', onStream: (s) => ((serverStream = s), s.reply(), s.end()) });
  const client = new SpdySession(b, { role: 'client' });
  await client.openStream({}).replied();
  const closed = new Promise<void>((resolve) => serverStream!.on('close', () => resolve()));
  // Writing after end is an error the stream emits; without a listener it would be an uncaught exception.
  serverStream!.write('too late');
  await closed;
  assert.equal(serverStream!.destroyed, true);
  client.destroy();
  server.destroy();
});

void test('streams with ids out of order are refused; after GOAWAY new streams are refused too', async () => {
  const [a, b] = duplexPair();
  const opened: number[] = [];
  const server = new SpdySession(a, { role: 'server', onStream: (s) => (opened.push(s.id), s.reply()) });
  const peer = rawPeer(b);
  const compressor = new HeaderCompressor();
  const syn = async (streamId: number): Promise<void> =>
    peer.send({ type: 'syn_stream', streamId, associatedTo: 0, priority: 0, slot: 0, fin: false, unidirectional: false, headerBlock: await compressor.compress(encodeHeaderBlock({})) });
  await syn(3);
  await peer.next('syn_reply');
  await syn(1);
  assert.deepEqual(await peer.next('rst_stream'), { type: 'rst_stream', streamId: 1, status: RST_STATUS.protocolError });
  server.goAway();
  assert.deepEqual(await peer.next('goaway'), { type: 'goaway', lastGoodStreamId: 3, status: 0 });
  await syn(5);
  assert.deepEqual(await peer.next('rst_stream'), { type: 'rst_stream', streamId: 5, status: RST_STATUS.refusedStream });
  assert.deepEqual(opened, [3]);
  assert.throws(() => server.openStream({}), /going away/);
  compressor.close();
  server.destroy();
});

void test('the transport closing destroys every stream', async () => {
  const [a, b] = duplexPair();
  let serverStream: SpdyStream | undefined;
  const server = new SpdySession(a, { role: 'server', onStream: (s) => ((serverStream = s), s.reply()) });
  const client = new SpdySession(b, { role: 'client' });
  const stream = client.openStream({});
  await stream.replied();
  const gone = new Promise<void>((resolve) => serverStream!.on('close', () => resolve()));
  client.destroy();
  await gone;
  assert.ok(server.closed || serverStream!.destroyed);
  server.destroy();
});
