import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rewriteLocation } from './forward.ts';
import { splitSchemeNamePort, type ProxyTarget } from './proxy-target.ts';

void test('service, pod and node ids: name, name:port, scheme:name:port', () => {
  assert.deepEqual(splitSchemeNamePort('web'), { scheme: '', name: 'web', port: '' });
  assert.deepEqual(splitSchemeNamePort('web:80'), { scheme: '', name: 'web', port: '80' });
  assert.deepEqual(splitSchemeNamePort('https:web:metrics'), { scheme: 'https', name: 'web', port: 'metrics' });
  for (const bad of ['ftp:web:80', ':80', 'a:b:c:d', '']) assert.equal(splitSchemeNamePort(bad), undefined, bad);
});

void test('redirects into the backend are rewritten into the proxy path; others are left alone', () => {
  const target: ProxyTarget = { scheme: 'http', host: '127.21.1.5', port: 8080, pathPrefix: '', tls: undefined };
  const prefix = '/api/v1/namespaces/default/services/web:80/proxy';
  assert.equal(rewriteLocation('/login?next=/', target, prefix), `${prefix}/login?next=/`);
  assert.equal(rewriteLocation('http://127.21.1.5:8080/a#b', target, prefix), `${prefix}/a#b`);
  assert.equal(rewriteLocation('https://example.com/x', target, prefix), 'https://example.com/x');
  assert.equal(rewriteLocation('relative/path', target, prefix), 'relative/path');
  assert.equal(rewriteLocation('//example.com/x', target, prefix), '//example.com/x');
});
