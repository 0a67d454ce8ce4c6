import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../errors.ts';
import { refuseDotSegments, requestUrl } from './request-target.ts';

function refused(target: string): boolean {
  try {
    refuseDotSegments(target);
    return false;
  } catch (err) {
    assert.ok(err instanceof ApiError && err.code === 400 && err.reason === 'BadRequest', String(err));
    return true;
  }
}

describe('refuseDotSegments()', () => {
  it('refuses . and .. segments, literal or percent-encoded in any case, anywhere in the path', () => {
    for (const target of [
      '/api/v1/namespaces/trav/configmaps/..',
      '/api/v1/namespaces/trav/configmaps/%2e%2e',
      '/api/v1/namespaces/trav/configmaps/%2E%2E',
      '/api/v1/namespaces/trav/configmaps/.%2E',
      '/api/v1/namespaces/trav/configmaps/%2e.',
      '/api/v1/namespaces/trav/configmaps/%2e',
      '/api/v1/namespaces/./configmaps',
      '/api/v1/namespaces/%2e%2e/configmaps?watch=1',
      '/api/v1/namespaces/default/services/web/proxy/a/../b',
      // URL parsing reads a backslash as a slash.
      '/api/v1/namespaces/trav/configmaps/x\\..',
      '/api/v1/namespaces/trav/configmaps\\%2e%2e\\x',
      '/..',
    ]) {
      assert.ok(refused(target), target);
    }
  });

  it('lets every other path through, including dots inside names and dot segments in the query', () => {
    for (const target of [
      '/api/v1/namespaces/default/configmaps/a.b',
      '/api/v1/namespaces/default/configmaps/...',
      '/api/v1/namespaces/default/configmaps/..x',
      '/api/v1/namespaces/default/configmaps/%2e%2e%2e',
      '/api/v1/namespaces/default/configmaps/%252e%252e',
      '/api/v1/namespaces/default/configmaps?labelSelector=a%3D..&x=/../..',
      '/api/v1/namespaces/default/configmaps#/../..',
      '/openapi/v3/apis/apps/v1',
      '/',
    ]) {
      assert.ok(!refused(target), target);
    }
  });
});

describe('requestUrl()', () => {
  it('reads a path as the path it spells, even one starting with //', () => {
    assert.equal(requestUrl('//x/api/v1/namespaces/trav').pathname, '//x/api/v1/namespaces/trav');
    const url = requestUrl('/api/v1/namespaces/default/pods?watch=1&labelSelector=a%3Db');
    assert.equal(url.pathname, '/api/v1/namespaces/default/pods');
    assert.equal(url.searchParams.get('labelSelector'), 'a=b');
  });
});
