import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import type { KubeObject } from '../api/meta/types.ts';
import type { ResourceType } from '../api/resource-type.ts';
import { Clientset } from './clientset.ts';
import { ApiError, ConnectionError } from './errors.ts';
import type { WatchEvent } from './watch-decoder.ts';
import { sendJson, sendStatus, startFakeServer } from './testing/fake-server.ts';
import type { FakeServer } from './testing/fake-server.ts';

const configmaps: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  resource: 'configmaps',
  singular: 'configmap',
  listKind: 'ConfigMapList',
  namespaced: true,
  shortNames: ['cm'],
  categories: [],
};
const clusterRoles: ResourceType = {
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'ClusterRole',
  resource: 'clusterroles',
  singular: 'clusterrole',
  listKind: 'ClusterRoleList',
  namespaced: false,
  shortNames: [],
  categories: [],
};

describe('ResourceClient', () => {
  let server: FakeServer;
  let clientset: Clientset;
  /** Watch streams the fake server keeps open, to feed events into. */
  const openWatches: ServerResponse[] = [];

  before(async () => {
    server = await startFakeServer((req, res) => {
      const url = new URL(req.url, 'http://x');
      if (url.searchParams.get('watch') === 'true') {
        if (url.searchParams.get('resourceVersion') === '1') return sendStatus(res, 410, 'Expired', 'too old resource version: 1 (5)');
        res.writeHead(200, { 'content-type': 'application/json' });
        res.flushHeaders();
        openWatches.push(res);
        return;
      }
      if (url.pathname.endsWith('/missing')) return sendStatus(res, 404, 'NotFound', 'configmaps "missing" not found');
      if (url.searchParams.get('continue') === 'page2') {
        return sendJson(res, 200, { kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: '9' }, items: [{ metadata: { name: 'c' } }] });
      }
      if (url.searchParams.get('limit') === '2') {
        return sendJson(res, 200, { kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: '9', continue: 'page2' }, items: [{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }] });
      }
      sendJson(res, 200, { echo: { method: req.method, url: req.url, contentType: req.headers['content-type'] ?? null, body: req.body === '' ? null : JSON.parse(req.body) } });
    });
    clientset = Clientset.fromOptions({ endpoints: [server.url] });
  });
  after(async () => {
    clientset.close();
    await server.close();
  });

  type Echo = { echo: { method: string; url: string; contentType: string | null; body: any } };
  const echo = async (p: Promise<unknown>): Promise<Echo['echo']> => ((await p) as Echo).echo;

  it('builds namespaced and cluster-scoped URLs with their query parameters', async () => {
    const cms = clientset.resource(configmaps);
    assert.equal((await echo(cms.get('a', { namespace: 'ns' }))).url, '/api/v1/namespaces/ns/configmaps/a');
    assert.equal(
      (await echo(cms.list({ namespace: 'ns', labelSelector: 'app=web', fieldSelector: 'metadata.name=a', limit: 10, resourceVersion: '0' }))).url,
      '/api/v1/namespaces/ns/configmaps?labelSelector=app%3Dweb&fieldSelector=metadata.name%3Da&limit=10&resourceVersion=0',
    );
    assert.equal((await echo(cms.list())).url, '/api/v1/configmaps', 'no namespace lists across namespaces');
    const roles = clientset.resource(clusterRoles);
    assert.equal((await echo(roles.get('admin', { namespace: 'ignored' }))).url, '/apis/rbac.authorization.k8s.io/v1/clusterroles/admin');
    assert.throws(() => cms.get('a'), /namespaced and no namespace/);
  });

  it('create() posts to the object namespace and fills in apiVersion and kind', async () => {
    const got = await echo(clientset.resource(configmaps).create({ metadata: { name: 'a', namespace: 'ns' }, data: { k: 'v' } }, { fieldManager: 'me', dryRun: true }));
    assert.equal(got.method, 'POST');
    assert.equal(got.url, '/api/v1/namespaces/ns/configmaps?dryRun=All&fieldManager=me');
    assert.deepEqual(got.body, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'ns' }, data: { k: 'v' } });
  });

  it('update(), updateStatus() and updateSubresource() PUT to the right paths', async () => {
    const cms = clientset.resource(configmaps);
    const obj: KubeObject = { metadata: { name: 'a', namespace: 'ns', resourceVersion: '5' } };
    assert.equal((await echo(cms.update(obj))).url, '/api/v1/namespaces/ns/configmaps/a');
    assert.equal((await echo(cms.updateStatus(obj))).url, '/api/v1/namespaces/ns/configmaps/a/status');
    const got = await echo(cms.updateSubresource(obj, 'finalize'));
    assert.equal(got.method, 'PUT');
    assert.equal(got.url, '/api/v1/namespaces/ns/configmaps/a/finalize');
    assert.equal(got.body.metadata.resourceVersion, '5');
  });

  it('patch() sends the content type of the patch format', async () => {
    const cms = clientset.resource(configmaps);
    const types = { merge: 'application/merge-patch+json', json: 'application/json-patch+json', strategic: 'application/strategic-merge-patch+json' } as const;
    for (const [type, contentType] of Object.entries(types)) {
      const got = await echo(cms.patch('a', { data: { x: '1' } }, { namespace: 'ns', type: type as keyof typeof types }));
      assert.equal(got.method, 'PATCH');
      assert.equal(got.contentType, contentType);
    }
    const status = await echo(cms.patch('a', {}, { namespace: 'ns', subresource: 'status' }));
    assert.equal(status.url, '/api/v1/namespaces/ns/configmaps/a/status');
  });

  it('delete() and deleteCollection() send DeleteOptions', async () => {
    const cms = clientset.resource(configmaps);
    const one = await echo(cms.delete('a', { namespace: 'ns', propagationPolicy: 'Foreground', gracePeriodSeconds: 0, preconditions: { uid: 'u1', resourceVersion: '3' } }));
    assert.equal(one.method, 'DELETE');
    assert.equal(one.url, '/api/v1/namespaces/ns/configmaps/a');
    assert.deepEqual(one.body, { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground', gracePeriodSeconds: 0, preconditions: { uid: 'u1', resourceVersion: '3' } });
    const all = await echo(cms.deleteCollection({ namespace: 'ns', labelSelector: 'a=b' }));
    assert.equal(all.url, '/api/v1/namespaces/ns/configmaps?labelSelector=a%3Db');
  });

  it('listAll() follows continue tokens without resending the resourceVersion', async () => {
    const list = await clientset.resource(configmaps).listAll({ namespace: 'ns', limit: 2, resourceVersion: '0' });
    assert.deepEqual(
      list.items.map((i) => i.metadata.name),
      ['a', 'b', 'c'],
    );
    assert.equal(list.metadata.resourceVersion, '9');
    const second = server.requests.find((r) => r.url.includes('continue=page2'));
    assert.ok(second !== undefined && !second.url.includes('resourceVersion'));
  });

  it('get() of a missing object throws ApiError 404', async () => {
    const err = await clientset.resource(configmaps).get('missing', { namespace: 'ns' }).catch((e: unknown) => e);
    assert.ok(err instanceof ApiError && err.code === 404 && err.reason === 'NotFound');
  });

  it('watch() yields events as they arrive and ends quietly when aborted', async () => {
    const ac = new AbortController();
    const events = await clientset.resource(configmaps).watch({ namespace: 'ns', resourceVersion: '5', allowWatchBookmarks: true, timeoutSeconds: 30, signal: ac.signal });
    const watchReq = server.requests.at(-1);
    assert.equal(watchReq?.url, '/api/v1/namespaces/ns/configmaps?watch=true&resourceVersion=5&allowWatchBookmarks=true&timeoutSeconds=30');
    const res = openWatches.at(-1);
    assert.ok(res !== undefined);
    const seen: WatchEvent[] = [];
    const consumed = (async () => {
      for await (const ev of events) {
        seen.push(ev);
        if (seen.length === 2) ac.abort();
      }
    })();
    res.write('{"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"6"}}}\n{"type":"BOOKM');
    res.write('ARK","object":{"metadata":{"resourceVersion":"7"}}}\n');
    await consumed;
    assert.deepEqual(
      seen.map((e) => e.type),
      ['ADDED', 'BOOKMARK'],
    );
  });

  it('watch() rejects with the HTTP error, and throws ConnectionError when the stream breaks', async () => {
    const cms = clientset.resource(configmaps);
    const err = await cms.watch({ namespace: 'ns', resourceVersion: '1' }).catch((e: unknown) => e);
    assert.ok(err instanceof ApiError && err.code === 410);
    const events = await cms.watch({ namespace: 'ns', resourceVersion: '5' });
    openWatches.at(-1)?.socket?.destroy();
    await assert.rejects(
      (async () => {
        for await (const _ev of events) {
          // no events expected
        }
      })(),
      ConnectionError,
    );
  });
});
