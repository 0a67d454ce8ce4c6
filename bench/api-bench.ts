/**
 * The API benchmark: a `k8ts server` on the embedded SQLite store, driven over HTTPS by 64
 * concurrent keep-alive clients (create, get, update, list of 1,000 pods), watch delivery
 * latency to 1,000 concurrent watchers, and idle RSS; next to the same operations on the raw
 * store in the same run, so the ratio shows what the API layer costs. Each kind of request is
 * measured after an unmeasured warm-up round of it, so the figures are the server's steady
 * state rather than its first seconds of compiling.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStorage } from '../src/storage/index.ts';
import { writeReport, type Row } from './lib/report.ts';
import { startEchoServer } from './lib/echo-server.ts';
import { startBenchServer, type BenchServer } from './lib/server-process.ts';
import { runConcurrent, summarize, type Summary } from './lib/stats.ts';

const CONCURRENCY = 64;
const OBJECTS = 4000;
/**
 * Requests of each kind sent, unmeasured, before that kind is measured: V8 compiles a fresh
 * process's hot paths during its first seconds, which would otherwise be what gets measured.
 */
const WARMUP_OPS = 2000;
/** GETs measured (more than creates: at several thousand a second, 4,000 last under a second). */
const GET_OPS = 20_000;
const LIST_SIZE = 1000;
const LIST_RUNS = 100;
const WATCHERS = 1000;
const WATCH_EVENTS = 30;

const CM_PATH = '/api/v1/namespaces/default/configmaps';

function configMap(i: number, value = 'v'): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, labels: { bench: 'api' } }, data: { key: `${value}-${i}`, padding: 'x'.repeat(200) } };
}

function pod(i: number): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `pod-${i}`, labels: { app: 'bench', index: String(i) } },
    spec: { containers: [{ name: 'main', image: 'example/app:1', command: ['sleep', '3600'], ports: [{ containerPort: 8080 }], env: [{ name: 'A', value: 'b' }] }] },
  };
}

function row(name: string, s: Summary, extra: Record<string, string | number> = {}): Row {
  return { name, ops: s.count, 'ops/s': s.perSecond, 'p50 ms': s.p50Ms, 'p90 ms': s.p90Ms, 'p99 ms': s.p99Ms, 'max ms': s.maxMs, ...extra };
}

async function expectStatus(p: Promise<{ status: number; body: string }>, code: number): Promise<string> {
  const r = await p;
  if (r.status !== code) throw new Error(`expected ${code}, got ${r.status}: ${r.body.slice(0, 300)}`);
  return r.body;
}

async function rawStoreRows(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-raw-'));
  const store = await openStorage({ backend: 'sqlite', path: join(dir, 'state.db') });
  const enc = new TextEncoder();
  const rows: Row[] = [];
  try {
    const create = await runConcurrent(OBJECTS, CONCURRENCY, async (i) => {
      await store.create(`/registry/configmaps/default/cm-${i}`, enc.encode(JSON.stringify(configMap(i))));
    });
    rows.push(row('raw store create', summarize(create.latencies, create.elapsedMs)));
    const get = await runConcurrent(OBJECTS, CONCURRENCY, async (i) => {
      await store.get(`/registry/configmaps/default/cm-${(i * 7919) % OBJECTS}`);
    });
    rows.push(row('raw store get', summarize(get.latencies, get.elapsedMs)));
    const update = await runConcurrent(OBJECTS, CONCURRENCY, async (i) => {
      const key = `/registry/configmaps/default/cm-${i}`;
      const cur = await store.get(key);
      await store.update(key, enc.encode(JSON.stringify(configMap(i, 'u'))), cur.kv!.modRevision);
    });
    rows.push(row('raw store update (get + CAS)', summarize(update.latencies, update.elapsedMs)));
    for (let i = 0; i < LIST_SIZE; i++) await store.create(`/registry/pods/bench-list/pod-${i}`, enc.encode(JSON.stringify(pod(i))));
    const list = await runConcurrent(LIST_RUNS, 1, async () => {
      const r = await store.list('/registry/pods/bench-list/');
      for (const kv of r.kvs) JSON.parse(new TextDecoder().decode(kv.value));
    });
    rows.push(row(`raw store list ${LIST_SIZE} (+decode), 1 client`, summarize(list.latencies, list.elapsedMs)));
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

/** Opens `count` watches and resolves once every one has its response headers. */
async function openWatchers(server: BenchServer, count: number, onEvent: (sentAt: number) => void): Promise<() => void> {
  const agent = server.agent(count + 10);
  const requests: Array<{ destroy(): void }> = [];
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve, reject) => {
          const req = request(
            { host: server.url.hostname, port: server.url.port, path: `/api/v1/namespaces/bench-watch/configmaps?watch=true&resourceVersion=0`, agent },
            (res) => {
              let buffer = '';
              res.setEncoding('utf8');
              res.on('data', (chunk: string) => {
                buffer += chunk;
                let nl: number;
                while ((nl = buffer.indexOf('\n')) >= 0) {
                  const line = buffer.slice(0, nl);
                  buffer = buffer.slice(nl + 1);
                  const event = JSON.parse(line) as { type: string; object: { data?: { sentAt?: string } } };
                  if (event.type === 'ADDED' && event.object.data?.sentAt !== undefined) onEvent(Number(event.object.data.sentAt));
                }
              });
              res.on('error', () => {});
              resolve();
            },
          );
          req.on('error', reject);
          req.end();
          requests.push(req);
        }),
    ),
  );
  return () => {
    for (const r of requests) r.destroy();
    agent.destroy();
  };
}

