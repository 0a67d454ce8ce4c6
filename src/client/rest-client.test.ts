import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RestClient } from './rest-client.ts';
import { ApiError, ConnectionError, isNotFound } from './errors.ts';
import { generateTestCerts } from './testing/test-certs.ts';
import type { TestCerts } from './testing/test-certs.ts';
import { refusedUrl, sendJson, sendStatus, startFakeServer } from './testing/fake-server.ts';
import type { FakeServer } from './testing/fake-server.ts';

let certs: TestCerts;
before(async () => {
  certs = await generateTestCerts('alice', ['devs']);
});

function tlsClient(endpoints: string[], extra: Partial<ConstructorParameters<typeof RestClient>[0]> = {}): RestClient {
  return new RestClient({ endpoints, ca: certs.caPem, cert: certs.clientCertPem, key: certs.clientKeyPem, ...extra });
}

describe('RestClient over HTTPS', () => {
  let server: FakeServer;
  before(async () => {
    server = await startFakeServer((req, res) => {
      if (req.url.startsWith('/missing')) return sendStatus(res, 404, 'NotFound', 'pods "x" not found');
      if (req.url.startsWith('/plain-error')) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('boom');
        return;
      }
      sendJson(res, 200, { method: req.method, url: req.url, body: req.body, contentType: req.headers['content-type'] ?? null });
    }, certs);
  });
  after(() => server.close());

  it('request() authenticates with the client certificate and the bearer token', async () => {
    const client = tlsClient([server.url], { token: 'secret-token' });
    try {
      const got = await client.requestJson<{ url: string }>({ method: 'GET', path: '/api/v1/pods', query: { labelSelector: 'a=b,c', limit: 5, skip: undefined } });
      assert.equal(got.url, '/api/v1/pods?labelSelector=a%3Db%2Cc&limit=5');
      const last = server.requests.at(-1);
      assert.equal(last?.clientCommonName, 'alice');
      assert.equal(last?.headers.authorization, 'Bearer secret-token');
      assert.equal(last?.headers['user-agent'], 'k8ts');
    } finally {
      client.close();
    }
  });

  it('request() sends a JSON body with the given content type', async () => {
    const client = tlsClient([server.url]);
    try {
      const got = await client.requestJson<{ body: string; contentType: string }>({
        method: 'PATCH',
        path: '/x',
        body: { a: 1 },
        contentType: 'application/merge-patch+json',
      });
      assert.equal(got.body, '{"a":1}');
      assert.equal(got.contentType, 'application/merge-patch+json');
    } finally {
      client.close();
    }
  });

  it('request() throws ApiError with the decoded Status, or a synthesized one', async () => {
    const client = tlsClient([server.url]);
    try {
      const err = await client.request({ method: 'GET', path: '/missing' }).catch((e: unknown) => e);
      assert.ok(err instanceof ApiError);
      assert.ok(isNotFound(err));
      assert.equal(err.reason, 'NotFound');
      assert.equal(err.message, 'pods "x" not found');
      const plain = await client.request({ method: 'GET', path: '/plain-error' }).catch((e: unknown) => e);
      assert.ok(plain instanceof ApiError);
      assert.equal(plain.code, 500);
      assert.equal(plain.reason, 'InternalError');
      assert.equal(plain.message, 'boom');
    } finally {
      client.close();
    }
  });

  it('rejects a server whose certificate is not signed by the configured CA', async () => {
    const other = await generateTestCerts();
    const client = new RestClient({ endpoints: [server.url], ca: other.caPem });
    try {
      await assert.rejects(client.request({ method: 'GET', path: '/' }), ConnectionError);
    } finally {
      client.close();
    }
  });

  it('request() rejects with the signal reason when aborted', async () => {
    const client = tlsClient([server.url]);
    const ac = new AbortController();
    const reason = new Error('stop');
    ac.abort(reason);
    try {
      await assert.rejects(client.request({ method: 'GET', path: '/', signal: ac.signal }), (e) => e === reason);
    } finally {
      client.close();
    }
  });
});

