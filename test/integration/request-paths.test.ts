/**
 * Paths that must address exactly what they spell: dot segments (literal, percent-encoded, after
 * a backslash) and empty segments are refused before anything routes them, and the deprecated
 * `watch/` paths and watches of one object are served as watches.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:tls';
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
    for (const ns of ['trav', 'configmaps', 'w']) assert.equal((await t.request('POST', '/api/v1/namespaces', { body: { metadata: { name: ns } } })).status, 201);
    for (const [ns, name] of [['trav', 'cm'], ['w', 'x'], ['w', 'y']] as const) {
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

  /** Sends `head` as is over TLS (no client library would send such a request line); resolves to the status line. */
  const raw = (head: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const url = new URL(t.server.url);
      const socket = connect({ host: url.hostname, port: Number(url.port), ca: t.certs.caPem, cert: t.certs.clientCertPem, key: t.certs.clientKeyPem, servername: 'localhost' }, () => socket.write(head));
      let text = '';
      socket.on('data', (d: Buffer) => {
        text += d.toString();
        if (text.includes('\r\n')) socket.destroy();
      });
      socket.on('close', () => resolve(text.split('\r\n')[0] ?? ''));
      socket.on('error', reject);
    });

  it('answers a request target that does not parse with 400, upgrade or not, and keeps serving', async () => {
    assert.equal(await raw('GET http://[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'), 'HTTP/1.1 400 Bad Request');
    // An upgrade is decided inside the HTTP parser, where a throw would have ended the process.
    assert.match(await raw('GET http://[ HTTP/1.1\r\nHost: x\r\nUpgrade: SPDY/3.1\r\nConnection: Upgrade\r\n\r\n'), /^HTTP\/1\.1 400 /);
    await namespaceAlive('trav');
  });

  it('reads an impersonated extra key that is not valid percent-encoding as written', async () => {
    const r = await t.request('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
      headers: { 'Impersonate-User': 'bob', 'Impersonate-Extra-%zz': 'v' },
    });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.json.status.userInfo.extra, { '%zz': ['v'] });
  });

  it('refuses an empty segment inside a resource path with 400, so no other object is addressed', async () => {
    // Read without the empty segment, this would delete the namespace "configmaps".
    expectStatus(await t.request('DELETE', '/api/v1/namespaces//configmaps'), 400, 'BadRequest');
    await namespaceAlive('configmaps');
    // `//x/…` is a path, not a host and a path: it names no API.
    expectStatus(await t.request('DELETE', '//x/api/v1/namespaces/trav'), 404, 'NotFound');
    await namespaceAlive('trav');
  });

  it('serves a watch of one object: a list watch of its name', async () => {
    const watch = t.watch('/api/v1/namespaces/w/configmaps/x?watch=1');
    try {
      assert.equal((await watch.response).status, 200);
      const first = await watch.next();
      assert.deepEqual([first.type, first.object.metadata.name], ['ADDED', 'x']);
      // Events arrive in revision order: y's change is filtered out, x's comes next.
      assert.equal((await t.request('PUT', '/api/v1/namespaces/w/configmaps/y', { body: configMap('y', { a: 'y1' }) })).status, 200);
      assert.equal((await t.request('PUT', '/api/v1/namespaces/w/configmaps/x', { body: configMap('x', { a: 'x1' }) })).status, 200);
      const second = await watch.next();
      assert.deepEqual([second.type, second.object.metadata.name, second.object.data], ['MODIFIED', 'x', { a: 'x1' }]);
    } finally {
      watch.close();
    }
    const mismatch = t.watch('/api/v1/namespaces/w/configmaps/x?watch=1&fieldSelector=metadata.name%3Dy');
    const refused = await mismatch.response;
    assert.equal(refused.status, 400);
    assert.match(refused.json.message, /fieldSelector metadata.name doesn't match requested name/);
  });

  it('serves the deprecated watch/ paths as watches, of a collection or of one object', async () => {
    const collection = t.watch('/api/v1/watch/namespaces/w/configmaps');
    const one = t.watch('/api/v1/watch/namespaces/w/configmaps/y');
    const namespace = t.watch('/api/v1/watch/namespaces/w');
    try {
      assert.equal((await collection.response).status, 200);
      const names = [(await collection.next()).object.metadata.name, (await collection.next()).object.metadata.name];
      assert.deepEqual(names.sort(), ['x', 'y']);
      const y = await one.next();
      assert.deepEqual([y.type, y.object.metadata.name], ['ADDED', 'y']);
      const ns = await namespace.next();
      assert.deepEqual([ns.type, ns.object.kind, ns.object.metadata.name], ['ADDED', 'Namespace', 'w']);
    } finally {
      for (const w of [collection, one, namespace]) w.close();
    }
    const apps = t.watch('/apis/apps/v1/watch/namespaces/w/deployments');
    assert.equal((await apps.response).status, 200);
    apps.close();
    expectStatus(await t.request('DELETE', '/api/v1/watch/namespaces/w/configmaps'), 405, 'MethodNotAllowed');
    assert.equal((await t.request('GET', '/api/v1/namespaces/w/configmaps')).json.items.length, 2);
  });
});
