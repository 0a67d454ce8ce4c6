import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFrame, FrameReader, SpdyProtocolError, type Frame } from './frames.ts';

const samples: Frame[] = [
  { type: 'data', streamId: 5, fin: true, data: Buffer.from('hello') },
  { type: 'data', streamId: 0x7fffffff, fin: false, data: Buffer.alloc(0) },
  { type: 'syn_stream', streamId: 1, associatedTo: 0, priority: 3, slot: 0, fin: false, unidirectional: true, headerBlock: Buffer.from([1, 2, 3]) },
  { type: 'syn_reply', streamId: 1, fin: true, headerBlock: Buffer.from([9]) },
  { type: 'headers', streamId: 3, fin: false, headerBlock: Buffer.alloc(0) },
  { type: 'rst_stream', streamId: 7, status: 5 },
  { type: 'settings', clear: false, entries: [{ flags: 1, id: 7, value: 65536 }, { flags: 0, id: 4, value: 100 }] },
  { type: 'ping', id: 0xffffffff },
  { type: 'goaway', lastGoodStreamId: 9, status: 0 },
  { type: 'window_update', streamId: 0, delta: 4096 },
  { type: 'unknown', frameType: 10, flags: 0, payload: Buffer.from([0, 1]) },
];

void test('every frame type survives encoding and reading back', () => {
  for (const frame of samples) {
    const reader = new FrameReader();
    assert.deepEqual(reader.push(encodeFrame(frame)), [frame], frame.type);
    assert.equal(reader.pending, 0);
  }
});

void test('the wire layout of a control and a data frame', () => {
  assert.equal(encodeFrame({ type: 'ping', id: 1 }).toString('hex'), '80030006' + '00000004' + '00000001');
  assert.equal(encodeFrame({ type: 'rst_stream', streamId: 3, status: 5 }).toString('hex'), '80030003' + '00000008' + '00000003' + '00000005');
  assert.equal(encodeFrame({ type: 'data', streamId: 1, fin: true, data: Buffer.from('ab') }).toString('hex'), '00000001' + '01000002' + '6162');
  assert.equal(
    encodeFrame({ type: 'syn_stream', streamId: 1, associatedTo: 0, priority: 7, slot: 0, fin: true, unidirectional: false, headerBlock: Buffer.alloc(0) }).toString('hex'),
    '80030001' + '0100000a' + '00000001' + '00000000' + 'e000',
  );
});

void test('frames split at any byte and glued together come out whole and in order', () => {
  const bytes = Buffer.concat(samples.map(encodeFrame));
  for (const pieceSize of [1, 3, 7, 64]) {
    const reader = new FrameReader();
    const out: Frame[] = [];
    for (let i = 0; i < bytes.length; i += pieceSize) out.push(...reader.push(bytes.subarray(i, i + pieceSize)));
    assert.deepEqual(out, samples, `pieces of ${pieceSize}`);
  }
});

void test('another SPDY version or a short control frame is a protocol error', () => {
  const v2 = encodeFrame({ type: 'ping', id: 1 });
  v2.writeUInt16BE(0x8002, 0);
  assert.throws(() => new FrameReader().push(v2), SpdyProtocolError);
  const short = Buffer.from('8003000300000004' + '00000001', 'hex');
  assert.throws(() => new FrameReader().push(short), /RST_STREAM frame too short/);
});
