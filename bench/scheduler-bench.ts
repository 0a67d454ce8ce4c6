/**
 * The scheduler benchmark: scheduling throughput on 1,000 and 5,000 simulated nodes.
 *
 * - End to end: an apiserver on the embedded SQLite store (its own process, nothing else in
 *   it), the real `k8ts scheduler` as its own process (under leader election, as deployed), and
 *   this process as the client: it creates the Node objects (allocatable and a Ready condition;
 *   no kubelet is needed to bind), then creates the pods with 64 concurrent clients and watches
 *   them. Throughput is pods / (last binding seen by the watch − first create).
 * - Baseline, in the same run: the scheduler's algorithm alone on an in-memory snapshot with
 *   the same nodes and pods (filter, score, assume; no API), as time per scheduling cycle.
 *
 * The published floor for kube-scheduler is about 680 pods/s on 5,000 nodes (on much larger
 * machines than this one). `SCHED_BENCH_PODS` changes the pod count (default 5,000);
 * `SCHED_BENCH_CPU_PROF=<dir>` runs the apiserver and scheduler processes with `--cpu-prof`
 * into that directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { leaseType } from '../src/api/coordination/v1/lease.ts';
import { namespaceType } from '../src/api/core/v1/namespace.ts';
import { nodeType } from '../src/api/core/v1/node.ts';
import { podType } from '../src/api/core/v1/pod.ts';
import type { KubeObject } from '../src/api/meta/types.ts';
import { Clientset } from '../src/client/index.ts';
import { CycleState, newPodInfo, SchedulerCache } from '../src/scheduler/index.ts';
import { withNodeName } from '../src/scheduler/framework/pod-info.ts';
import { defaultAlgorithm } from '../src/scheduler/testing.ts';
import { writeReport, type Row } from './lib/report.ts';
import { percentile, runConcurrent } from './lib/stats.ts';

const NODE_COUNTS = (process.env.SCHED_BENCH_NODES ?? '1000,5000').split(',').map(Number);
const PODS = Number(process.env.SCHED_BENCH_PODS ?? 5000);
const CONCURRENCY = 64;
const CPU_PROF_DIR = process.env.SCHED_BENCH_CPU_PROF;
const FLOOR_PODS_PER_SECOND = 680;
const REPO = resolve(import.meta.dirname, '..');
const K8TS = join(REPO, 'bin', 'k8ts.js');
const APISERVER = join(REPO, 'bench', 'lib', 'sqlite-apiserver.ts');
const NAMESPACE = 'bench';

function benchNode(i: number): KubeObject {
  const name = `node-${i}`;
  const allocatable = { cpu: '32', memory: '128Gi', pods: '110', 'ephemeral-storage': '500Gi' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'topology.kubernetes.io/zone': `zone-${i % 10}` } },
    spec: {},
    status: { capacity: allocatable, allocatable, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'simulated' }] },
  };
}

function benchPod(i: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `pod-${i}`, namespace: NAMESPACE, labels: { app: 'bench' } },
    spec: { containers: [{ name: 'main', image: 'example/app:1', command: ['sleep', '3600'], resources: { requests: { cpu: '100m', memory: '128Mi' } } }] },
  };
}

const round = (n: number, digits = 0): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** The algorithm alone: schedule `pods` pods onto `nodes` nodes in memory, assuming each. */
function baseline(nodes: number, pods: number): { perSecond: number; meanUs: number; p50Us: number; p99Us: number } {
  const cache = new SchedulerCache();
  for (let i = 0; i < nodes; i++) cache.setNode(benchNode(i));
  const { algorithm } = defaultAlgorithm(cache, { random: Math.random });
  const times: number[] = [];
  const start = performance.now();
  for (let i = 0; i < pods; i++) {
    const t0 = performance.now();
    const pod = newPodInfo({ ...benchPod(i), metadata: { ...benchPod(i).metadata, uid: `uid-${i}` } });
    const outcome = algorithm.schedule(new CycleState(), pod);
    if (outcome.kind !== 'scheduled') throw new Error(`baseline: pod ${i} did not fit: ${outcome.kind}`);
    cache.assumePod(withNodeName(pod, outcome.nodeName));
    times.push((performance.now() - t0) * 1000);
  }
  const elapsed = performance.now() - start;
  times.sort((a, b) => a - b);
  return { perSecond: Math.round((pods / elapsed) * 1000), meanUs: round(times.reduce((s, t) => s + t, 0) / times.length, 1), p50Us: round(percentile(times, 50), 1), p99Us: round(percentile(times, 99), 1) };
}

