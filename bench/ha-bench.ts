/**
 * The HA benchmark (`npm run bench -- ha`), in one run, each figure next to its baseline:
 *
 * - `k8ts up` time: a single node, and 3 control planes with stacked etcd;
 * - create throughput through the load balancer on etcd (64 keep-alive clients) next to raw
 *   etcd puts from the same process through the etcd3 client, on the same etcd members;
 * - the write gap (longest time without an acknowledged write, under a steady load of 4 writers
 *   through the load balancer) after SIGKILL of: an apiserver only; an etcd follower only; the
 *   whole node of the etcd leader — next to raw etcd's own gap when its leader is killed under
 *   the same load through the etcd3 client;
 * - takeover time of a leader-elected component (two fixture processes contending for a Lease
 *   through the load balancer) after SIGKILL of the leader and after its clean stop;
 * - leader changes over a steady write load (default 10 minutes; K8TS_BENCH_HA_STEADY_SECONDS
 *   shortens it), for the fixture's lease and the controller manager's.
 *
 * Results: bench/results/ha.json and ha.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { leaseType } from '../src/api/coordination/v1/lease.ts';
import { Clientset } from '../src/client/index.ts';
import type { ClusterRecord } from '../src/cluster/cluster-record.ts';
import { etcdReport, readEtcdClientTls } from '../src/cluster/ha-etcd.ts';
import { etcdEndpoints } from '../src/cluster/ha-processes.ts';
import { isRecordedProcessRunning, readProcessRecords } from '../src/cluster/managed-process.ts';
import { startTestEtcdCluster } from '../src/cluster/etcd-testing.ts';
import { createEtcdClient } from '../src/storage/etcd/etcd-client.ts';
import { WriteLoad } from '../test/support/write-load.ts';
import { RawEtcdLoad } from './lib/raw-etcd-load.ts';
import { writeReport, type Row } from './lib/report.ts';
import { runConcurrent, summarize } from './lib/stats.ts';

const K8TS = resolve(import.meta.dirname, '..', 'bin', 'k8ts.js');
const FIXTURE = resolve(import.meta.dirname, '..', 'test', 'fixtures', 'leader-fixture.ts');
const REPS = 3;
/** How long after a kill the write gap is looked for. */
const GAP_WINDOW_MS = 8_000;
const THROUGHPUT_OPS = 3_000;
const CONCURRENCY = 64;
const STEADY_SECONDS = Number(process.env.K8TS_BENCH_HA_STEADY_SECONDS ?? 600);

interface Env {
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
}

function k8ts(e: Env, args: readonly string[], timeoutMs = 180_000): Promise<{ code: number; out: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [K8TS, ...args], { env: e.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? -1, out, ms: performance.now() - started });
    });
  });
}

async function k8tsOk(e: Env, args: readonly string[]): Promise<{ out: string; ms: number }> {
  const r = await k8ts(e, args);
  if (r.code !== 0) throw new Error(`k8ts ${args.join(' ')} failed (${r.code}):\n${r.out}`);
  return r;
}

const dirOf = (e: Env, name: string): string => join(e.home, name);
const recordOf = (e: Env, name: string): ClusterRecord => JSON.parse(readFileSync(join(dirOf(e, name), 'cluster.json'), 'utf8')) as ClusterRecord;
const credentialsOf = (e: Env, name: string): { caPem: string; certPem: string; keyPem: string } => {
  const pki = join(dirOf(e, name), 'pki');
  return { caPem: readFileSync(join(pki, 'ca.crt'), 'utf8'), certPem: readFileSync(join(pki, 'admin.crt'), 'utf8'), keyPem: readFileSync(join(pki, 'admin.key'), 'utf8') };
};

/** SIGKILLs the process recorded as `process` (checked to be that process first); returns when it was sent. */
async function killRecorded(e: Env, name: string, processName: string): Promise<number> {
  const record = (await readProcessRecords(dirOf(e, name))).find((p) => p.name === processName);
  if (record === undefined || !(await isRecordedProcessRunning(record))) throw new Error(`${processName} is not running`);
  process.kill(record.pid, 'SIGKILL');
  return performance.now();
}

