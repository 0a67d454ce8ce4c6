/**
 * `/openapi/v2`, served without definitions. kubectl reads it (as protobuf) only to validate on
 * the client what it cannot leave to the server: the items of a `kind: List` file, since a List
 * is not a served kind. Finding no schema for a kind, kubectl skips its client-side check, and
 * the server still validates every object it is sent (unknown and duplicate fields included, as
 * `fieldValidation` asks). Everything else kubectl needs a schema for (field validation support,
 * `explain`, patch strategies) it reads from `/openapi/v3`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { writeJson } from './http/respond.ts';

/** What kubectl asks for (gnostic's OpenAPI v2 Document message), with or without the `@`. */
const PROTOBUF_ACCEPT = /application\/com\.github\.proto-openapi\.spec\.v2[@.]v1\.0\+protobuf/;
/** The type answered: Go's media type parser, which clients use, refuses the `@`. */
const PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

const TITLE = 'Kubernetes';
const VERSION = 'v1.32.0';

/** A length-delimited protobuf field (wire type 2). */
function lengthDelimited(field: number, payload: Buffer): Buffer {
  const length: number[] = [];
  for (let n = payload.length; ; n >>>= 7) {
    if (n < 0x80) {
      length.push(n);
      break;
    }
    length.push((n & 0x7f) | 0x80);
  }
  return Buffer.concat([Buffer.from([(field << 3) | 2, ...length]), payload]);
}

/** Document { swagger = 1; info = 2 { title = 1; version = 2 } }. */
const DOCUMENT = Buffer.concat([
  lengthDelimited(1, Buffer.from('2.0')),
  lengthDelimited(2, Buffer.concat([lengthDelimited(1, Buffer.from(TITLE)), lengthDelimited(2, Buffer.from(VERSION))])),
]);

/** Answers `/openapi/v2` as protobuf when asked for it, else as JSON. */
export function serveOpenApiV2(req: IncomingMessage, res: ServerResponse): void {
  if (PROTOBUF_ACCEPT.test(req.headers.accept ?? '')) {
    res.writeHead(200, { 'Content-Type': PROTOBUF, 'Content-Length': DOCUMENT.length, 'Cache-Control': 'no-cache, private' });
    res.end(req.method === 'HEAD' ? undefined : DOCUMENT);
    return;
  }
  writeJson(res, 200, { swagger: '2.0', info: { title: TITLE, version: VERSION }, paths: {}, definitions: {} });
}