async function startApiserver(dir: string): Promise<{ child: ChildProcess; kubeconfig: string }> {
  const profiling = CPU_PROF_DIR === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', CPU_PROF_DIR, '--cpu-prof-name', `apiserver.${Date.now()}.cpuprofile`];
  const child = spawn(process.execPath, [...profiling, APISERVER, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    const { kubeconfig } = JSON.parse(line) as { kubeconfig: string };
    return { child, kubeconfig };
  }
  throw new Error('the benchmark apiserver exited before it listened');
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** CPU time (user + system) a process has used so far, ms. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 per second).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function rssMiB(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return round(kb / 1024, 1);
}

async function waitUntil(what: string, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface EndToEnd {
  perSecond: number;
  /** CPU time per pod while pods were created and bound, ms. */
  apiserverCpuMsPerPod: number;
  schedulerCpuMsPerPod: number;
  clientCpuMsPerPod: number;
  createPerSecond: number;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
  schedulerRssMiB: number;
}

async function endToEnd(nodes: number, pods: number): Promise<EndToEnd> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-sched-bench-'));
  const { child: apiserver, kubeconfig } = await startApiserver(dir);
  const clientset = await Clientset.fromKubeconfig(kubeconfig);
  let scheduler: ChildProcess | undefined;
  let schedulerLog = '';
  const schedulerLogTail = (): string => schedulerLog;
  try {
    await clientset.resource(namespaceType).create({ metadata: { name: NAMESPACE } });
    await runConcurrent(nodes, 32, async (i) => {
      await clientset.resource(nodeType).create(benchNode(i));
    });
    const profiling = CPU_PROF_DIR === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', CPU_PROF_DIR, '--cpu-prof-name', `scheduler.${Date.now()}.cpuprofile`];
    scheduler = spawn(process.execPath, [...profiling, K8TS, 'scheduler', '--kubeconfig', kubeconfig, '--leader-elect=true'], { stdio: ['ignore', 'ignore', 'pipe'] });
    scheduler.stderr!.on('data', (d: Buffer) => (schedulerLog = (schedulerLog + d.toString()).slice(-4000)));
    const pods_ = clientset.resource(podType);
    // Warm up: the scheduler holds the lease, has synced, and binds.
    await pods_.create({ ...benchPod(-1), metadata: { ...benchPod(-1).metadata, name: 'warmup' } });
    await waitUntil('the scheduler to bind the warm-up pod', 120_000, async () => ((await pods_.get('warmup', { namespace: NAMESPACE })).spec?.nodeName ?? '') !== '').catch(
      (err: unknown) => {
        throw new Error(`${String(err)}\nscheduler log:\n${schedulerLog}`);
      },
    );
    const lease = await clientset.resource(leaseType).get('kube-scheduler', { namespace: 'kube-system' });
    if ((lease.spec?.holderIdentity ?? '') === '') throw new Error('the scheduler does not hold the kube-scheduler lease');

    const list = await pods_.list({ namespace: NAMESPACE });
    const watchAbort = new AbortController();
    const watch = await pods_.watch({ namespace: NAMESPACE, resourceVersion: list.metadata.resourceVersion ?? '', signal: watchAbort.signal });
    const createdAt = new Map<string, number>();
    const latencies: number[] = [];
    let lastBound = 0;
    const bound = new Set<string>();
    let done!: () => void;
    const allBound = new Promise<void>((r) => (done = r));
    const watching = (async () => {
      for await (const ev of watch) {
        const obj = ev.object as KubeObject;
        const name = obj.metadata.name ?? '';
        if (ev.type !== 'MODIFIED' || (obj.spec?.nodeName ?? '') === '' || bound.has(name) || !createdAt.has(name)) continue;
        bound.add(name);
        lastBound = performance.now();
        latencies.push(lastBound - createdAt.get(name)!);
        if (bound.size === pods) done();
      }
    })().catch(() => undefined);

    const cpuBefore = { apiserver: cpuMs(apiserver.pid!), scheduler: cpuMs(scheduler.pid!), client: process.cpuUsage() };
    const start = performance.now();
    const created = await runConcurrent(pods, CONCURRENCY, async (i) => {
      createdAt.set(`pod-${i}`, performance.now());
      await pods_.create(benchPod(i));
    });
    const timeout = setTimeout(() => done(), 600_000);
    await allBound;
    clearTimeout(timeout);
    if (bound.size < pods) throw new Error(`only ${bound.size} of ${pods} pods were bound within 10 minutes\nscheduler log:\n${schedulerLog}`);
    const rss = rssMiB(scheduler.pid!);
    const clientCpu = process.cpuUsage(cpuBefore.client);
    const perPod = (ms: number): number => round(ms / pods, 3);
    const cpu = {
      apiserverCpuMsPerPod: perPod(cpuMs(apiserver.pid!) - cpuBefore.apiserver),
      schedulerCpuMsPerPod: perPod(cpuMs(scheduler.pid!) - cpuBefore.scheduler),
      clientCpuMsPerPod: perPod((clientCpu.user + clientCpu.system) / 1000),
    };
    watchAbort.abort();
    await watching;
    latencies.sort((a, b) => a - b);
    const seconds = (lastBound - start) / 1000;
    return {
      ...cpu,
      perSecond: Math.round(pods / seconds),
      createPerSecond: Math.round((pods / created.elapsedMs) * 1000),
      seconds: round(seconds, 2),
      p50Ms: round(percentile(latencies, 50), 1),
      p99Ms: round(percentile(latencies, 99), 1),
      schedulerRssMiB: rss,
    };
  } finally {
    if (scheduler !== undefined) await stop(scheduler);
    if (process.env.SCHED_BENCH_LOG !== undefined) process.stderr.write(`scheduler log (tail):\n${schedulerLogTail()}\n`);
    clientset.close();
    await stop(apiserver);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the benchmark; returns the Markdown report (also written under bench/results/). */
export async function runSchedulerBench(): Promise<string> {
  const startedAt = new Date().toISOString();
  const rows: Row[] = [];
  const results = new Map<number, { e2e: EndToEnd; base: ReturnType<typeof baseline> }>();
  for (const nodes of NODE_COUNTS) {
    process.stderr.write(`scheduler bench: ${nodes} nodes, ${PODS} pods: algorithm alone...\n`);
    const base = baseline(nodes, PODS);
    process.stderr.write(`scheduler bench: ${nodes} nodes, ${PODS} pods: end to end...\n`);
    const e2e = await endToEnd(nodes, PODS);
    results.set(nodes, { e2e, base });
    rows.push({ name: `algorithm alone (in-memory snapshot), ${nodes} nodes`, pods: PODS, 'pods/s': base.perSecond, 'cycle mean µs': base.meanUs, 'cycle p50 µs': base.p50Us, 'cycle p99 µs': base.p99Us });
    rows.push({
      name: `end to end (SQLite apiserver + k8ts scheduler), ${nodes} nodes`,
      pods: PODS,
      'pods/s': e2e.perSecond,
      'seconds': e2e.seconds,
      'creates/s': e2e.createPerSecond,
      'create→bound p50 ms': e2e.p50Ms,
      'create→bound p99 ms': e2e.p99Ms,
      'scheduler RSS MiB': e2e.schedulerRssMiB,
      'CPU ms/pod apiserver': e2e.apiserverCpuMsPerPod,
      'CPU ms/pod scheduler': e2e.schedulerCpuMsPerPod,
      'CPU ms/pod client': e2e.clientCpuMsPerPod,
    });
    rows.push({ name: `end to end / algorithm alone, ${nodes} nodes`, ratio: round(e2e.perSecond / base.perSecond, 3) });
  }
  const largest = Math.max(...results.keys());
  const atLargest = results.get(largest)!.e2e.perSecond;
  return writeReport({
    suite: 'scheduler',
    startedAt,
    machine: { cpus: cpus().length, node: process.versions.node },
    rows,
    targets: [
      {
        target: `end to end on ${largest.toLocaleString('en')} nodes >= ${FLOOR_PODS_PER_SECOND} pods/s (kube-scheduler's published floor, on 5,000 nodes)`,
        measured: `${atLargest} pods/s`,
        met: atLargest >= FLOOR_PODS_PER_SECOND,
      },
    ],
  });
}
