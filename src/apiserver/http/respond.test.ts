import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeJsonList, type JsonList } from './respond.ts';

async function serve(list: JsonList, onDone: (err?: unknown) => void = () => {}): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => {
    writeJsonList(res, 200, list).then(() => onDone(), onDone);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

function fetchText(url: string): Promise<{ res: IncomingMessage; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ res, body }));
    }).on('error', reject);
  });
}

const configMaps = (n: number): JsonList => ({
  apiVersion: 'v1',
  kind: 'ConfigMapList',
  metadata: { resourceVersion: '42' },
  items: Array.from({ length: n }, (_, i) => ({ metadata: { name: `cm-${i}` }, data: { v: 'x'.repeat(i % 50) } })),
});

describe('writeJsonList()', () => {
  it('writes a short list in one piece, with its length', async () => {
    const list = configMaps(3);
    const { server, url } = await serve(list);
    try {
      const { res, body } = await fetchText(url);
      assert.equal(res.headers['content-length'], String(Buffer.byteLength(body)));
      assert.deepEqual(JSON.parse(body), list);
    } finally {
      server.close();
    }
  });

  it('streams a long list in chunks that make the same JSON', async () => {
    for (const n of [251, 1000, 5003]) {
      const list = configMaps(n);
      const { server, url } = await serve(list);
      try {
        const { res, body } = await fetchText(url);
        assert.equal(res.headers['transfer-encoding'], 'chunked');
        assert.deepEqual(JSON.parse(body), list, `${n} items`);
      } finally {
        server.close();
      }
    }
  });

  it('stops writing when the client goes away mid-list', async () => {
    let finished!: (err?: unknown) => void;
    const done = new Promise<unknown>((resolve) => (finished = resolve));
    const { server, url } = await serve(configMaps(200_000), finished);
    try {
      await new Promise<void>((resolve, reject) => {
        const req = get(url, (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', () => undefined);
        req.on('close', resolve);
        setTimeout(() => reject(new Error('no data')), 30_000).unref();
      });
      assert.equal(await done, undefined, 'the writer ended without an error');
    } finally {
      server.close();
    }
  });
});
