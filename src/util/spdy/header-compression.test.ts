import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SPDY3_DICTIONARY } from './dictionary.ts';
import { decodeHeaderBlock, encodeHeaderBlock, headerValue } from './header-block.ts';
import { HeaderCompressor, HeaderDecompressor } from './header-compression.ts';

/** Adler-32 (RFC 1950), the checksum zlib names a preset dictionary by. */
function adler32(data: Buffer): number {
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

void test('the dictionary is the SPDY/3 one (1423 bytes; its zlib id is the one peers announce)', () => {
  assert.equal(SPDY3_DICTIONARY.length, 1423);
  assert.equal(SPDY3_DICTIONARY.subarray(0, 11).toString('latin1'), '\0\0\0\x07options');
  assert.ok(SPDY3_DICTIONARY.toString('latin1').endsWith('enq=0.'));
  // The id Go's zlib (kubectl, the kubelet) puts in the zlib header of every SPDY/3 session.
  assert.equal(adler32(SPDY3_DICTIONARY).toString(16), 'e3c6a7c2');
});

void test('header blocks: lower-cased names, several values joined with NUL, read back', () => {
  const block = encodeHeaderBlock({ StreamType: 'data', port: '8080', multi: ['a', 'b'] });
  assert.equal(block.readUInt32BE(0), 3);
  const headers = decodeHeaderBlock(block);
  assert.deepEqual(headers, { streamtype: ['data'], port: ['8080'], multi: ['a', 'b'] });
  assert.equal(headerValue(headers, 'StreamType'), 'data');
  assert.equal(headerValue(headers, 'missing'), '');
  assert.throws(() => decodeHeaderBlock(block.subarray(0, block.length - 1)), /truncated/);
  const twice = Buffer.concat([Buffer.from([0, 0, 0, 2]), encodeHeaderBlock({ a: '1' }).subarray(4), encodeHeaderBlock({ a: '2' }).subarray(4)]);
  assert.throws(() => decodeHeaderBlock(twice), /names "a" twice/);
});

void test('one zlib stream per direction: successive blocks depend on earlier ones and decode in order', async () => {
  const compressor = new HeaderCompressor();
  const decompressor = new HeaderDecompressor();
  const blocks: Record<string, string>[] = [{ streamtype: 'error', port: '80', requestid: '0' }, { streamtype: 'data', port: '80', requestid: '0' }, {}];
  const compressed = await Promise.all(blocks.map((b) => compressor.compress(encodeHeaderBlock(b))));
  // zlib header with a preset dictionary, whose id is the dictionary's Adler-32.
  assert.equal(compressed[0]![0], 0x78);
  assert.equal(compressed[0]![1]! & 0x20, 0x20);
  assert.equal(compressed[0]!.readUInt32BE(2), adler32(SPDY3_DICTIONARY));
  // The second block repeats most of the first: the shared window makes it much smaller.
  assert.ok(compressed[1]!.length < compressed[0]!.length / 2);
  for (const [i, c] of compressed.entries()) assert.deepEqual(decodeHeaderBlock(await decompressor.decompress(c)), Object.fromEntries(Object.entries(blocks[i]!).map(([k, v]) => [k, [v]])));
  // Out of order, the second block alone cannot be decoded by a fresh stream.
  const fresh = new HeaderDecompressor();
  await assert.rejects(fresh.decompress(compressed[1]!), /cannot decompress a header block/);
  for (const z of [compressor, decompressor, fresh]) z.close();
});
