import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from './errors.ts';
import { parseRequestInfo } from './request-info.ts';

describe('parseRequestInfo', () => {
  it('reads namespaced collections, objects and subresources', () => {
    assert.deepEqual(parseRequestInfo('GET', '/apis/apps/v1/namespaces/ns1/deployments/web/scale', false), {
      kind: 'resource', verb: 'get', group: 'apps', version: 'v1', namespace: 'ns1', resource: 'deployments', name: 'web', subresource: 'scale',
    });
    const list = parseRequestInfo('GET', '/api/v1/namespaces/default/pods', false);
    assert.equal(list.kind === 'resource' && list.verb, 'list');
    const watch = parseRequestInfo('GET', '/api/v1/pods', true);
    assert.equal(watch.kind === 'resource' && watch.verb, 'watch');
    const dc = parseRequestInfo('DELETE', '/api/v1/namespaces/default/configmaps', false);
    assert.equal(dc.kind === 'resource' && dc.verb, 'deletecollection');
  });
  it('treats namespaces/<name>/status and /finalize as the namespace subresource', () => {
    const info = parseRequestInfo('PUT', '/api/v1/namespaces/foo/finalize', false);
    assert.ok(info.kind === 'resource');
    assert.equal(info.resource, 'namespaces');
    assert.equal(info.name, 'foo');
    assert.equal(info.subresource, 'finalize');
    const get = parseRequestInfo('GET', '/api/v1/namespaces/foo', false);
    assert.ok(get.kind === 'resource');
    assert.equal(get.resource, 'namespaces');
    assert.equal(get.name, 'foo');
  });
  it('recognises discovery and other paths', () => {
    assert.deepEqual(parseRequestInfo('GET', '/api', false), { kind: 'discovery', target: 'api', group: '', version: '' });
    assert.deepEqual(parseRequestInfo('GET', '/apis/apps', false), { kind: 'discovery', target: 'group', group: 'apps', version: '' });
    assert.deepEqual(parseRequestInfo('GET', '/apis/apps/v1', false), { kind: 'discovery', target: 'group-version', group: 'apps', version: 'v1' });
    assert.deepEqual(parseRequestInfo('GET', '/openapi/v3', false), { kind: 'nonresource', path: '/openapi/v3' });
  });
  it('reads a proxy subresource with any path after it', () => {
    assert.deepEqual(parseRequestInfo('POST', '/api/v1/namespaces/default/services/https:web:443/proxy/a/b/c', false), {
      kind: 'resource', verb: 'create', group: '', version: 'v1', namespace: 'default', resource: 'services', name: 'https:web:443', subresource: 'proxy',
    });
    const node = parseRequestInfo('GET', '/api/v1/nodes/n1/proxy/', false);
    assert.ok(node.kind === 'resource' && node.subresource === 'proxy' && node.name === 'n1' && node.verb === 'get');
    assert.throws(() => parseRequestInfo('GET', '/api/v1/namespaces/default/pods/web/log/extra', false), /invalid path/);
  });
  it('refuses empty segments where the path names something, so a path reads as nothing else', () => {
    // Dropping the empty segment would make this DELETE the namespace "configmaps".
    for (const path of ['/api/v1/namespaces//configmaps', '/api//v1/pods', '/apis//v1', '/apis/apps//deployments', '/api/v1/namespaces/default/pods//log']) {
      assert.throws(() => parseRequestInfo('DELETE', path, false), (err: unknown) => err instanceof ApiError && err.code === 400 && /invalid path/.test(err.message), path);
    }
    const trailing = parseRequestInfo('GET', '/api/v1/namespaces/default/pods/', false);
    assert.ok(trailing.kind === 'resource' && trailing.resource === 'pods' && trailing.verb === 'list');
    const proxied = parseRequestInfo('GET', '/api/v1/nodes/n1/proxy//metrics', false);
    assert.ok(proxied.kind === 'resource' && proxied.subresource === 'proxy' && proxied.name === 'n1', 'what a proxy passes on may have empty segments');
  });
  it('reads the deprecated watch/ prefix as a watch, of a collection or of one object', () => {
    assert.deepEqual(parseRequestInfo('GET', '/api/v1/watch/namespaces/default/configmaps', false), {
      kind: 'resource', verb: 'watch', group: '', version: 'v1', namespace: 'default', resource: 'configmaps', name: '', subresource: '',
    });
    assert.deepEqual(parseRequestInfo('GET', '/apis/apps/v1/watch/namespaces/default/deployments/web', false), {
      kind: 'resource', verb: 'watch', group: 'apps', version: 'v1', namespace: 'default', resource: 'deployments', name: 'web', subresource: '',
    });
    assert.deepEqual(parseRequestInfo('GET', '/api/v1/watch/namespaces/kube-system', false), {
      kind: 'resource', verb: 'watch', group: '', version: 'v1', namespace: 'kube-system', resource: 'namespaces', name: 'kube-system', subresource: '',
    });
    const all = parseRequestInfo('GET', '/api/v1/watch/pods', false);
    assert.ok(all.kind === 'resource' && all.verb === 'watch' && all.namespace === '' && all.resource === 'pods');
    const code = (method: string, path: string): number | undefined => {
      try {
        parseRequestInfo(method, path, false);
        return undefined;
      } catch (err) {
        return err instanceof ApiError ? err.code : undefined;
      }
    };
    assert.equal(code('DELETE', '/api/v1/watch/namespaces/default/configmaps'), 405);
    assert.equal(code('POST', '/api/v1/watch/namespaces/default/configmaps'), 405);
    assert.equal(code('GET', '/api/v1/watch/namespaces/default/pods/web/log'), 404);
    assert.equal(code('GET', '/api/v1/watch/namespaces/default/status'), 404);
  });
  it('reads a GET of one object with the watch flag as a watch of it', () => {
    const one = parseRequestInfo('GET', '/api/v1/namespaces/default/configmaps/x', true);
    assert.ok(one.kind === 'resource' && one.verb === 'watch' && one.name === 'x');
    const status = parseRequestInfo('GET', '/api/v1/namespaces/default/pods/x/status', true);
    assert.ok(status.kind === 'resource' && status.verb === 'get');
  });
  it('rejects paths that are too deep or badly encoded', () => {
    assert.throws(() => parseRequestInfo('GET', '/api/v1/namespaces/a/pods/b/c/d', false), /invalid path/);
    assert.throws(() => parseRequestInfo('GET', '/api/v1/namespaces/%E0%A4%A/pods', false), /invalid path segment/);
  });
});
