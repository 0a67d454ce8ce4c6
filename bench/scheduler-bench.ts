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
 * `SCHED_BENCH_NODES` the node counts (default `1000,5000`); `SCHED_BENCH_SCHEDULER_ARGS` the
 * extra `k8ts scheduler` flags (default: the lease timings below); `SCHED_BENCH_CPU_PROF=<dir>` runs the apiserver
 * and scheduler processes with `--cpu-prof` into that directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { leaseType } from '../src/api/coordination/v1/lease.ts';
import { namespaceType } from '../src/api/core/v1/namespace.ts';
import { nodeType } from '../src/api/core/v1/node.ts';
import { podType } from '../src/api/core/v1/pod.ts';
import type { KubeObject } from '../src/api/meta/types.ts';
import { Clientset, type ResourceClient } from '../src/client/index.ts';
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
/**
 * The scheduler runs with kube-scheduler's lease timings (15 s / 10 s / 2 s) rather than k8ts'
 * fast-failover defaults (2 s / 1.5 s / 0.5 s): this benchmark saturates the apiserver, and
 * with a 1.5 s renew deadline a renewal queued behind the burst of creates can miss it, which
 * measures leader election rather than scheduling. `leader terms` in the results shows
 * whether leadership changed; SCHED_BENCH_SCHEDULER_ARGS='' runs with the defaults.
 */
const LEASE_ARGS = '--lease-duration=15s --renew-deadline=10s --retry-period=2s';

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

/**
 * A bench pod. It opts out of the API access volume (automountServiceAccountToken: false): the
 * volume nearly doubles a small pod's size, and what is measured here is scheduling, on
 * simulated nodes that never mount it (with it, this bench measured about 9 % fewer pods/s).
 */
function benchPod(i: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `pod-${i}`, namespace: NAMESPACE, labels: { app: 'bench' } },
    spec: { automountServiceAccountToken: false, containers: [{ name: 'main', image: 'example/app:1', command: ['sleep', '3600'], resources: { requests: { cpu: '100m', memory: '128Mi' } } }] },
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

/** Watches the bench namespace and records when each expected pod is first seen bound. */
class BoundWatcher {
  readonly boundAt = new Map<string, number>();
  readonly #abort = new AbortController();
  readonly #expected: Set<string>;
  #done!: () => void;
  readonly allBound: Promise<void>;
  #watching: Promise<void> = Promise.resolve();

