/**
 * The Kubernetes protobuf envelope: the 4 bytes `k8s\0`, then a runtime.Unknown message
 * {1: typeMeta {1: apiVersion, 2: kind}, 2: raw (the kind's message), 3: contentEncoding,
 * 4: contentType}. `decodeProtobufObject` unwraps it and decodes `raw` with the kind's
 * descriptor into the JSON object (apiVersion and kind first) the JSON path would produce.
 */
import { decodeMessage, type JsonObject } from './decode-message.ts';
import { ProtobufDecodeError, ProtobufUnsupportedError } from './errors.ts';
import { protobufDescriptorFor } from './kinds.ts';
import { WireReader } from './wire-reader.ts';

/** The prefix of every Kubernetes protobuf body. */
export const PROTOBUF_MAGIC = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

/** The media type of Kubernetes protobuf. */
export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

export interface ProtobufEnvelope {
  readonly apiVersion: string;
  readonly kind: string;
  readonly raw: Uint8Array;
}

const utf8 = new TextDecoder('utf-8');

function lengthDelimited(field: ReturnType<WireReader['readField']>, what: string): Uint8Array {
  if (field.wireType !== 2) throw new ProtobufDecodeError(`${what} is not length-delimited`);
  return field.value;
}

function decodeTypeMeta(bytes: Uint8Array): { apiVersion: string; kind: string } {
  const reader = new WireReader(bytes);
  let apiVersion = '';
  let kind = '';
  while (!reader.done) {
    const f = reader.readField();
    if (f.number === 1) apiVersion = utf8.decode(lengthDelimited(f, 'typeMeta.apiVersion'));
    else if (f.number === 2) kind = utf8.decode(lengthDelimited(f, 'typeMeta.kind'));
  }
  return { apiVersion, kind };
}

/** Splits a body into its type and its raw message; throws ProtobufDecodeError when it is not an envelope. */
export function decodeEnvelope(body: Uint8Array): ProtobufEnvelope {
  if (body.length < PROTOBUF_MAGIC.length || PROTOBUF_MAGIC.some((b, i) => body[i] !== b)) {
    throw new ProtobufDecodeError('the body does not start with the Kubernetes protobuf prefix "k8s\\x00"');
  }
  const reader = new WireReader(body.subarray(PROTOBUF_MAGIC.length));
  let typeMeta = { apiVersion: '', kind: '' };
  let raw: Uint8Array = new Uint8Array(0);
  let contentEncoding = '';
  while (!reader.done) {
    const f = reader.readField();
    switch (f.number) {
      case 1:
        typeMeta = decodeTypeMeta(lengthDelimited(f, 'typeMeta'));
        break;
      case 2:
        raw = lengthDelimited(f, 'raw');
        break;
      case 3:
        contentEncoding = utf8.decode(lengthDelimited(f, 'contentEncoding'));
        break;
      case 4:
        lengthDelimited(f, 'contentType');
        break;
      default:
        throw new ProtobufDecodeError(`unexpected field ${f.number} in the protobuf envelope`);
    }
  }
  if (typeMeta.kind === '' || typeMeta.apiVersion === '') throw new ProtobufDecodeError('the protobuf envelope names no apiVersion and kind');
  if (contentEncoding !== '') throw new ProtobufUnsupportedError(`protobuf content encoding "${contentEncoding}" is not supported`);
  return { ...typeMeta, raw };
}

/**
 * Decodes a protobuf request body into its JSON object. Throws ProtobufDecodeError for bytes
 * that are not well-formed, ProtobufUnsupportedError for a kind or field k8ts does not decode.
 */
export function decodeProtobufObject(body: Uint8Array): JsonObject {
  const envelope = decodeEnvelope(body);
  const descriptor = protobufDescriptorFor(envelope.apiVersion, envelope.kind);
  if (descriptor === undefined) {
    throw new ProtobufUnsupportedError(`k8ts does not decode ${envelope.kind} (${envelope.apiVersion}) from protobuf`);
  }
  return { apiVersion: envelope.apiVersion, kind: envelope.kind, ...decodeMessage(envelope.raw, descriptor) };
}
