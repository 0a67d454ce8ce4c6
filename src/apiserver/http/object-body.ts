/**
 * Decoding an object from a create or update body: JSON, or Kubernetes protobuf (what kubectl's
 * typed clients send for `kubectl create <generator>` and `kubectl auth`). Both yield the same
 * plain JSON object; `text` is the JSON source, kept for duplicate-field checks (protobuf has
 * none: a repeated scalar field is not a duplicate there).
 */
import type { IncomingMessage } from 'node:http';
import { decodeProtobufObject, PROTOBUF_MEDIA_TYPE } from '../../api/protobuf/envelope.ts';
import { ProtobufDecodeError, ProtobufUnsupportedError } from '../../api/protobuf/errors.ts';
import { badRequest, unsupportedMediaType } from '../errors.ts';
import { mediaType, parseJsonObject, requireJsonContent } from './request-body.ts';

export interface DecodedObjectBody {
  readonly obj: Record<string, unknown>;
  /** The JSON text of the body (undefined for protobuf). */
  readonly text: string | undefined;
}

/** Protobuf failures as Statuses: malformed bytes are 400, a kind or field k8ts cannot decode is 415. */
function decodeProtobuf(body: Buffer): Record<string, unknown> {
  try {
    return decodeProtobufObject(body);
  } catch (err) {
    if (err instanceof ProtobufUnsupportedError) {
      throw unsupportedMediaType(`${err.message}: send this object as application/json`);
    }
    if (err instanceof ProtobufDecodeError) throw badRequest(`error decoding the object from protobuf: ${err.message}`);
    throw err;
  }
}

/** Decodes `body` by the request's Content-Type (415 for a type that is neither JSON nor protobuf). */
export function decodeObjectBody(req: IncomingMessage, body: Buffer, what = 'the object'): DecodedObjectBody {
  if (mediaType(req) === PROTOBUF_MEDIA_TYPE) return { obj: decodeProtobuf(body), text: undefined };
  requireJsonContent(req);
  return { obj: parseJsonObject(body, what), text: body.toString('utf8') };
}