async function etcdLeader(e: Env, name: string): Promise<string> {
  const record = recordOf(e, name);
  for (let i = 0; i < 100; i++) {
    const report = await etcdReport(record, await readEtcdClientTls(dirOf(e, name)));
    if (report.leader !== undefined) return report.leader;
    await sleep(100);
  }
  throw new Error('etcd has no leader');
}

async function waitHealthy(e: Env, name: string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if ((await k8ts(e, ['status', '--name', name])).code === 0) return;
    await sleep(500);
  }
  throw new Error(`cluster ${name} did not get healthy`);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const fmt = (xs: number[]): string => `median ${Math.round(median(xs))}, max ${Math.round(Math.max(...xs))} (${xs.map((x) => Math.round(x)).join(', ')})`;

/** A fixture contender (test/fixtures/leader-fixture.ts) and the wall time of each of its events. */
class Contender {
  readonly child: ChildProcess;
  readonly events: Array<{ event: string; at?: number; term?: number }> = [];
  constructor(kubeconfig: string, identity: string, lease: string) {
    this.child = spawn(process.execPath, [FIXTURE, kubeconfig, identity, lease], { stdio: ['ignore', 'pipe', 'ignore'] });
    createInterface({ input: this.child.stdout! }).on('line', (l) => this.events.push(JSON.parse(l) as { event: string; at?: number }));
  }
  leadingSince(wallMs: number): number | undefined {
    return this.events.find((ev) => ev.event === 'leading' && (ev.at ?? 0) >= wallMs)?.at;
  }
  get leads(): boolean {
    const last = this.events.filter((ev) => ev.event === 'leading' || ev.event === 'stopped-leading').at(-1);
    return last?.event === 'leading';
  }
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill(signal);
    await exited;
  }
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(20);
  }
}

/**
 * Creates through the load balancer vs raw etcd puts of the same size, same concurrency, same
 * etcd members, interleaved (raw, API, raw, API) so a change in the machine's load between them
 * hits both; each is the mean of its two rounds.
 */
async function throughput(e: Env, name: string, rows: Row[]): Promise<{ api: number; raw: number }> {
  const record = recordOf(e, name);
  const creds = credentialsOf(e, name);
  const tls = await readEtcdClientTls(dirOf(e, name));
  const payload = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { key: 'v', padding: 'x'.repeat(200) } });
  const rawRound = async (round: number): Promise<ReturnType<typeof summarize>> => {
    const client = createEtcdClient({ endpoints: etcdEndpoints(record), tls });
    try {
      const raw = await runConcurrent(THROUGHPUT_OPS, CONCURRENCY, async (i) => {
        await client.put(`/bench-raw/r${round}/cm-${i}`).value(payload).exec();
      });
      return summarize(raw.latencies, raw.elapsedMs);
    } finally {
      client.close();
    }
  };
  const apiRound = async (round: number): Promise<ReturnType<typeof summarize>> => {
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY, ca: creds.caPem, cert: creds.certPem, key: creds.keyPem });
    const post = (i: number): Promise<void> =>
      new Promise((resolvePromise, reject) => {
        const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `tp-${round}-${i}` }, data: { key: 'v', padding: 'x'.repeat(200) } });
        const req = request({ host: record.apiServer.address, port: record.apiServer.port, method: 'POST', path: '/api/v1/namespaces/default/configmaps', agent, headers: { 'content-type': 'application/json' } }, (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 201 ? resolvePromise() : reject(new Error(`HTTP ${res.statusCode}`))));
        });
        req.on('error', reject);
        req.end(body);
      });
    try {
      const api = await runConcurrent(THROUGHPUT_OPS, CONCURRENCY, post);
      return summarize(api.latencies, api.elapsedMs);
    } finally {
      agent.destroy();
    }
  };
  const raws = [await rawRound(0)];
  const apis = [await apiRound(0)];
  raws.push(await rawRound(1));
  apis.push(await apiRound(1));
  const mean = (xs: ReturnType<typeof summarize>[]): number => Math.round(xs.reduce((n, x) => n + x.perSecond, 0) / xs.length);
  const detail = (xs: ReturnType<typeof summarize>[]): string => xs.map((x) => `${x.perSecond}/s (p50 ${x.p50Ms} ms, p99 ${x.p99Ms} ms)`).join('; ');
  rows.push({ name: `raw etcd put (etcd3 client, ${CONCURRENCY} concurrent, 3 members)`, value: mean(raws), unit: 'ops/s', detail: detail(raws) });
  rows.push({ name: `API create through the load balancer on etcd (HTTPS, ${CONCURRENCY} keep-alive clients)`, value: mean(apis), unit: 'ops/s', detail: detail(apis) });
  rows.push({ name: 'API create / raw etcd put', value: (mean(apis) / mean(raws)).toFixed(3), unit: 'ratio' });
  return { api: mean(apis), raw: mean(raws) };
}

