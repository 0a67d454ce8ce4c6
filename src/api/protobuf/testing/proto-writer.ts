/**
 * A protobuf wire writer for tests: builds messages field by field (numbers written by hand),
 * so decoder tests do not depend on the descriptor tables they check. Fields are written in the
 * order given, as Kubernetes' encoder does (it also writes zero values of non-pointer fields).
 */
import { PROTOBUF_MAGIC } from '../envelope.ts';

export class ProtoWriter {
  readonly #chunks: number[] = [];

  #varint(value: bigint): void {
    let v = BigInt.asUintN(64, value);
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) byte |= 0x80;
      this.#chunks.push(byte);
    } while (v !== 0n);
  }

  #key(field: number, wireType: number): void {
    this.#varint(BigInt((field << 3) | wireType));
  }

  varint(field: number, value: number | bigint | boolean): this {
    this.#key(field, 0);
    this.#varint(typeof value === 'boolean' ? (value ? 1n : 0n) : BigInt(value));
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.#key(field, 2);
    this.#varint(BigInt(value.length));
    for (const b of value) this.#chunks.push(b);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** A nested message written by `build`. */
  message(field: number, build: (w: ProtoWriter) => unknown): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  /** A map<string, string> entry. */
  mapEntry(field: number, key: string, value: string): this {
    return this.message(field, (e) => e.string(1, key).string(2, value));
  }

  /** Raw bytes appended as they are (for corrupt-input tests). */
  raw(bytes: Iterable<number>): this {
    for (const b of bytes) this.#chunks.push(b);
    return this;
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.#chunks);
  }
}

/** A complete Kubernetes protobuf body: magic, then runtime.Unknown{typeMeta, raw}. */
export function protobufBody(apiVersion: string, kind: string, raw: Uint8Array): Buffer {
  const unknown = new ProtoWriter()
    .message(1, (t) => t.string(1, apiVersion).string(2, kind))
    .bytes(2, raw)
    .string(3, '')
    .string(4, '')
    .finish();
  return Buffer.concat([PROTOBUF_MAGIC, unknown]);
}