export async function runApiBench(): Promise<string> {
  const startedAt = new Date().toISOString();
  const rows: Row[] = await rawStoreRows();
  const server = await startBenchServer();
  const targets = [];
  try {
    await new Promise((r) => setTimeout(r, 2000));
    const idleRss = server.rssMiB();
    const agent = server.agent(CONCURRENCY);

    await expectStatus(server.call(agent, 'POST', '/api/v1/namespaces', { metadata: { name: 'bench-warmup' } }), 201);
    const warmupPath = '/api/v1/namespaces/bench-warmup/configmaps';
    await runConcurrent(WARMUP_OPS, CONCURRENCY, async (i) => {
      await expectStatus(server.call(agent, 'POST', warmupPath, configMap(i)), 201);
    });
    const create = await runConcurrent(OBJECTS, CONCURRENCY, async (i) => {
      await expectStatus(server.call(agent, 'POST', CM_PATH, configMap(i)), 201);
    });
    const createSummary = summarize(create.latencies, create.elapsedMs);
    rows.push(row('API create (HTTPS, 64 clients)', createSummary));
    await runConcurrent(WARMUP_OPS, CONCURRENCY, async (i) => {
      await expectStatus(server.call(agent, 'GET', `${warmupPath}/cm-${(i * 7919) % WARMUP_OPS}`), 200);
    });
    const get = await runConcurrent(GET_OPS, CONCURRENCY, async (i) => {
      await expectStatus(server.call(agent, 'GET', `${CM_PATH}/cm-${(i * 7919) % OBJECTS}`), 200);
    });
    const getSummary = summarize(get.latencies, get.elapsedMs);
    rows.push(row('API get', getSummary));
    // The same GETs against a server that does nothing but answer: the most this client can drive.
    const echo = await startEchoServer({ ...server.serving, caPem: server.tls.ca }, JSON.parse(await expectStatus(server.call(agent, 'GET', `${CM_PATH}/cm-0`), 200)));
    const echoAgent = server.agent(CONCURRENCY);
    const echoCall = async (i: number): Promise<void> => {
      await expectStatus(server.call(echoAgent, 'GET', `${CM_PATH}/cm-${(i * 7919) % OBJECTS}`, undefined, undefined, echo.url), 200);
    };
    await runConcurrent(WARMUP_OPS, CONCURRENCY, echoCall);
    const echoGet = await runConcurrent(GET_OPS, CONCURRENCY, echoCall);
    echoAgent.destroy();
    await echo.stop();
    const echoSummary = summarize(echoGet.latencies, echoGet.elapsedMs);
    rows.push(row('baseline: HTTPS echo server get (same client)', echoSummary));
    await runConcurrent(WARMUP_OPS, CONCURRENCY, async (i) => {
      await expectStatus(server.call(agent, 'PUT', `${warmupPath}/cm-${i}`, configMap(i, 'u')), 200);
    });
    const update = await runConcurrent(OBJECTS, CONCURRENCY, async (i) => {
      await expectStatus(server.call(agent, 'PUT', `${CM_PATH}/cm-${i}`, configMap(i, 'u')), 200);
    });
    rows.push(row('API update (PUT)', summarize(update.latencies, update.elapsedMs)));

    await expectStatus(server.call(agent, 'POST', '/api/v1/namespaces', { metadata: { name: 'bench-list' } }), 201);
    await runConcurrent(LIST_SIZE, CONCURRENCY, async (i) => {
      await expectStatus(server.call(agent, 'POST', '/api/v1/namespaces/bench-list/pods', pod(i)), 201);
    });
    await runConcurrent(LIST_RUNS / 10, 1, async () => {
      await expectStatus(server.call(agent, 'GET', '/api/v1/namespaces/bench-list/pods'), 200);
    });
    const listOne = await runConcurrent(LIST_RUNS, 1, async () => {
      await expectStatus(server.call(agent, 'GET', '/api/v1/namespaces/bench-list/pods'), 200);
    });
    const listSummary = summarize(listOne.latencies, listOne.elapsedMs);
    rows.push(row(`API list ${LIST_SIZE} pods, 1 client`, listSummary));
    const listCached = await runConcurrent(LIST_RUNS, 1, async () => {
      await expectStatus(server.call(agent, 'GET', '/api/v1/namespaces/bench-list/pods?resourceVersion=0'), 200);
    });
    rows.push(row(`API list ${LIST_SIZE} pods from the watch cache (RV=0), 1 client`, summarize(listCached.latencies, listCached.elapsedMs)));
    const listMany = await runConcurrent(LIST_RUNS * 2, CONCURRENCY, async () => {
      await expectStatus(server.call(agent, 'GET', '/api/v1/namespaces/bench-list/pods'), 200);
    });
    rows.push(row(`API list ${LIST_SIZE} pods, 64 clients`, summarize(listMany.latencies, listMany.elapsedMs)));

    await expectStatus(server.call(agent, 'POST', '/api/v1/namespaces', { metadata: { name: 'bench-watch' } }), 201);
    const delays: number[] = [];
    const closeWatchers = await openWatchers(server, WATCHERS, (sentAt) => delays.push(Date.now() - sentAt));
    const rssWithWatchers = server.rssMiB();
    const watchStart = performance.now();
    for (let i = 0; i < WATCH_EVENTS; i++) {
      const body = { metadata: { name: `w-${i}` }, data: { sentAt: String(Date.now()) } };
      await expectStatus(server.call(agent, 'POST', '/api/v1/namespaces/bench-watch/configmaps', body), 201);
      await new Promise((r) => setTimeout(r, 100));
    }
    const expected = WATCHERS * WATCH_EVENTS;
    const deadline = Date.now() + 30_000;
    while (delays.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    closeWatchers();
    const watchSummary = summarize(delays, performance.now() - watchStart);
    rows.push(row(`watch delivery to ${WATCHERS} watchers (${WATCH_EVENTS} events)`, watchSummary, { delivered: `${delays.length}/${expected}` }));
    agent.destroy();

    rows.push({ name: 'server RSS idle, empty store (MiB)', value: idleRss });
    rows.push({ name: `server RSS with ${WATCHERS} watchers and ${OBJECTS + WARMUP_OPS + LIST_SIZE} objects (MiB)`, value: rssWithWatchers });
    const raw = (name: string): number => Number(rows.find((r) => r.name === name)?.['ops/s'] ?? 0);
    rows.push({ name: 'API create / raw store create', value: (createSummary.perSecond / raw('raw store create')).toFixed(3) });
    rows.push({ name: 'API get / raw store get', value: (getSummary.perSecond / raw('raw store get')).toFixed(3) });
    rows.push({ name: 'API get / HTTPS echo get', value: (getSummary.perSecond / echoSummary.perSecond).toFixed(3) });

    targets.push(
      { target: 'create >= 3000/s', measured: `${createSummary.perSecond}/s`, met: createSummary.perSecond >= 3000 },
      {
        target: 'get >= 8000/s',
        measured: `${getSummary.perSecond}/s (the same client reaches ${echoSummary.perSecond}/s against an HTTPS echo server)`,
        met: getSummary.perSecond >= 8000,
      },
      { target: `LIST of ${LIST_SIZE} pods p99 <= 50 ms`, measured: `${listSummary.p99Ms} ms`, met: listSummary.p99Ms <= 50 },
      { target: `watch event p99 <= 200 ms across ${WATCHERS} watchers`, measured: `${watchSummary.p99Ms} ms (${delays.length}/${expected} delivered)`, met: watchSummary.p99Ms <= 200 && delays.length === expected },
      { target: 'server RSS <= 150 MB idle', measured: `${idleRss} MiB`, met: idleRss <= 150 },
    );
  } finally {
    await server.stop();
  }
  return writeReport({ suite: 'api', startedAt, machine: { cpus: cpus().length, node: process.versions.node }, rows, targets });
}
