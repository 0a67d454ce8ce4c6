import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RestClient } from './rest-client.ts';
import { listPreferredNamespacedResources, listServerResources } from './discovery.ts';
import { sendJson, sendStatus, startFakeServer } from './testing/fake-server.ts';

const docs: Record<string, unknown> = {
  '/api': { kind: 'APIVersions', versions: ['v1'] },
  '/apis': {
    kind: 'APIGroupList',
    groups: [
      {
        name: 'apps',
        versions: [{ groupVersion: 'apps/v1', version: 'v1' }],
        preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
      },
      {
        name: 'example.com',
        versions: [
          { groupVersion: 'example.com/v2', version: 'v2' },
          { groupVersion: 'example.com/v1', version: 'v1' },
        ],
        preferredVersion: { groupVersion: 'example.com/v2', version: 'v2' },
      },
      { name: 'broken.io', versions: [{ groupVersion: 'broken.io/v1', version: 'v1' }] },
    ],
  },
  '/api/v1': {
    kind: 'APIResourceList',
    groupVersion: 'v1',
    resources: [
      { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list', 'delete', 'deletecollection'], shortNames: ['po'], categories: ['all'] },
      { name: 'pods/status', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] },
      { name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: ['get', 'list'] },
    ],
  },
  '/apis/apps/v1': {
    kind: 'APIResourceList',
    groupVersion: 'apps/v1',
    resources: [{ name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment', verbs: ['list', 'delete'] }],
  },
  '/apis/example.com/v2': { kind: 'APIResourceList', resources: [{ name: 'widgets', namespaced: true, kind: 'Widget', verbs: ['list'] }] },
  '/apis/example.com/v1': { kind: 'APIResourceList', resources: [{ name: 'widgets', namespaced: true, kind: 'Widget', verbs: ['list'] }] },
};

describe('listServerResources()', () => {
  it('reads every group-version, skips subresources, and reports group-versions that failed', async () => {
    const server = await startFakeServer((req, res) => {
      const doc = docs[req.url];
      if (doc === undefined) return sendStatus(res, 503, 'ServiceUnavailable', 'unavailable');
      sendJson(res, 200, doc);
    });
    const rest = new RestClient({ endpoints: [server.url] });
    try {
      const all = await listServerResources(rest);
      assert.deepEqual(
        all.resources.map((r) => `${r.group}/${r.version}/${r.resource}${r.preferred ? '*' : ''}`).sort(),
        ['/v1/namespaces*', '/v1/pods*', 'apps/v1/deployments*', 'example.com/v1/widgets', 'example.com/v2/widgets*'],
      );
      const pods = all.resources.find((r) => r.resource === 'pods');
      assert.deepEqual(pods, {
        group: '',
        version: 'v1',
        kind: 'Pod',
        resource: 'pods',
        singular: 'pod',
        listKind: 'PodList',
        namespaced: true,
        shortNames: ['po'],
        categories: ['all'],
        verbs: ['get', 'list', 'delete', 'deletecollection'],
        preferred: true,
      });
      assert.equal(all.resources.find((r) => r.resource === 'widgets')?.singular, 'widget');
      assert.deepEqual(
        all.failed.map((f) => f.groupVersion),
        ['broken.io/v1'],
      );

      const namespaced = await listPreferredNamespacedResources(rest);
      assert.deepEqual(namespaced.resources.map((r) => `${r.group}/${r.version}/${r.resource}`).sort(), ['/v1/pods', 'apps/v1/deployments', 'example.com/v2/widgets']);
    } finally {
      rest.close();
      await server.close();
    }
  });
});
