/**
 * The load balancers over real HTTPS backends (stand-ins for apiservers, with a /readyz that a
 * test can turn off): TLS passes through to the backend (the client verifies the backend's
 * certificate through the balancer), connections spread over the ready backends, an unready or
 * dead backend is taken out and a recovered one put back, and the backends file is re-read.
 * The built-in balancer always; HAProxy when it is installed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { Agent, createServer, request, type Server } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateTestCerts, type TestCerts } from '../../src/client/testing/test-certs.ts';
import { findExecutable } from '../../src/cluster/etcd-member.ts';
import { startBuiltinBalancer, startHaproxyBalancer, type Backend, type RunningLoadBalancer } from '../../src/lb/index.ts';

interface FakeApiServer {
  readonly name: string;
  readonly port: number;
  ready: boolean;
  close(): Promise<void>;
}

async function startFake(name: string, certs: TestCerts): Promise<FakeApiServer> {
  const fake = { name, port: 0, ready: true, close: async () => {} } as FakeApiServer & { port: number };
  const server: Server = createServer({ cert: certs.serverCertPem, key: certs.serverKeyPem }, (req, res) => {
    if (req.url === '/readyz') {
      res.writeHead(fake.ready ? 200 : 500).end(fake.ready ? 'ok' : 'not ready');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end(name);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.port = (server.address() as { port: number }).port;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}

async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** GET /who through the balancer (a fresh connection each time), verifying the backend against the CA. */
function who(port: number, caPem: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/who', ca: caPem, agent: new Agent({ keepAlive: false, ca: caPem }), timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Which backends answer over `tries` fresh connections. */
async function answering(port: number, caPem: string, tries = 12): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < tries; i++) seen.add(await who(port, caPem));
  return seen;
}

const engines: Array<{ engine: 'builtin' | 'haproxy'; skip: string | false }> = [
  { engine: 'builtin', skip: false },
  { engine: 'haproxy', skip: findExecutable('haproxy') === undefined && findExecutable('/usr/sbin/haproxy') === undefined ? 'haproxy is not installed' : false },
];

for (const { engine, skip } of engines) {
  describe(`load balancer (${engine})`, { skip }, () => {
    let certs: TestCerts;
    let fakes: FakeApiServer[];
    let lb: RunningLoadBalancer;
    let port: number;
    let dir: string;
    const backendsOf = (list: FakeApiServer[]): Backend[] => list.map((f) => ({ name: f.name, host: '127.0.0.1', port: f.port }));

    before(async () => {
      certs = await generateTestCerts();
      fakes = [await startFake('one', certs), await startFake('two', certs)];
      dir = mkdtempSync(join(tmpdir(), 'k8ts-lb-test-'));
      const caFile = join(dir, 'ca.crt');
      await writeFile(caFile, certs.caPem);
      port = await freePort();
      const common = { bindAddress: '127.0.0.1', port, backends: backendsOf(fakes), intervalMs: 100, timeoutMs: 500 };
      lb = engine === 'builtin' ? await startBuiltinBalancer({ ...common, caPem: certs.caPem }) : await startHaproxyBalancer({ ...common, caFile, runDir: dir, binary: findExecutable('haproxy') ?? '/usr/sbin/haproxy' });
      await until('both backends up', async () => ((await lb.status()).every((b) => b.up) && (await lb.status()).length === 2 ? true : undefined));
    });
    after(async () => {
      await lb?.close();
      for (const f of fakes ?? []) await f.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('passes TLS through to the backends and spreads connections over them', async () => {
      assert.deepEqual([...(await answering(port, certs.caPem))].sort(), ['one', 'two']);
    });

    it('takes out an unready backend and puts it back when it is ready', async () => {
      fakes[0]!.ready = false;
      const started = Date.now();
      await until('one down', async () => ((await lb.status()).find((b) => b.name === 'one')?.up === false ? true : undefined));
      process.stderr.write(`# ${engine}: unready backend out after ${Date.now() - started} ms\n`);
      assert.deepEqual([...(await answering(port, certs.caPem))], ['two']);
      fakes[0]!.ready = true;
      await until('one up', async () => ((await lb.status()).find((b) => b.name === 'one')?.up === true ? true : undefined));
      await until('one answers again', async () => ((await answering(port, certs.caPem)).has('one') ? true : undefined));
    });

    it('keeps serving when a backend dies, and takes it out', async () => {
      await fakes[1]!.close();
      for (let i = 0; i < 10; i++) assert.equal(await who(port, certs.caPem), 'one', 'every connection reaches the live backend');
      await until('two down', async () => ((await lb.status()).find((b) => b.name === 'two')?.up === false ? true : undefined));
      fakes[1] = await startFake('two', certs);
    });

    it('follows a changed backend list', async () => {
      await lb.setBackends(backendsOf(fakes));
      await until('the new two up', async () => {
        const status = await lb.status();
        return status.length === 2 && status.every((b) => b.up) && status.some((b) => b.address === `127.0.0.1:${fakes[1]!.port}`) ? true : undefined;
      });
      await until('two answers', async () => ((await answering(port, certs.caPem)).has('two') ? true : undefined));
      await lb.setBackends(backendsOf([fakes[1]!]));
      await until('only two listed', async () => ((await lb.status()).map((b) => b.name).join() === 'two' ? true : undefined));
      await until('only two answers', async () => ([...(await answering(port, certs.caPem))].join() === 'two' ? true : undefined));
    });
  });
}