describe('RestClient failover', () => {
  it('moves past a refused endpoint and stays on the one that answered', async () => {
    const dead = await refusedUrl();
    const live = await startFakeServer((_req, res) => sendJson(res, 200, { ok: true }), certs);
    const client = tlsClient([dead, live.url]);
    try {
      await client.request({ method: 'GET', path: '/a' });
      assert.equal(client.currentEndpoint, live.url);
      // POST is retried too when the connection was refused (nothing was sent).
      await client.request({ method: 'POST', path: '/b', body: {} });
      client.setEndpoints([dead, live.url]);
      assert.equal(client.currentEndpoint, live.url, 'the current endpoint survives a refresh that keeps it');
      assert.deepEqual(
        live.requests.map((r) => r.method),
        ['GET', 'POST'],
      );
    } finally {
      client.close();
      await live.close();
    }
  });

  it('retries idempotent requests on 503 but not POST', async () => {
    const unready = await startFakeServer((_req, res) => sendStatus(res, 503, 'ServiceUnavailable', 'not ready'), certs);
    const live = await startFakeServer((_req, res) => sendJson(res, 200, { ok: true }), certs);
    const client = tlsClient([unready.url, live.url]);
    try {
      await client.request({ method: 'GET', path: '/a' });
      assert.equal(client.currentEndpoint, live.url);
      client.setEndpoints([unready.url]); // makes the unready endpoint current again
      client.setEndpoints([unready.url, live.url]);
      assert.equal(client.currentEndpoint, unready.url);
      const err = await client.request({ method: 'POST', path: '/b', body: {} }).catch((e: unknown) => e);
      assert.ok(err instanceof ApiError && err.code === 503);
      assert.equal(client.currentEndpoint, live.url, 'the next request goes elsewhere');
      assert.equal(live.requests.filter((r) => r.method === 'POST').length, 0);
    } finally {
      client.close();
      await unready.close();
      await live.close();
    }
  });

  it('moves any request, POST included, past an endpoint that answers 429', async () => {
    const draining = await startFakeServer((_req, res) => sendStatus(res, 429, 'TooManyRequests', 'shutting down'), certs);
    const live = await startFakeServer((_req, res) => sendJson(res, 201, {}), certs);
    const client = tlsClient([draining.url, live.url]);
    try {
      await client.request({ method: 'POST', path: '/p', body: {} });
      assert.equal(live.requests.length, 1);
      assert.equal(client.currentEndpoint, live.url);
      client.setEndpoints([draining.url]);
      const err = await client.request({ method: 'GET', path: '/g' }).catch((e: unknown) => e);
      assert.ok(err instanceof ApiError && err.code === 429, 'with nowhere else to go, the 429 surfaces');
    } finally {
      client.close();
      await draining.close();
      await live.close();
    }
  });

  it('does not resend a POST that reached a server which then dropped the connection', async () => {
    const dropper = await startFakeServer((_req, res) => {
      res.socket?.destroy();
    }, certs);
    const live = await startFakeServer((_req, res) => sendJson(res, 200, { ok: true }), certs);
    const client = tlsClient([dropper.url, live.url]);
    try {
      await assert.rejects(client.request({ method: 'POST', path: '/p', body: {} }), ConnectionError);
      assert.equal(live.requests.length, 0);
      client.setEndpoints([live.url]);
      client.setEndpoints([dropper.url, live.url]);
      await client.request({ method: 'GET', path: '/g' });
      assert.equal(live.requests.length, 1, 'GET is retried on the next endpoint');
    } finally {
      client.close();
      await dropper.close();
      await live.close();
    }
  });

  it('fails over when an endpoint does not answer within the request timeout', async () => {
    const hung = await startFakeServer(() => undefined, certs);
    const live = await startFakeServer((_req, res) => sendJson(res, 200, { ok: true }), certs);
    const client = tlsClient([hung.url, live.url], { requestTimeoutMs: 200 });
    try {
      const res = await client.request({ method: 'GET', path: '/slow' });
      assert.equal(res.endpoint, live.url);
    } finally {
      client.close();
      await hung.close();
      await live.close();
    }
  });

  it('the connect timeout does not cut a slow answer on a reused keep-alive connection', async () => {
    const slow = await startFakeServer((req, res) => {
      if (req.url === '/fast') return sendJson(res, 200, {});
      setTimeout(() => sendJson(res, 200, { slow: true }), 300);
    }, certs);
    const client = tlsClient([slow.url], { connectTimeoutMs: 100 });
    try {
      await client.request({ method: 'GET', path: '/fast' });
      const res = await client.request({ method: 'GET', path: '/slow' });
      assert.equal(res.body.toString(), '{"slow":true}');
    } finally {
      client.close();
      await slow.close();
    }
  });

  it('queues requests beyond maxRequestConnections without counting the wait against the connect timeout', async () => {
    let open = 0;
    let most = 0;
    const slow = await startFakeServer((_req, res) => {
      most = Math.max(most, ++open);
      setTimeout(() => {
        open--;
        sendJson(res, 200, { ok: true });
      }, 150);
    }, certs);
    const client = tlsClient([slow.url], { connectTimeoutMs: 100, maxRequestConnections: 2 });
    try {
      const answers = await Promise.all(Array.from({ length: 6 }, () => client.requestJson<{ ok: boolean }>({ method: 'GET', path: '/x' })));
      assert.deepEqual(answers.map((a) => a.ok), [true, true, true, true, true, true]);
      assert.equal(most, 2, 'never more than 2 requests at once');
    } finally {
      client.close();
      await slow.close();
    }
  });

  it('throws ConnectionError when no endpoint answers', async () => {
    const client = tlsClient([await refusedUrl(), await refusedUrl()]);
    try {
      await assert.rejects(client.request({ method: 'GET', path: '/' }), ConnectionError);
    } finally {
      client.close();
    }
  });

  it('checkReadiness() switches away from an unready endpoint and ends its streams', async () => {
    let ready = true;
    const first = await startFakeServer((req, res) => {
      if (req.url === '/readyz') {
        res.writeHead(ready ? 200 : 500);
        res.end(ready ? 'ok' : 'not ready');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"type":"ADDED"}\n'); // a stream that stays open
    }, certs);
    const second = await startFakeServer((_req, res) => sendJson(res, 200, {}), certs);
    const client = tlsClient([first.url, second.url]);
    try {
      assert.equal(await client.checkReadiness(), first.url);
      const stream = await client.stream({ method: 'GET', path: '/watch' });
      const it = stream.body[Symbol.asyncIterator]();
      assert.equal((await it.next()).value?.toString(), '{"type":"ADDED"}\n');
      ready = false;
      assert.equal(await client.checkReadiness(), second.url);
      await assert.rejects(it.next());
    } finally {
      client.close();
      await first.close();
      await second.close();
    }
  });

  it('setEndpoints() ends streams to removed endpoints', async () => {
    const first = await startFakeServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('\n');
    }, certs);
    const client = tlsClient([first.url]);
    try {
      const stream = await client.stream({ method: 'GET', path: '/watch' });
      const it = stream.body[Symbol.asyncIterator]();
      await it.next();
      client.setEndpoints([await refusedUrl()]);
      await assert.rejects(it.next());
    } finally {
      client.close();
      await first.close();
    }
  });
});
