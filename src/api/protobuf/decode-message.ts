/**
 * Decodes one protobuf message into the plain JSON object the same client would have sent as
 * JSON, driven by a MessageDescriptor: field numbers become JSON names, Kubernetes' special
 * types (Time, IntOrString, Quantity, FieldsV1) their JSON forms, maps objects, repeated fields
 * arrays, and zero values of non-pointer fields are dropped (see descriptor.ts).
 *
 * A field number the descriptor does not list is refused with ProtobufUnsupportedError naming
 * the field path: a newer client's field, or one k8ts does not model, is never silently lost.
 */
import { ProtobufDecodeError, ProtobufUnsupportedError } from './errors.ts';
import type { FieldDescriptor, MessageDescriptor, ValueType } from './descriptor.ts';
import { unpackVarints, WireReader, type WireField } from './wire-reader.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

const utf8 = new TextDecoder('utf-8');
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function at(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

function isVarintType(type: ValueType): boolean {
  return type === 'bool' || type === 'int32' || type === 'int64';
}

function varintValue(type: 'bool' | 'int32' | 'int64', raw: bigint, path: string): boolean | number {
  if (type === 'bool') return raw !== 0n;
  if (type === 'int32') return Number(BigInt.asIntN(32, raw));
  const v = BigInt.asIntN(64, raw);
  if (v > MAX_SAFE || v < -MAX_SAFE) throw new ProtobufDecodeError(`${path}: int64 value ${v} is out of the range JSON numbers hold exactly`);
  return Number(v);
}

function expectBytes(f: WireField, path: string): Uint8Array {
  if (f.wireType !== 2) throw new ProtobufDecodeError(`${path}: field ${f.number} has wire type ${f.wireType}, expected length-delimited`);
  return f.value;
}

/** RFC 3339 with second precision, as metav1.Time serializes. */
function formatTime(seconds: number): string {
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime())) throw new ProtobufDecodeError(`time ${seconds} is out of range`);
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Reads the fields of a small fixed-layout message into number → last wire field. */
function smallMessage(bytes: Uint8Array, path: string, allowed: readonly number[], what: string): Map<number, WireField> {
  const out = new Map<number, WireField>();
  const reader = new WireReader(bytes);
  while (!reader.done) {
    const f = reader.readField();
    if (!allowed.includes(f.number)) throw new ProtobufUnsupportedError(`${path}: field ${f.number} of ${what} is not supported`);
    out.set(f.number, f);
  }
  return out;
}

function varintOf(fields: Map<number, WireField>, n: number, path: string): bigint | undefined {
  const f = fields.get(n);
  if (f === undefined) return undefined;
  if (f.wireType !== 0) throw new ProtobufDecodeError(`${path}: field ${n} has wire type ${f.wireType}, expected varint`);
  return f.value;
}

function stringOf(fields: Map<number, WireField>, n: number, path: string): string | undefined {
  const f = fields.get(n);
  return f === undefined ? undefined : utf8.decode(expectBytes(f, path));
}

/**
 * Decodes one value of `type` from its wire field. Undefined means "unset" (an empty Time, an
 * empty JSON holder): the field is then left out.
 */
function decodeValue(type: ValueType, f: WireField, path: string): Json | undefined {
  if (typeof type === 'object') return decodeMessage(expectBytes(f, path), type.message(), path);
  switch (type) {
    case 'bool':
    case 'int32':
    case 'int64':
      if (f.wireType !== 0) throw new ProtobufDecodeError(`${path}: field ${f.number} has wire type ${f.wireType}, expected varint`);
      return varintValue(type, f.value, path);
    case 'string':
      return utf8.decode(expectBytes(f, path));
    case 'bytes':
      return Buffer.from(expectBytes(f, path)).toString('base64');
    case 'time': {
      const t = smallMessage(expectBytes(f, path), path, [1, 2], 'Time');
      const seconds = varintOf(t, 1, path);
      if (seconds === undefined && !t.has(2)) return undefined;
      return formatTime(Number(varintValue('int64', seconds ?? 0n, path)));
    }
    case 'intOrString': {
      const v = smallMessage(expectBytes(f, path), path, [1, 2, 3], 'IntOrString');
      const kind = varintOf(v, 1, path) ?? 0n;
      if (kind === 1n) return stringOf(v, 3, path) ?? '';
      if (kind !== 0n) throw new ProtobufDecodeError(`${path}: IntOrString type ${kind} is neither 0 (int) nor 1 (string)`);
      return varintValue('int32', varintOf(v, 2, path) ?? 0n, path);
    }
    case 'quantity': {
      const q = smallMessage(expectBytes(f, path), path, [1], 'Quantity');
      return stringOf(q, 1, path) ?? '0';
    }
    case 'json': {
      const holder = smallMessage(expectBytes(f, path), path, [1], 'a raw JSON holder');
      const raw = holder.get(1);
      if (raw === undefined) return undefined;
      const text = utf8.decode(expectBytes(raw, path));
      if (text === '') return undefined;
      try {
        return JSON.parse(text) as Json;
      } catch (err) {
        throw new ProtobufDecodeError(`${path}: embedded JSON is invalid: ${(err as Error).message}`);
      }
    }
    case 'stringList': {
      const reader = new WireReader(expectBytes(f, path));
      const items: string[] = [];
      while (!reader.done) {
        const item = reader.readField();
        if (item.number !== 1) throw new ProtobufUnsupportedError(`${path}: field ${item.number} of a string list is not supported`);
        items.push(utf8.decode(expectBytes(item, path)));
      }
      return items;
    }
  }
}

