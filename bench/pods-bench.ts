/**
 * The pods benchmark: a `k8ts server` (embedded SQLite store) and a `k8ts agent` (process
 * runtime), each its own process, as in a cluster.
 *
 *   - pod startup latency: create → phase Running seen by a watch, for pods bound directly with
 *     spec.nodeName (so no scheduler is involved), created at a steady 20 pods/s; next to the
 *     baseline of the same run: spawning the same command directly from Node (create → 'spawn');
 *   - a burst: the same pods created by 4 clients at once (throughput, and latency with queueing);
 *   - the agent's RSS idle (no pods) and with the pods running;
 *   - the RSS of a sim agent holding 1,000 simulated nodes, once all are Ready.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { podType } from '../src/api/core/v1/pod.ts';
import { nodeType } from '../src/api/core/v1/node.ts';
import type { KubeObject } from '../src/api/meta/types.ts';
import { Clientset, loadKubeconfig } from '../src/client/index.ts';
import { k8tsCommand, PROCESS_AGENT_NODE_OPTIONS } from '../src/cluster/k8ts-bin.ts';
import { buildKubeconfig, ensureCertificateAuthority, ensureKubeletServingCertificate } from '../src/pki/index.ts';
import { writeReport, type Row } from './lib/report.ts';
import { startBenchServer, type BenchServer } from './lib/server-process.ts';
import { runConcurrent, summarize } from './lib/stats.ts';

const PODS = 100;
const CONCURRENCY = Number(process.env.K8TS_BENCH_PODS_CONCURRENCY ?? 4);
const SIM_NODES = Number(process.env.K8TS_BENCH_SIM_NODES ?? 1000);
/** Pods per second for the startup-latency measurement (clusterloader2's density tests pace creation too). */
const PACED_RATE = 20;
const COMMAND = ['sleep', '3600'];
/** Where the agents listen: an address of their own, away from clusters on 127.10.x.x. */
const AGENT_IP = '127.99.0.1';
const SIM_AGENT_IP = '127.99.0.2';

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round((kb / 1024) * 10) / 10;
}

/**
 * Memory only this process holds (Private_Clean + Private_Dirty): RSS also counts the pages of
 * the node binary every Node process shares (some 35-50 MB), which one more agent does not add.
 */
function privateMiB(pid: number): number {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = ['Private_Clean', 'Private_Dirty'].reduce((sum, field) => sum + Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(rollup)?.[1] ?? 0), 0);
  return Math.round((kb / 1024) * 10) / 10;
}

async function until(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Starts `k8ts agent` for node `name` with a serving certificate from the server's CA, as a
 * cluster starts its agents: a JSON kubeconfig, the same Node options for the runtime.
 */
async function startAgent(server: BenchServer, name: string, ip: string, extra: string[]): Promise<{ child: ChildProcess; stderr: () => string }> {
  const pkiDir = join(server.dataDir, 'pki');
  const ca = await ensureCertificateAuthority(pkiDir, 'ca', 'k8ts-ca');
  const serving = await ensureKubeletServingCertificate(pkiDir, ca, { name, addresses: [ip] });
  const dataDir = join(server.dataDir, `agent-${name}`);
  mkdirSync(dataDir, { recursive: true });
  const admin = (await loadKubeconfig(join(server.dataDir, 'kubeconfig'))).options;
  const kubeconfig = join(dataDir, 'kubeconfig');
  writeFileSync(kubeconfig, buildKubeconfig({ name: 'bench', server: admin.endpoints[0]!, caPem: String(admin.ca), certPem: String(admin.cert), keyPem: String(admin.key) }, 'json'), { mode: 0o600 });
  const [node, ...args] = k8tsCommand([
    'agent',
    '--kubeconfig', kubeconfig,
    '--node-name', name,
    '--node-ip', ip,
    '--data-dir', dataDir,
    '--tls-cert-file', serving.certFile,
    '--tls-private-key-file', serving.keyFile,
    '--client-ca-file', join(pkiDir, 'ca.crt'),
    ...extra,
  ], extra[extra.indexOf('--runtime') + 1] === 'sim' ? [] : PROCESS_AGENT_NODE_OPTIONS);
  const child = spawn(node!, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return { child, stderr: () => stderr };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** The baseline: spawning the pods' command straight from Node, create → 'spawn'. */
async function spawnBaseline(): Promise<number[]> {
  const { latencies } = await runConcurrent(PODS, CONCURRENCY, async () => {
    const child = spawn(COMMAND[0]!, COMMAND.slice(1), { detached: true, stdio: 'ignore' });
    await new Promise<void>((r, j) => {
      child.once('spawn', r);
      child.once('error', j);
    });
    process.kill(-child.pid!, 'SIGKILL');
  });
  return latencies;
}

function pod(prefix: string, i: number, node: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `${prefix}-${i}`, namespace: 'default', labels: { bench: prefix } },
    spec: { nodeName: node, terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: 'busybox', command: COMMAND }] },
  };
}