/** The write gaps after each kind of kill, REPS times each, under a steady load through the load balancer. */
async function killGaps(e: Env, name: string, rows: Row[]): Promise<Record<string, number[]>> {
  const record = recordOf(e, name);
  const load = new WriteLoad({ url: `https://${record.apiServer.address}:${record.apiServer.port}`, credentials: credentialsOf(e, name), prefix: 'bench-gap' });
  load.start();
  const gaps: Record<string, number[]> = { none: [], apiserver: [], follower: [], leader: [] };
  try {
    await load.waitForAcks(100, 60_000);
    for (let rep = 0; rep < REPS; rep++) {
      const quiet = performance.now();
      await sleep(GAP_WINDOW_MS);
      gaps.none!.push(load.longestGap(quiet, quiet + GAP_WINDOW_MS));

      const leader = await etcdLeader(e, name);
      const others = ['cp-1', 'cp-2', 'cp-3'].filter((n) => n !== leader);
      const victims: Array<[string, string, string]> = [
        ['apiserver', others[rep % 2]!, 'server'],
        ['follower', others[(rep + 1) % 2]!, 'etcd'],
      ];
      for (const [kind, node, component] of victims) {
        const killedAt = await killRecorded(e, name, `${node}.${component}`);
        await sleep(GAP_WINDOW_MS);
        gaps[kind]!.push(load.longestGap(killedAt, killedAt + GAP_WINDOW_MS));
        await k8tsOk(e, ['node', 'start', node, '--name', name]);
        await waitHealthy(e, name);
      }
      const node = await etcdLeader(e, name);
      const killedAt = performance.now();
      await k8tsOk(e, ['node', 'kill', node, '--name', name]);
      await sleep(GAP_WINDOW_MS);
      gaps.leader!.push(load.longestGap(killedAt, killedAt + GAP_WINDOW_MS));
      await k8tsOk(e, ['node', 'start', node, '--name', name]);
      await waitHealthy(e, name);
    }
  } finally {
    await load.stop();
    const verdict = await load.verify();
    rows.push({ name: 'acknowledged writes lost during the kills', value: verdict.lost.length, unit: 'writes', detail: `of ${verdict.acks} acknowledged on ${verdict.objects} objects` });
    load.close();
  }
  rows.push({ name: 'write gap, no kill (baseline of the load)', value: Math.round(median(gaps.none!)), unit: 'ms', detail: fmt(gaps.none!) });
  rows.push({ name: 'write gap after SIGKILL of an apiserver only', value: Math.round(median(gaps.apiserver!)), unit: 'ms', detail: fmt(gaps.apiserver!) });
  rows.push({ name: 'write gap after SIGKILL of an etcd follower only', value: Math.round(median(gaps.follower!)), unit: 'ms', detail: fmt(gaps.follower!) });
  rows.push({ name: "write gap after SIGKILL of the etcd leader's whole stacked node", value: Math.round(median(gaps.leader!)), unit: 'ms', detail: fmt(gaps.leader!) });
  return gaps;
}

