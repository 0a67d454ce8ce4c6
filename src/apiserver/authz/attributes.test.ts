import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { forbiddenError, requestAttributes } from './attributes.ts';

const jane = { name: 'jane', groups: ['system:authenticated'] };

describe('authorization attributes', () => {
  it('describe resource requests as RBAC rules see them', () => {
    const a = requestAttributes(jane, 'GET', '/api/v1/namespaces/web/pods/p/log', {
      kind: 'resource', verb: 'get', group: '', version: 'v1', namespace: 'web', resource: 'pods', name: 'p', subresource: 'log',
    });
    assert.deepEqual(a, { user: jane, verb: 'get', resourceRequest: true, namespace: 'web', apiGroup: '', apiVersion: 'v1', resource: 'pods', subresource: 'log', name: 'p', path: '/api/v1/namespaces/web/pods/p/log' });
    const e = forbiddenError(a, '');
    assert.equal(e.code, 403);
    assert.equal(e.message, 'pods "p" is forbidden: User "jane" cannot get resource "pods/log" in API group "" in the namespace "web"');
  });

  it('word cluster-scoped and non-resource refusals as upstream', () => {
    const nodes = requestAttributes(jane, 'GET', '/api/v1/nodes', { kind: 'resource', verb: 'list', group: '', version: 'v1', namespace: '', resource: 'nodes', name: '', subresource: '' });
    assert.equal(forbiddenError(nodes, 'no binding').message, 'nodes is forbidden: User "jane" cannot list resource "nodes" in API group "" at the cluster scope: no binding');
    const path = requestAttributes(jane, 'GET', '/openapi/v3', { kind: 'nonresource', path: '/openapi/v3' });
    assert.equal(path.verb, 'get');
    assert.equal(forbiddenError(path, '').message, 'forbidden: User "jane" cannot get path "/openapi/v3"');
  });

  it('narrow a list or watch to the object its metadata.name field selector names, as kubectl get NAME -w sends', () => {
    const info = { kind: 'resource', verb: 'watch', group: '', version: 'v1', namespace: 'web', resource: 'configmaps', name: '', subresource: '' } as const;
    assert.equal(requestAttributes(jane, 'GET', '/api/v1/namespaces/web/configmaps', info, 'metadata.name=one').name, 'one');
    assert.equal(requestAttributes(jane, 'GET', '/api/v1/namespaces/web/configmaps', info, 'metadata.name!=one').name, '');
    assert.equal(requestAttributes(jane, 'GET', '/api/v1/namespaces/web/configmaps', info, 'a=b,metadata.name==two').name, 'two');
    assert.equal(requestAttributes(jane, 'GET', '/api/v1/namespaces/web/configmaps', info, 'metadata.name').name, '', 'a selector that does not parse');
    assert.equal(requestAttributes(jane, 'POST', '/api/v1/namespaces/web/configmaps', { ...info, verb: 'create' }, 'metadata.name=one').name, '');
  });
});