export async function runPodsBench(): Promise<string> {
  const startedAt = new Date().toISOString();
  const rows: Row[] = [];
  const targets: Array<{ target: string; measured: string; met: boolean }> = [];
  const baseline = await spawnBaseline();
  const server = await startBenchServer('controller-manager');
  const clientset = Clientset.fromOptions({ endpoints: [server.url.toString()], ...server.tls });
  let agent: Awaited<ReturnType<typeof startAgent>> | undefined;
  let sim: Awaited<ReturnType<typeof startAgent>> | undefined;
  try {
    const kubeletPort = 10250;
    agent = await startAgent(server, 'bench-node', AGENT_IP, ['--pod-cidr', '127.99.1.0/24', '--kubelet-port', String(kubeletPort)]);
    const nodes = clientset.resource(nodeType);
    await until('the agent node to register', async () => (await nodes.list()).items.some((n) => n.metadata.name === 'bench-node'), 60_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${agent!.stderr()}`);
    });
    await new Promise((r) => setTimeout(r, 3000));
    const idleRss = rssMiB(agent.child.pid!);
    const idlePrivate = privateMiB(agent.child.pid!);

    const pods = clientset.resource(podType);
    /** Creates PODS pods the way `create` paces them; returns each one's create → Running latency and the wall time. */
    const measure = async (prefix: string, create: (make: (i: number) => Promise<void>) => Promise<void>): Promise<{ latencies: number[]; elapsedMs: number }> => {
      // Watch first, then create: every Running transition is seen with its time.
      const runningAt = new Map<string, number>();
      const watchAbort = new AbortController();
      const events = await pods.watch({ namespace: 'default', labelSelector: `bench=${prefix}`, signal: watchAbort.signal });
      const watching = (async () => {
        try {
          for await (const e of events) {
            const obj = e.object as KubeObject;
            const name = obj.metadata.name ?? '';
            if ((obj.status as { phase?: string } | undefined)?.phase === 'Running' && !runningAt.has(name)) runningAt.set(name, performance.now());
          }
        } catch {
          // the watch ends when aborted
        }
      })();
      const createdAt = new Map<string, number>();
      const t0 = performance.now();
      await create(async (i) => {
        createdAt.set(`${prefix}-${i}`, performance.now());
        await pods.create(pod(prefix, i, 'bench-node'));
      });
      await until(`${PODS} pods Running`, async () => runningAt.size >= PODS, 120_000);
      const elapsedMs = performance.now() - t0;
      watchAbort.abort();
      await watching;
      return { latencies: [...createdAt].map(([name, at]) => runningAt.get(name)! - at), elapsedMs };
    };
    const deleteAll = async (prefix: string): Promise<void> => {
      await pods.deleteCollection({ namespace: 'default', labelSelector: `bench=${prefix}` });
      await until('the bench pods to be deleted', async () => (await pods.list({ namespace: 'default', labelSelector: `bench=${prefix}` })).items.length === 0, 120_000);
    };

    // The startup latency the SLO speaks of: pods arriving at a steady rate.
    const paced = await measure('paced', async (make) => {
      const started = performance.now();
      await Promise.all(
        Array.from({ length: PODS }, async (_, i) => {
          await new Promise((r) => setTimeout(r, Math.max(0, started + (i * 1000) / PACED_RATE - performance.now())));
          await make(i);
        }),
      );
    });
    const s = summarize(paced.latencies, paced.elapsedMs);
    const b = summarize(baseline, paced.elapsedMs);
    rows.push({ name: `pod startup at ${PACED_RATE} pods/s, create → Running seen by a watch (${PODS} pods bound by spec.nodeName, no scheduler)`, 'p50 ms': s.p50Ms, 'p90 ms': s.p90Ms, 'p99 ms': s.p99Ms, 'max ms': s.maxMs });
    rows.push({ name: `baseline: spawn ${COMMAND.join(' ')} directly (${PODS}, ${CONCURRENCY} at a time)`, 'p50 ms': b.p50Ms, 'p90 ms': b.p90Ms, 'p99 ms': b.p99Ms, 'max ms': b.maxMs });
    rows.push({ name: 'pod startup p50 / direct spawn p50', value: Math.round((s.p50Ms / Math.max(b.p50Ms, 0.01)) * 10) / 10 });
    const busyRss = rssMiB(agent.child.pid!);
    await deleteAll('paced');

    // A burst: as many pods as 4 clients can create; the latency then includes queueing.
    const burst = await measure('burst', (make) => runConcurrent(PODS, CONCURRENCY, make).then(() => undefined));
    const u = summarize(burst.latencies, burst.elapsedMs);
    rows.push({ name: `burst: ${PODS} pods created by ${CONCURRENCY} clients at once, create → Running`, 'p50 ms': u.p50Ms, 'p90 ms': u.p90Ms, 'p99 ms': u.p99Ms, 'max ms': u.maxMs, 'pods/s': Math.round((PODS / burst.elapsedMs) * 1000) });
    await deleteAll('burst');
    rows.push({ name: 'agent RSS idle, no pods (MiB)', value: idleRss });
    rows.push({ name: 'agent private memory idle, no pods (MiB; RSS without the shared node binary pages)', value: idlePrivate });
    rows.push({ name: `agent RSS with ${PODS} pods running (MiB)`, value: busyRss });
    await stopChild(agent.child);
    agent = undefined;

    sim = await startAgent(server, 'sim', SIM_AGENT_IP, ['--pod-cidr', '127.128.0.0/10', '--runtime', 'sim', '--sim-nodes', String(SIM_NODES), '--kubelet-port', String(kubeletPort)]);
    const simStart = performance.now();
    await until(`${SIM_NODES} simulated nodes Ready`, async () => {
      const list = await nodes.list({ labelSelector: 'type.k8ts.io/sim=true' });
      return list.items.filter((n) => (n.status as { conditions?: Array<{ type: string; status: string }> }).conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length >= SIM_NODES;
    }, 300_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${sim!.stderr().slice(-2000)}`);
    });
    const registered = performance.now() - simStart;
    await new Promise((r) => setTimeout(r, 5000));
    const simRss = rssMiB(sim.child.pid!);
    const simPrivate = privateMiB(sim.child.pid!);
    rows.push({ name: `sim agent with ${SIM_NODES} nodes: time until all Ready (s)`, value: Math.round(registered / 100) / 10 });
    rows.push({ name: `sim agent RSS with ${SIM_NODES} nodes, leases renewing (MiB)`, value: simRss });
    rows.push({ name: `sim agent private memory with ${SIM_NODES} nodes (MiB)`, value: simPrivate });
    rows.push({ name: 'apiserver RSS at the end (MiB)', value: server.rssMiB() });

    targets.push({ target: 'pod startup p99 <= 1 s (Kubernetes SLO: 5 s)', measured: `${s.p99Ms} ms (p50 ${s.p50Ms} ms)`, met: s.p99Ms <= 1000 });
    targets.push({ target: 'idle agent RSS <= 60 MB', measured: `${idleRss} MiB (private ${idlePrivate} MiB)`, met: idleRss * 1.048576 <= 60 });
  } finally {
    if (agent !== undefined) await stopChild(agent.child);
    if (sim !== undefined) await stopChild(sim.child);
    clientset.close();
    // The agent leaves pods running by design; none are left (all were deleted), and the server goes.
    await server.stop();
  }
  return writeReport({ suite: 'pods', startedAt, machine: { cpus: cpus().length, node: process.versions.node }, rows, targets });
}