/** Takeover times of the fixture after SIGKILL and after a clean stop of its leader (wall clock, ms). */
async function takeovers(e: Env, name: string, rows: Row[]): Promise<{ kill: number[]; stop: number[] }> {
  const kubeconfig = join(dirOf(e, name), 'kubeconfig');
  const lease = 'bench-takeover';
  let contenders = [new Contender(kubeconfig, 'bench-a', lease), new Contender(kubeconfig, 'bench-b', lease)];
  const result = { kill: [] as number[], stop: [] as number[] };
  let id = 0;
  try {
    for (let rep = 0; rep < REPS * 2; rep++) {
      const how = rep % 2 === 0 ? 'kill' : 'stop';
      const leader = await until('a leader', () => contenders.find((c) => c.leads));
      const standby = contenders.find((c) => c !== leader)!;
      await sleep(2_000);
      const at = Date.now();
      if (how === 'kill') leader.child.kill('SIGKILL');
      else leader.child.kill('SIGTERM');
      const took = await until('the standby leads', () => standby.leadingSince(at), 30_000);
      result[how].push(took - at);
      await leader.stop();
      contenders = [standby, new Contender(kubeconfig, `bench-${id++}`, lease)];
    }
  } finally {
    await Promise.all(contenders.map((c) => c.stop()));
  }
  rows.push({ name: 'takeover of a leader-elected component after SIGKILL of the leader', value: Math.round(median(result.kill)), unit: 'ms', detail: fmt(result.kill) });
  rows.push({ name: 'takeover of a leader-elected component after a clean stop of the leader', value: Math.round(median(result.stop)), unit: 'ms', detail: fmt(result.stop) });
  return result;
}

/** Leader changes over STEADY_SECONDS of steady write load: the fixture's lease and the controller manager's. */
async function steadyLeadership(e: Env, name: string, rows: Row[]): Promise<number> {
  const record = recordOf(e, name);
  const creds = credentialsOf(e, name);
  const clientset = Clientset.fromOptions({ endpoints: [`https://${record.apiServer.address}:${record.apiServer.port}`], ca: creds.caPem, cert: creds.certPem, key: creds.keyPem });
  const transitions = async (ns: string, lease: string): Promise<number> => ((await clientset.resource(leaseType).get(lease, { namespace: ns })).spec as { leaseTransitions?: number }).leaseTransitions ?? 0;
  const kubeconfig = join(dirOf(e, name), 'kubeconfig');
  const contenders = [new Contender(kubeconfig, 'steady-a', 'bench-steady'), new Contender(kubeconfig, 'steady-b', 'bench-steady')];
  const load = new WriteLoad({ url: `https://${record.apiServer.address}:${record.apiServer.port}`, credentials: creds, prefix: 'bench-steady' });
  try {
    await until('a fixture leads', () => (contenders.some((c) => c.leads) ? true : undefined));
    await sleep(3_000);
    const before = { fixture: await transitions('default', 'bench-steady'), cm: await transitions('kube-system', 'kube-controller-manager') };
    load.start();
    await sleep(STEADY_SECONDS * 1000);
    await load.stop();
    const after = { fixture: await transitions('default', 'bench-steady'), cm: await transitions('kube-system', 'kube-controller-manager') };
    const changes = after.fixture - before.fixture + (after.cm - before.cm);
    rows.push({
      name: `leader changes over ${STEADY_SECONDS} s of steady write load`,
      value: changes,
      unit: 'changes',
      detail: `fixture lease ${after.fixture - before.fixture}, kube-controller-manager ${after.cm - before.cm}; ${load.acks.length} writes acknowledged`,
    });
    return changes;
  } finally {
    load.close();
    await Promise.all(contenders.map((c) => c.stop()));
    clientset.close();
  }
}

/** Raw etcd's own write gap when its leader is SIGKILLed under the same load, through the etcd3 client. */
async function rawEtcdGaps(rows: Row[]): Promise<number[]> {
  const etcd = await startTestEtcdCluster(3);
  const client = createEtcdClient({ endpoints: etcd.cluster.endpoints, tls: etcd.cluster.clientTls });
  const load = new RawEtcdLoad(client, '/bench-gap');
  const gaps: number[] = [];
  try {
    load.start();
    await sleep(2_000);
    for (let rep = 0; rep < REPS + 2; rep++) {
      const leader = await until('a leader', async () => etcd.cluster.leader());
      const killedAt = performance.now();
      await etcd.cluster.member(leader).kill();
      await sleep(GAP_WINDOW_MS);
      gaps.push(load.longestGap(killedAt, killedAt + GAP_WINDOW_MS));
      await etcd.cluster.startMember(leader);
      await sleep(2_000);
    }
  } finally {
    await load.stop();
    client.close();
    await etcd.dispose();
  }
  rows.push({ name: 'raw etcd: write gap after SIGKILL of its leader (etcd3 client, same load)', value: Math.round(median(gaps)), unit: 'ms', detail: fmt(gaps) });
  return gaps;
}

