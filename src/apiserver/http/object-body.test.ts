import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { ApiError } from '../errors.ts';
import { decodeObjectBody } from './object-body.ts';

function request(contentType: string | undefined): IncomingMessage {
  return { headers: contentType === undefined ? {} : { 'content-type': contentType } } as IncomingMessage;
}

const decode = (contentType: string | undefined, text: string) => decodeObjectBody(request(contentType), Buffer.from(text));

function failsWith(code: number, message: RegExp): (err: unknown) => boolean {
  return (err) => err instanceof ApiError && err.code === code && message.test(err.message);
}

describe('decodeObjectBody()', () => {
  it('decodes application/yaml into the object a JSON client would send, with its repeated keys', async () => {
    const body = await decode('application/yaml; charset=utf-8', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  name: cm\ndata:\n  enabled: "true"\n  count: "1"\n');
    assert.deepEqual(body.obj, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { enabled: 'true', count: '1' } });
    assert.deepEqual(body.duplicates(), ['metadata.name']);
  });

  it('refuses YAML that is malformed or not a mapping with 400', async () => {
    await assert.rejects(decode('application/yaml', 'metadata: {name: x'), failsWith(400, /^error decoding YAML: /));
    await assert.rejects(decode('application/yaml', '- a\n- b\n'), failsWith(400, /expected a mapping, got a sequence/));
    await assert.rejects(decode('application/yaml', 'just text'), failsWith(400, /expected a mapping, got a scalar/));
    await assert.rejects(decode('application/yaml', ''), failsWith(400, /expected a mapping, got an empty document/));
  });

  it('decodes JSON, also without a Content-Type, with its repeated keys', async () => {
    for (const type of [undefined, 'application/json', '*/*']) {
      const body = await decode(type, '{"metadata":{"name":"a","name":"a"}}');
      assert.deepEqual(body.obj, { metadata: { name: 'a' } });
      assert.deepEqual(body.duplicates(), ['metadata.name']);
    }
    await assert.rejects(decode('application/json', 'a: b'), failsWith(400, /^error decoding the object: /));
  });

  it('answers any other type with 415 naming the accepted ones', async () => {
    for (const type of ['text/plain', 'application/merge-patch+json', 'text/yaml']) {
      await assert.rejects(decode(type, '{}'), failsWith(415, /accepted media types include: application\/json, application\/yaml, application\/vnd\.kubernetes\.protobuf$/), type);
    }
  });
});
