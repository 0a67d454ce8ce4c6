import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/meta/types.ts';
import { Clientset } from './clientset.ts';
import { endpointUrls, runEndpointsRefresher } from './endpoints-refresher.ts';
import { sendJson, startFakeServer } from './testing/fake-server.ts';

function endpoints(ips: string[], port = 6443): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kubernetes', namespace: 'default', resourceVersion: '7' },
    subsets: [{ addresses: ips.map((ip) => ({ ip })), ports: [{ name: 'https', port, protocol: 'TCP' }] }],
  };
}

describe('endpointUrls()', () => {
  it('builds https URLs from the https port and keeps unlisted seeds last', () => {
    assert.deepEqual(endpointUrls(endpoints(['127.0.0.2', '127.0.0.3', '::1']), ['https://lb:6443', 'https://127.0.0.2:6443']), [
      'https://127.0.0.2:6443',
      'https://127.0.0.3:6443',
      'https://[::1]:6443',
      'https://lb:6443',
    ]);
  });

  it('puts a listed preferred endpoint first, and leaves an unlisted one where the seeds put it', () => {
    const ep = endpoints(['127.0.0.2', '127.0.0.3']);
    assert.deepEqual(endpointUrls(ep, ['https://127.0.0.3:6443'], 'https://127.0.0.3:6443'), ['https://127.0.0.3:6443', 'https://127.0.0.2:6443']);
    assert.deepEqual(endpointUrls(ep, ['https://127.0.0.4:6443'], 'https://127.0.0.4:6443'), ['https://127.0.0.2:6443', 'https://127.0.0.3:6443', 'https://127.0.0.4:6443']);
  });

  it('returns nothing for an Endpoints object without addresses', () => {
    assert.deepEqual(endpointUrls({ metadata: { name: 'kubernetes' }, subsets: [] }, ['https://lb:6443']), []);
  });
});

describe('runEndpointsRefresher()', () => {
  it('replaces the client endpoints with those of the kubernetes Endpoints', async () => {
    const server = await startFakeServer((req, res) => {
      if (req.url.includes('watch=true')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(`${JSON.stringify({ type: 'MODIFIED', object: { ...endpoints(['127.0.0.9', '127.0.0.1']), metadata: { name: 'kubernetes', namespace: 'default', resourceVersion: '8' } } })}\n`);
        return; // stays open
      }
      sendJson(res, 200, { apiVersion: 'v1', kind: 'EndpointsList', metadata: { resourceVersion: '7' }, items: [endpoints(['127.0.0.1'])] });
    });
    const seed = server.url;
    const clientset = Clientset.fromOptions({ endpoints: [seed] });
    const ac = new AbortController();
    const done = runEndpointsRefresher(clientset, ac.signal, { readinessIntervalMs: 0 });
    try {
      const want = ['https://127.0.0.9:6443', 'https://127.0.0.1:6443', seed];
      for (let i = 0; i < 200 && clientset.rest.endpoints.join() !== want.join(); i++) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(clientset.rest.endpoints, want);
      const list = server.requests.find((r) => !r.url.includes('watch=true'));
      assert.match(list?.url ?? '', /^\/api\/v1\/namespaces\/default\/endpoints\?fieldSelector=metadata.name%3Dkubernetes/);
    } finally {
      ac.abort();
      await done;
      clientset.close();
      await server.close();
    }
  });
});
