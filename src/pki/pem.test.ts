import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFirstPem, decodePem, encodePem } from './pem.ts';

describe('pem', () => {
  it('round-trips bytes through a block with 64-character lines', () => {
    const der = new Uint8Array(200).map((_, i) => i);
    const text = encodePem(der, 'CERTIFICATE');
    const lines = text.trimEnd().split('\n');
    assert.equal(lines[0], '-----BEGIN CERTIFICATE-----');
    assert.equal(lines.at(-1), '-----END CERTIFICATE-----');
    for (const line of lines.slice(1, -2)) assert.equal(line.length, 64);
    assert.deepEqual(decodeFirstPem(text, 'CERTIFICATE'), der);
  });

  it('finds every block in order, ignoring text around them and CRLF line ends', () => {
    const text = `junk\r\n${encodePem(new Uint8Array([1]), 'PRIVATE KEY').replaceAll('\n', '\r\n')}between\n${encodePem(new Uint8Array([2, 3]), 'CERTIFICATE')}`;
    const blocks = decodePem(text);
    assert.deepEqual(
      blocks.map((b) => [b.label, [...b.der]]),
      [
        ['PRIVATE KEY', [1]],
        ['CERTIFICATE', [2, 3]],
      ],
    );
  });

  it('names what it was reading when the label is missing', () => {
    assert.throws(() => decodeFirstPem(encodePem(new Uint8Array([1]), 'CERTIFICATE'), 'PRIVATE KEY', '/x/ca.key'), /\/x\/ca\.key holds no "PRIVATE KEY"/);
  });
});
