/**
 * Decoding an object from a create or update body (and a DELETE's DeleteOptions): JSON, YAML
 * (application/yaml, as `curl --data-binary @cm.yaml` sends a manifest), or Kubernetes protobuf
 * (what kubectl's typed clients send for `kubectl create <generator>` and `kubectl auth`). All
 * yield the same plain JSON object, and the keys the body repeats, for field validation.
 * Patches have content types of their own (handlers/patch.ts, apply.ts) and never come here.
 */
import type { IncomingMessage } from 'node:http';
import { decodeProtobufObject, PROTOBUF_MEDIA_TYPE } from '../../api/protobuf/envelope.ts';
import { ProtobufDecodeError, ProtobufUnsupportedError } from '../../api/protobuf/errors.ts';
import { findDuplicateKeys } from '../../util/json-duplicate-keys.ts';
import { badRequest, unsupportedMediaType } from '../errors.ts';
import { checkBodyDepth, mediaType, parseJsonObject } from './request-body.ts';
import { decodeYaml } from './yaml-body.ts';

const YAML_MEDIA_TYPE = 'application/yaml';

export interface DecodedObjectBody {
  readonly obj: Record<string, unknown>;
  /**
   * The keys the body repeats, as field paths (`metadata.name`); none for protobuf, which
   * cannot repeat a field. Worked out when asked: only field validation asks.
   */
  readonly duplicates: () => string[];
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

async function decodeYamlObject(body: Buffer, what: string): Promise<DecodedObjectBody> {
  const { value, duplicates } = await decodeYaml(body.toString('utf8'));
  checkBodyDepth(value, what);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest(`error decoding ${what} from YAML: expected a mapping, got ${value === null ? 'an empty document' : Array.isArray(value) ? 'a sequence' : 'a scalar'}`);
  }
  return { obj: value as Record<string, unknown>, duplicates: () => duplicates };
}

/**
 * Decodes `body` by the request's Content-Type: JSON (also when none is given), YAML or protobuf.
 * @throws ApiError 400 for a body that does not decode to an object, 415 for any other type
 */
export async function decodeObjectBody(req: IncomingMessage, body: Buffer, what = 'the object'): Promise<DecodedObjectBody> {
  const type = mediaType(req);
  if (type === PROTOBUF_MEDIA_TYPE) {
    const obj = decodeProtobuf(body);
    return { obj, duplicates: () => [] };
  }
  if (type === YAML_MEDIA_TYPE) return decodeYamlObject(body, what);
  if (type === '' || type === 'application/json' || type === '*/*') {
    const obj = parseJsonObject(body, what);
    return { obj, duplicates: () => findDuplicateKeys(body.toString('utf8')) };
  }
  throw unsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, ${PROTOBUF_MEDIA_TYPE}`);
}