/** Whether a decoded scalar is the zero value Kubernetes' JSON encoder would have omitted. */
function isZeroScalar(v: Json | undefined): boolean {
  return v === '' || v === 0 || v === false;
}

function zeroOf(type: ValueType, path: string): Json {
  switch (type) {
    case 'string':
    case 'bytes':
      return '';
    case 'quantity':
      return '0';
    case 'stringList':
      return [];
    default:
      throw new ProtobufDecodeError(`${path}: map entry without a value`);
  }
}

function decodeMapEntry(fd: FieldDescriptor, bytes: Uint8Array, path: string): [string, Json] {
  const reader = new WireReader(bytes);
  let key = '';
  let value: Json | undefined;
  while (!reader.done) {
    const f = reader.readField();
    if (f.number === 1) key = utf8.decode(expectBytes(f, path));
    else if (f.number === 2) value = decodeValue(fd.type, f, `${path}[${key}]`);
    else throw new ProtobufUnsupportedError(`${path}: field ${f.number} of a map entry is not supported`);
  }
  return [key, value ?? zeroOf(fd.type, path)];
}

function decodeField(out: JsonObject, fd: FieldDescriptor, f: WireField, path: string): void {
  const fieldPath = at(path, fd.name);
  if (fd.inline === true) {
    if (typeof fd.type !== 'object') throw new Error(`inline field of ${path} must be a message`);
    Object.assign(out, decodeMessage(expectBytes(f, path), fd.type.message(), path));
    return;
  }
  if (fd.map === true) {
    const [key, value] = decodeMapEntry(fd, expectBytes(f, fieldPath), fieldPath);
    const existing = out[fd.name];
    const target = typeof existing === 'object' && existing !== null && !Array.isArray(existing) ? existing : {};
    target[key] = value;
    out[fd.name] = target;
    return;
  }
  if (fd.repeated === true) {
    const list = Array.isArray(out[fd.name]) ? (out[fd.name] as Json[]) : [];
    if (isVarintType(fd.type) && f.wireType === 2) {
      for (const raw of unpackVarints(f.value)) list.push(varintValue(fd.type as 'bool' | 'int32' | 'int64', raw, fieldPath));
    } else {
      const value = decodeValue(fd.type, f, `${fieldPath}[${list.length}]`);
      if (value !== undefined) list.push(value);
    }
    out[fd.name] = list;
    return;
  }
  const value = decodeValue(fd.type, f, fieldPath);
  if (value === undefined || (typeof fd.type !== 'object' && fd.present !== true && isZeroScalar(value))) {
    delete out[fd.name];
    return;
  }
  out[fd.name] = value;
}

/** Decodes `bytes` as the message `descriptor`; `path` is the JSON path of the message, for errors. */
export function decodeMessage(bytes: Uint8Array, descriptor: MessageDescriptor, path = ''): JsonObject {
  const out: JsonObject = {};
  const reader = new WireReader(bytes);
  while (!reader.done) {
    const f = reader.readField();
    const fd = descriptor.fields.get(f.number);
    if (fd === undefined) {
      const where = path === '' ? descriptor.name : `${path} (${descriptor.name})`;
      throw new ProtobufUnsupportedError(`field number ${f.number} of ${where} is not supported`);
    }
    decodeField(out, fd, f, path);
  }
  return out;
}