  constructor(expected: Iterable<string>) {
    this.#expected = new Set(expected);
    this.allBound = new Promise<void>((resolve) => (this.#done = resolve));
  }

  async start(pods: ResourceClient<KubeObject>): Promise<void> {
    const list = await pods.list({ namespace: NAMESPACE, limit: 1 });
    const watch = await pods.watch({ namespace: NAMESPACE, resourceVersion: list.metadata.resourceVersion ?? '', signal: this.#abort.signal });
    this.#watching = (async () => {
      for await (const ev of watch) {
        const obj = ev.object as KubeObject;
        const name = obj.metadata.name ?? '';
        if ((obj.spec?.nodeName ?? '') === '' || !this.#expected.has(name) || this.boundAt.has(name)) continue;
        this.boundAt.set(name, performance.now());
        if (this.boundAt.size === this.#expected.size) this.#done();
      }
    })().catch(() => undefined);
  }

  /** Waits until every expected pod is bound; throws after `timeoutMs`. */
  async wait(timeoutMs: number, log: () => string): Promise<number> {
    const timer = setTimeout(() => this.#done(), timeoutMs);
    await this.allBound;
    clearTimeout(timer);
    if (this.boundAt.size < this.#expected.size) throw new Error(`only ${this.boundAt.size} of ${this.#expected.size} pods were bound in time\nscheduler log:\n${log()}`);
    return Math.max(...this.boundAt.values());
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#watching;
  }
}

/** A `k8ts scheduler` process, with the tail of its log and how many terms it led. */
interface SchedulerProcess {
  readonly child: ChildProcess;
  readonly log: () => string;
  readonly terms: () => number;
}

function startScheduler(kubeconfig: string, label: string): SchedulerProcess {
  const profiling = CPU_PROF_DIR === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', CPU_PROF_DIR, '--cpu-prof-name', `scheduler-${label}.${Date.now()}.cpuprofile`];
  const extra = (process.env.SCHED_BENCH_SCHEDULER_ARGS ?? LEASE_ARGS).split(' ').filter((a) => a !== '');
  const child = spawn(process.execPath, [...profiling, K8TS, 'scheduler', '--kubeconfig', kubeconfig, '--leader-elect=true', ...extra], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  let terms = 0;
  child.stderr.on('data', (d: Buffer) => {
    const text = d.toString();
    terms += text.split('became leader').length - 1;
    log = (log + text).slice(-4000);
  });
  return { child, log: () => log, terms: () => terms };
}

/** Streaming: pods created by 64 clients while the scheduler runs. */
interface Streaming {
  perSecond: number;
  createPerSecond: number;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU time per pod while pods were created and bound, ms. */
  apiserverCpuMsPerPod: number;
  schedulerCpuMsPerPod: number;
  clientCpuMsPerPod: number;
  schedulerRssMiB: number;
  leaderTerms: number;
}

/** Backlog: pods created while no scheduler runs, then one starts. */
interface Backlog {
  perSecond: number;
  seconds: number;
  leaderTerms: number;
}

async function createPods(pods: ResourceClient<KubeObject>, names: readonly string[], onCreate?: (name: string) => void): Promise<number> {
  const { elapsedMs } = await runConcurrent(names.length, CONCURRENCY, async (i) => {
    onCreate?.(names[i]!);
    await pods.create({ ...benchPod(i), metadata: { ...benchPod(i).metadata, name: names[i]! } });
  });
  return elapsedMs;
}

async function endToEnd(nodes: number, count: number): Promise<{ streaming: Streaming; backlog: Backlog }> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-sched-bench-'));
  const { child: apiserver, kubeconfig } = await startApiserver(dir);
  const clientset = await Clientset.fromKubeconfig(kubeconfig);
  const pods = clientset.resource<KubeObject>(podType);
  const leases = clientset.resource(leaseType);
  let scheduler: SchedulerProcess | undefined;
  try {
    await clientset.resource(namespaceType).create({ metadata: { name: NAMESPACE } });
    await runConcurrent(nodes, 32, async (i) => {
      await clientset.resource(nodeType).create(benchNode(i));
    });

    // Streaming.
    scheduler = startScheduler(kubeconfig, `${nodes}`);
    const current = scheduler;
    await pods.create({ ...benchPod(0), metadata: { ...benchPod(0).metadata, name: 'warmup' } });
    await waitUntil('the scheduler to bind the warm-up pod', 120_000, async () => ((await pods.get('warmup', { namespace: NAMESPACE })).spec?.nodeName ?? '') !== '').catch(
      (err: unknown) => {
        throw new Error(`${String(err)}\nscheduler log:\n${current.log()}`);
      },
    );
    const streamNames = Array.from({ length: count }, (_, i) => `pod-${i}`);
    const streamWatch = new BoundWatcher(streamNames);
    await streamWatch.start(pods);
    const createdAt = new Map<string, number>();
    const cpuBefore = { apiserver: cpuMs(apiserver.pid!), scheduler: cpuMs(scheduler.child.pid!), client: process.cpuUsage() };
    const start = performance.now();
    const createMs = await createPods(pods, streamNames, (n) => createdAt.set(n, performance.now()));
    const lastBound = await streamWatch.wait(600_000, current.log);
    const clientCpu = process.cpuUsage(cpuBefore.client);
    const perPod = (ms: number): number => round(ms / count, 3);
    const latencies = streamNames.map((n) => streamWatch.boundAt.get(n)! - createdAt.get(n)!).sort((a, b) => a - b);
    const streaming: Streaming = {
      perSecond: Math.round(count / ((lastBound - start) / 1000)),
      createPerSecond: Math.round((count / createMs) * 1000),
      seconds: round((lastBound - start) / 1000, 2),
      p50Ms: round(percentile(latencies, 50), 1),
      p99Ms: round(percentile(latencies, 99), 1),
      apiserverCpuMsPerPod: perPod(cpuMs(apiserver.pid!) - cpuBefore.apiserver),
      schedulerCpuMsPerPod: perPod(cpuMs(scheduler.child.pid!) - cpuBefore.scheduler),
      clientCpuMsPerPod: perPod((clientCpu.user + clientCpu.system) / 1000),
      schedulerRssMiB: rssMiB(scheduler.child.pid!),
      leaderTerms: scheduler.terms(),
    };
    await streamWatch.stop();
    await stop(scheduler.child);

    // Backlog: a clean stop released the lease; the next scheduler finds the pods waiting.
    const backlogNames = Array.from({ length: count }, (_, i) => `backlog-${i}`);
    await createPods(pods, backlogNames);
    const backlogWatch = new BoundWatcher(backlogNames);
    await backlogWatch.start(pods);
    scheduler = startScheduler(kubeconfig, `${nodes}-backlog`);
    const next = scheduler;
    let acquired = 0;
    await waitUntil('the second scheduler to take the lease', 120_000, async () => {
      const holder = (await leases.get('kube-scheduler', { namespace: 'kube-system' })).spec?.holderIdentity ?? '';
      acquired = performance.now();
      return holder !== '';
    });
    const backlogLast = await backlogWatch.wait(600_000, next.log);
    await backlogWatch.stop();
    const backlog: Backlog = {
      perSecond: Math.round(count / ((backlogLast - acquired) / 1000)),
      seconds: round((backlogLast - acquired) / 1000, 2),
      leaderTerms: scheduler.terms(),
    };
    return { streaming, backlog };
  } finally {
    if (scheduler !== undefined) await stop(scheduler.child);
    if (process.env.SCHED_BENCH_LOG !== undefined && scheduler !== undefined) process.stderr.write(`scheduler log (tail):\n${scheduler.log()}\n`);
    clientset.close();
    await stop(apiserver);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the benchmark; returns the Markdown report (also written under bench/results/). */
export async function runSchedulerBench(): Promise<string> {
  const startedAt = new Date().toISOString();
  const loadAtStart = loadavg()[0]!;
  const rows: Row[] = [];
  const streamingAt = new Map<number, number>();
  for (const nodes of NODE_COUNTS) {
    process.stderr.write(`scheduler bench: ${nodes} nodes, ${PODS} pods: algorithm alone...\n`);
    const base = baseline(nodes, PODS);
    process.stderr.write(`scheduler bench: ${nodes} nodes, ${PODS} pods: end to end...\n`);
    const { streaming, backlog } = await endToEnd(nodes, PODS);
    streamingAt.set(nodes, streaming.perSecond);
    rows.push({ name: `algorithm alone (in-memory snapshot), ${nodes} nodes`, pods: PODS, 'pods/s': base.perSecond, 'cycle mean µs': base.meanUs, 'cycle p50 µs': base.p50Us, 'cycle p99 µs': base.p99Us });
    rows.push({
      name: `end to end, pods created while scheduling (first create → last bound), ${nodes} nodes`,
      pods: PODS,
      'pods/s': streaming.perSecond,
      seconds: streaming.seconds,
      'creates/s': streaming.createPerSecond,
      'create→bound p50 ms': streaming.p50Ms,
      'create→bound p99 ms': streaming.p99Ms,
      'CPU ms/pod apiserver': streaming.apiserverCpuMsPerPod,
      'CPU ms/pod scheduler': streaming.schedulerCpuMsPerPod,
      'CPU ms/pod client': streaming.clientCpuMsPerPod,
      'scheduler RSS MiB': streaming.schedulerRssMiB,
      'leader terms': streaming.leaderTerms,
    });
    // What the machine could do if these processes had it to themselves: the apiserver is one
    // thread, and the three processes share the CPUs.
    const cpuSum = streaming.apiserverCpuMsPerPod + streaming.schedulerCpuMsPerPod + streaming.clientCpuMsPerPod;
    const capacity = Math.round(1000 / Math.max(streaming.apiserverCpuMsPerPod, cpuSum / cpus().length));
    rows.push({ name: `end to end, pods created while scheduling, capacity from CPU time per pod (1000 / max(apiserver, all ÷ CPUs)), ${nodes} nodes`, 'pods/s': capacity });
    rows.push({ name: `end to end, backlog of pending pods (lease taken → last bound), ${nodes} nodes`, pods: PODS, 'pods/s': backlog.perSecond, seconds: backlog.seconds, 'leader terms': backlog.leaderTerms });
    rows.push({ name: `end to end (pods created while scheduling) / algorithm alone, ${nodes} nodes`, ratio: round(streaming.perSecond / base.perSecond, 3) });
  }
  // The machine is shared: other work running at the same time slows every figure down.
  rows.push({ name: 'machine load average (1 min) at start / at end', value: `${round(loadAtStart, 1)} / ${round(loadavg()[0]!, 1)}` });
  const largest = Math.max(...streamingAt.keys());
  const atLargest = streamingAt.get(largest)!;
  return writeReport({
    suite: 'scheduler',
    startedAt,
    machine: { cpus: cpus().length, node: process.versions.node },
    rows,
    targets: [
      {
        target: `end to end on ${largest.toLocaleString('en')} nodes, pods created while scheduling, >= ${FLOOR_PODS_PER_SECOND} pods/s (kube-scheduler's published floor, on 5,000 nodes)`,
        measured: `${atLargest} pods/s`,
        met: atLargest >= FLOOR_PODS_PER_SECOND,
      },
    ],
  });
}
