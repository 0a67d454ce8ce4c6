/**
 * Paths that must address exactly what they spell: dot segments (literal, percent-encoded, after
 * a backslash) and empty segments are refused before anything routes them.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApiServer, type Response, type TestApiServer } from '../support/test-apiserver.ts';

function expectStatus(r: Response, code: number, reason: string): void {
  assert.equal(r.status, code, `expected ${code} ${reason}, got ${r.status}: ${r.text}`);
  assert.equal(r.json?.kind, 'Status', r.text);
  assert.equal(r.json.reason, reason);
}

function configMap(name: string, data: Record<string, string> = { a: 'b' }): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data };
}

describe('request paths', () => {
  let t: TestApiServer;
  before(async () => {
    t = await startTestApiServer();
    for (const ns of ['trav', 'configmaps']) assert.equal((await t.request('POST', '/api/v1/namespaces', { body: { metadata: { name: ns } } })).status, 201);
    for (const [ns, name] of [['trav', 'cm']] as const) {
      assert.equal((await t.request('POST', `/api/v1/namespaces/${ns}/configmaps`, { body: configMap(name) })).status, 201);
    }
  });
  after(async () => {
    await t.close();
  });

  const namespaceAlive = async (name: string): Promise<void> => {
    const ns = await t.request('GET', `/api/v1/namespaces/${name}`);
    assert.equal(ns.status, 200, ns.text);
    assert.equal(ns.json.metadata.deletionTimestamp, undefined, `namespace ${name} is not being deleted`);
  };

  it('refuses a dot segment, in any spelling, with 400 before routing it: the namespace survives', async () => {
    const CM = '/api/v1/namespaces/trav/configmaps';
    for (const segment of ['..', '%2e%2e', '%2E%2E', '.%2e', '%2e.', '.', '%2e']) {
      for (const method of ['GET', 'DELETE', 'PUT']) {
        const r = await t.request(method, `${CM}/${segment}`, method === 'PUT' ? { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'trav' } } } : {});
        expectStatus(r, 400, 'BadRequest');
      }
    }
    expectStatus(await t.request('DELETE', `${CM}/cm\\..`), 400, 'BadRequest');
    expectStatus(await t.request('DELETE', '/api/v1/namespaces/trav/configmaps/cm/%2e%2e/%2e%2e'), 400, 'BadRequest');
    expectStatus(await t.request('GET', '/version/..'), 400, 'BadRequest');
    await namespaceAlive('trav');
    assert.equal((await t.request('GET', `${CM}/cm`)).status, 200);
  });

  it('refuses an empty segment inside a resource path with 400, so no other object is addressed', async () => {
    // Read without the empty segment, this would delete the namespace "configmaps".
    expectStatus(await t.request('DELETE', '/api/v1/namespaces//configmaps'), 400, 'BadRequest');
    await namespaceAlive('configmaps');
    // `//x/…` is a path, not a host and a path: it names no API.
    expectStatus(await t.request('DELETE', '//x/api/v1/namespaces/trav'), 404, 'NotFound');
    await namespaceAlive('trav');
  });
});
