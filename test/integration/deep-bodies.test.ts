/**
 * Bodies that nest deeper than any real object: refused with 400 whatever the way in (JSON,
 * YAML, merge patch, server-side apply) instead of running the server out of stack; a custom
 * resource nested to the limit goes through every step of create, patch and apply.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_BODY_DEPTH } from '../../src/apiserver/http/request-body.ts';
import { waitFor } from '../../src/client/testing/wait-for.ts';
import { startTestApiServer, type TestApiServer } from '../support/test-apiserver.ts';

const BLOBS = '/apis/example.com/v1/namespaces/default/blobs';

/** `{"a":{"a":...}}` with `levels` objects, `spec` itself the first. */
function nested(levels: number): unknown {
  let v: unknown = 'leaf';
  for (let i = 0; i < levels; i++) v = { a: v };
  return v;
}

describe('deeply nested bodies', () => {
  let api: TestApiServer;
  before(async () => {
    api = await startTestApiServer();
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'blobs.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'blobs', singular: 'blob', kind: 'Blob', listKind: 'BlobList' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } } } }],
      },
    };
    assert.equal((await api.request('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body: crd })).status, 201);
    await waitFor(async () => (await api.request('GET', BLOBS)).status === 200, 'blobs served');
  });
  after(async () => {
    await api?.close();
  });

  it('takes an object nested to the limit through create, merge patch and apply', async () => {
    // The object itself is the first level.
    const body = { apiVersion: 'example.com/v1', kind: 'Blob', metadata: { name: 'deep' }, spec: nested(MAX_BODY_DEPTH - 1) };
    const created = await api.request('POST', BLOBS, { body });
    assert.equal(created.status, 201, created.text.slice(0, 300));
    const patched = await api.request('PATCH', `${BLOBS}/deep`, { body: JSON.stringify({ spec: nested(MAX_BODY_DEPTH - 1) }), headers: { 'Content-Type': 'application/merge-patch+json' } });
    assert.equal(patched.status, 200, patched.text.slice(0, 300));
    const applied = await api.request('PATCH', `${BLOBS}/deep?fieldManager=t&force=true`, { body: JSON.stringify(body), headers: { 'Content-Type': 'application/apply-patch+yaml' } });
    assert.equal(applied.status, 200, applied.text.slice(0, 300));
  });

  it('refuses one level more, and much more, with 400 however it is sent', async () => {
    for (const levels of [MAX_BODY_DEPTH, 20_000]) {
      // Written out directly: JSON.stringify itself recurses.
      const json = `{"apiVersion":"example.com/v1","kind":"Blob","metadata":{"name":"d${levels}"},"spec":${'{"a":'.repeat(levels)}"leaf"${'}'.repeat(levels)}}`;
      for (const [method, path, contentType] of [
        ['POST', BLOBS, 'application/json'],
        ['POST', BLOBS, 'application/yaml'],
        ['PATCH', `${BLOBS}/deep`, 'application/merge-patch+json'],
        ['PATCH', `${BLOBS}/deep?fieldManager=t`, 'application/apply-patch+yaml'],
      ] as const) {
        const res = await api.request(method, path, { body: json, headers: { 'Content-Type': contentType } });
        assert.equal(res.status, 400, `${method} ${contentType} at ${levels}: ${res.text.slice(0, 200)}`);
        assert.match(res.json.message, new RegExp(`nests deeper than ${MAX_BODY_DEPTH} levels`));
      }
    }
    assert.equal((await api.request('GET', `${BLOBS}/d${MAX_BODY_DEPTH}`)).status, 404);
  });
});
