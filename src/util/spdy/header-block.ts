/**
 * The SPDY/3 name/value header block, uncompressed: a 32-bit count, then for each pair a 32-bit
 * length and the name, a 32-bit length and the value. Several values of one name travel as one
 * value separated by NUL bytes. Names are lower case on the wire (peers refuse others).
 */
import { SpdyProtocolError } from './frames.ts';

/** Header names to their values (a name with several values has several entries). */
export type SpdyHeaders = Readonly<Record<string, readonly string[]>>;

/** Lays out `headers` (names lower-cased; values of one name joined with NUL). */
export function encodeHeaderBlock(headers: Readonly<Record<string, string | readonly string[]>>): Buffer {
  const parts: Buffer[] = [];
  const entries = Object.entries(headers);
  const count = Buffer.alloc(4);
  count.writeUInt32BE(entries.length);
  parts.push(count);
  for (const [name, value] of entries) {
    for (const text of [name.toLowerCase(), typeof value === 'string' ? value : value.join('\0')]) {
      const bytes = Buffer.from(text, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32BE(bytes.length);
      parts.push(length, bytes);
    }
  }
  return Buffer.concat(parts);
}

/**
 * Reads a header block.
 * @throws SpdyProtocolError when it is truncated or names a header twice
 */
export function decodeHeaderBlock(block: Buffer): SpdyHeaders {
  let offset = 0;
  const take = (what: string): Buffer => {
    if (offset + 4 > block.length) throw new SpdyProtocolError(`header block truncated reading the length of ${what}`);
    const length = block.readUInt32BE(offset);
    offset += 4;
    if (offset + length > block.length) throw new SpdyProtocolError(`header block truncated reading ${what}`);
    const bytes = block.subarray(offset, offset + length);
    offset += length;
    return bytes;
  };
  if (block.length < 4) throw new SpdyProtocolError('header block truncated reading the number of headers');
  const count = block.readUInt32BE(0);
  offset = 4;
  const out: Record<string, string[]> = {};
  for (let i = 0; i < count; i++) {
    const name = take('a header name').toString('utf8');
    const value = take(`the value of ${name}`).toString('utf8');
    if (Object.hasOwn(out, name)) throw new SpdyProtocolError(`header block names "${name}" twice`);
    out[name] = value.split('\0');
  }
  return out;
}

/** The first value of header `name` ('' when absent). */
export function headerValue(headers: SpdyHeaders, name: string): string {
  return headers[name.toLowerCase()]?.[0] ?? '';
}