export async function runHaBench(): Promise<string> {
  const startedAt = new Date().toISOString();
  const root = mkdtempSync(join(tmpdir(), 'k8ts-bench-ha-'));
  const e: Env = { home: join(root, 'home'), env: { ...process.env, K8TS_HOME: join(root, 'home'), KUBECONFIG: join(root, 'kubeconfig'), HOME: root } };
  const rows: Row[] = [];
  const targets: Array<{ target: string; measured: string; met: boolean }> = [];
  const name = 'bench-ha';
  try {
    const single = await k8tsOk(e, ['up', '--name', 'bench-single', '--no-merge-kubeconfig']);
    rows.push({ name: 'k8ts up, 1 control plane (single node, SQLite)', value: (single.ms / 1000).toFixed(1), unit: 's', detail: single.out.match(/created in [\d.]+s/)?.[0] ?? '' });
    await k8tsOk(e, ['down', '--name', 'bench-single', '--delete']);
    const stacked = await k8tsOk(e, ['up', '--name', name, '--control-planes', '3', '--no-merge-kubeconfig']);
    const upSeconds = stacked.ms / 1000;
    rows.push({ name: 'k8ts up, 3 control planes (stacked etcd, built-in load balancer)', value: upSeconds.toFixed(1), unit: 's', detail: stacked.out.match(/created in [\d.]+s/)?.[0] ?? '' });
    targets.push({ target: '3-control-plane stacked cluster ready <= 15 s', measured: `${upSeconds.toFixed(1)} s`, met: upSeconds <= 15 });

    const tp = await throughput(e, name, rows);
    targets.push({ target: 'API create throughput on etcd >= 80 % of raw etcd puts', measured: `${tp.api}/s vs ${tp.raw}/s (${Math.round((tp.api / tp.raw) * 100)} %)`, met: tp.api >= 0.8 * tp.raw });

    const gaps = await killGaps(e, name, rows);
    const raw = await rawEtcdGaps(rows);
    targets.push({ target: 'write gap after an apiserver-only kill <= 1 s', measured: `${fmt(gaps.apiserver!)} ms`, met: Math.max(...gaps.apiserver!) <= 1000 });
    targets.push({
      target: "write gap after a whole stacked node (the etcd leader's) <= raw etcd's leader-kill gap + 0.5 s",
      measured: `${Math.round(median(gaps.leader!))} ms vs raw etcd ${Math.round(median(raw))} ms (medians)`,
      met: median(gaps.leader!) <= median(raw) + 500,
    });

    const takeover = await takeovers(e, name, rows);
    targets.push({ target: 'takeover <= 3 s after SIGKILL of the leader', measured: `${fmt(takeover.kill)} ms`, met: Math.max(...takeover.kill) <= 3000 });
    targets.push({ target: 'takeover <= 1 s after a clean stop of the leader', measured: `${fmt(takeover.stop)} ms`, met: Math.max(...takeover.stop) <= 1000 });

    const changes = await steadyLeadership(e, name, rows);
    targets.push({ target: `0 leader changes over ${STEADY_SECONDS} s of steady load (the target asks for 600 s)`, measured: `${changes}`, met: changes === 0 && STEADY_SECONDS >= 600 });
  } finally {
    await k8ts(e, ['down', '--name', name, '--delete']);
    await k8ts(e, ['down', '--name', 'bench-single', '--delete']);
    rmSync(root, { recursive: true, force: true });
  }
  return writeReport({ suite: 'ha', startedAt, machine: { cpus: cpus().length, node: process.versions.node }, rows, targets });
}
