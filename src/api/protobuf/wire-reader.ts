/**
 * A reader of the protobuf wire format: varints, fixed 32/64-bit values and length-delimited
 * fields. It knows nothing of messages; decode-message.ts gives the fields their meaning. Every
 * read is bounds-checked, so truncated or corrupt input fails with ProtobufDecodeError rather
 * than reading past the buffer.
 */
import { ProtobufDecodeError } from './errors.ts';

/** Wire types: 0 varint, 1 fixed 64-bit, 2 length-delimited, 5 fixed 32-bit (3/4, groups, are refused). */
export type WireType = 0 | 1 | 2 | 5;

/** One field as it appears on the wire: varints and fixed values as bigint, the rest as bytes. */
export type WireField =
  | { readonly number: number; readonly wireType: 0 | 1 | 5; readonly value: bigint }
  | { readonly number: number; readonly wireType: 2; readonly value: Uint8Array };

/** The most bytes a varint may take (a 64-bit value, 7 bits a byte). */
const MAX_VARINT_BYTES = 10;

export class WireReader {
  readonly #buf: Uint8Array;
  #pos = 0;

  constructor(buf: Uint8Array) {
    this.#buf = buf;
  }

  get done(): boolean {
    return this.#pos >= this.#buf.length;
  }

  readVarint(): bigint {
    let result = 0n;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (this.#pos >= this.#buf.length) throw new ProtobufDecodeError('truncated varint');
      const byte = this.#buf[this.#pos++]!;
      result |= BigInt(byte & 0x7f) << BigInt(7 * i);
      if ((byte & 0x80) === 0) return BigInt.asUintN(64, result);
    }
    throw new ProtobufDecodeError('varint longer than 10 bytes');
  }

  #take(length: number): Uint8Array {
    if (length > this.#buf.length - this.#pos) throw new ProtobufDecodeError('field length exceeds the message');
    const out = this.#buf.subarray(this.#pos, this.#pos + length);
    this.#pos += length;
    return out;
  }

  #fixed(bytes: 4 | 8): bigint {
    const chunk = this.#take(bytes);
    let v = 0n;
    for (let i = bytes - 1; i >= 0; i--) v = (v << 8n) | BigInt(chunk[i]!);
    return v;
  }

  /** The next field (call only while !done). */
  readField(): WireField {
    const key = this.readVarint();
    const number = Number(key >> 3n);
    const wireType = Number(key & 7n);
    if (number < 1 || number > 0x1fffffff) throw new ProtobufDecodeError(`invalid field number ${number}`);
    switch (wireType) {
      case 0:
        return { number, wireType, value: this.readVarint() };
      case 1:
        return { number, wireType, value: this.#fixed(8) };
      case 2: {
        const length = this.readVarint();
        if (length > BigInt(this.#buf.length)) throw new ProtobufDecodeError('field length exceeds the message');
        return { number, wireType, value: this.#take(Number(length)) };
      }
      case 5:
        return { number, wireType, value: this.#fixed(4) };
      default:
        throw new ProtobufDecodeError(`unsupported wire type ${wireType} for field ${number}`);
    }
  }
}

/** The varints packed into one length-delimited field (repeated numeric fields may be sent packed). */
export function unpackVarints(bytes: Uint8Array): bigint[] {
  const reader = new WireReader(bytes);
  const out: bigint[] = [];
  while (!reader.done) out.push(reader.readVarint());
  return out;
}
