/**
 * `k8ts agent` as its own process joining a `k8ts up` cluster, the way HA clusters start worker
 * nodes: a process-runtime worker at its own node address (certificates from the cluster CA via
 * src/pki), and a sim agent holding several simulated nodes. kubectl reaches the worker's pods
 * (logs, exec) through the apiserver; stopping the agent leaves its pods running, and
 * `stopPodProcesses` on its data directory ends them.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stopPodProcesses } from '../../src/kubelet/index.ts';
import { buildKubeconfig, ensureCertificateAuthority, ensureKubeletServingCertificate, ensureNodeClientCertificate } from '../../src/pki/index.ts';
import { eventually, startCliCluster, type CliCluster } from '../support/cli-cluster.ts';

const K8TS = resolve(import.meta.dirname, '..', '..', 'bin', 'k8ts.js');

function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('k8ts agent joining a cluster', () => {
  let cluster: CliCluster;
  let index: number;
  const agents: ChildProcess[] = [];
  let workerDir: string;

  /** Certificates, kubeconfig and data dir for node `name` at `ip`, like an HA setup writes them. */
  async function nodeFiles(name: string, ip: string): Promise<string[]> {
    const clusterDir = join(cluster.env.K8TS_HOME!, cluster.name);
    const pkiDir = join(clusterDir, 'pki');
    const ca = await ensureCertificateAuthority(pkiDir, 'ca', 'k8ts-ca');
    const serving = await ensureKubeletServingCertificate(pkiDir, ca, { name, addresses: [ip] });
    const client = await ensureNodeClientCertificate(pkiDir, ca, name);
    const dir = join(cluster.home, name);
    mkdirSync(dir, { recursive: true });
    const record = JSON.parse(readFileSync(join(clusterDir, 'cluster.json'), 'utf8')) as { apiServer: { address: string; port: number } };
    const server = `https://${record.apiServer.address}:${record.apiServer.port}`;
    writeFileSync(join(dir, 'kubeconfig'), buildKubeconfig({ name, server, caPem: ca.pem.certPem, certPem: client.certPem, keyPem: client.keyPem }), { mode: 0o600 });
    return [
      '--kubeconfig', join(dir, 'kubeconfig'),
      '--server', server,
      '--node-name', name,
      '--node-ip', ip,
      '--data-dir', join(dir, 'data'),
      '--tls-cert-file', serving.certFile,
      '--tls-private-key-file', serving.keyFile,
      '--client-ca-file', join(pkiDir, 'ca.crt'),
    ];
  }

  function startAgent(args: string[]): ChildProcess {
    const child = spawn(process.execPath, [K8TS, 'agent', ...args], { env: cluster.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    child.on('exit', (code) => {
      if (code !== 0 && code !== null) process.stderr.write(`agent exited ${code}:\n${log}\n`);
    });
    agents.push(child);
    return child;
  }

  async function stopAgent(child: ChildProcess): Promise<number | null> {
    if (child.exitCode !== null) return child.exitCode;
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    return exited;
  }

  before(async () => {
    cluster = await startCliCluster(`e2e-agent-${process.pid}`);
    const record = JSON.parse(readFileSync(join(cluster.env.K8TS_HOME!, cluster.name, 'cluster.json'), 'utf8')) as { index: number };
    index = record.index;
  });
  after(async () => {
    for (const a of agents) await stopAgent(a);
    if (workerDir !== undefined) await stopPodProcesses(workerDir, 2000);
    await cluster?.stop();
  });

  it('refuses a call without the required flags, naming them (exit code 2)', async () => {
    const r = await cluster.k8ts(['agent', '--node-name', 'x']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--kubeconfig is required/);
    const bad = await cluster.k8ts(['agent', '--kubeconfig', K8TS, '--node-name', 'x', '--node-ip', '127.0.0.1', '--pod-cidr', '10.0.0.0/33']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--pod-cidr must be an IPv4 CIDR/);
  });

  it('runs a process-runtime worker whose pods kubectl reaches through the apiserver', async () => {
    const ip = `127.10.${index}.11`;
    const args = await nodeFiles('worker-1', ip);
    workerDir = args[args.indexOf('--data-dir') + 1]!;
    startAgent([...args, '--pod-cidr', `127.${20 + index}.11.0/24`, '--node-labels', 'tier=workers']);
    await eventually('worker-1 Ready', async () => ((await cluster.kubectl(['get', 'node', 'worker-1'])).stdout.match(/worker-1\s+Ready/) ? true : undefined), 60_000);
    const labels = (await cluster.kubectl(['get', 'node', 'worker-1', '-o', 'jsonpath={.metadata.labels.tier}'])).stdout;
    assert.equal(labels, 'workers');
    const run = await cluster.kubectl(['run', 'on-worker', '--image=busybox', '--overrides={"spec":{"nodeName":"worker-1"}}', '--command', '--', 'sh', '-c', 'echo hello from worker; sleep 3600']);
    assert.equal(run.code, 0, run.stderr);
    await eventually('the pod on worker-1 to run', async () => ((await cluster.kubectl(['get', 'pod', 'on-worker'])).stdout.includes('Running') ? true : undefined), 60_000);
    const ipOut = (await cluster.kubectl(['get', 'pod', 'on-worker', '-o', 'jsonpath={.status.podIP} {.status.hostIP}'])).stdout;
    assert.equal(ipOut, `127.${20 + index}.11.2 ${ip}`);
    await eventually('its log', async () => ((await cluster.kubectl(['logs', 'on-worker'])).stdout === 'hello from worker\n' ? true : undefined));
    const exec = await cluster.kubectl(['exec', 'on-worker', '--', 'sh', '-c', 'exit 4']);
    assert.equal(exec.code, 4);
  });

  it('runs a sim agent holding several simulated nodes', async () => {
    const args = await nodeFiles('sim', `127.10.${index}.12`);
    startAgent([...args, '--pod-cidr', '127.250.0.0/16', '--runtime', 'sim', '--sim-nodes', '5', '--sim-start-delay', '0.2']);
    await eventually('5 simulated nodes Ready', async () => {
      const out = (await cluster.kubectl(['get', 'nodes', '-l', 'type.k8ts.io/sim=true', '--no-headers'])).stdout;
      return out.split('\n').filter((l) => /\sReady\s/.test(l)).length === 5 ? true : undefined;
    }, 60_000);
    await cluster.kubectl(['run', 'on-sim', '--image=nginx', '--overrides={"spec":{"nodeName":"sim-4"}}']);
    await eventually('the simulated pod to run', async () => ((await cluster.kubectl(['get', 'pod', 'on-sim'])).stdout.match(/on-sim\s+1\/1\s+Running/) ? true : undefined), 30_000);
    const del = await cluster.kubectl(['delete', 'pod', 'on-sim', '--timeout=30s']);
    assert.equal(del.code, 0, del.stderr);
  });

  it('leaves pods running when the agent stops, until stopPodProcesses ends them', async () => {
    const id = (await cluster.kubectl(['get', 'pod', 'on-worker', '-o', 'jsonpath={.status.containerStatuses[0].containerID}'])).stdout;
    const pid = Number(id.replace('process://', ''));
    assert.ok(alive(pid));
    const worker = agents[0]!;
    assert.equal(await stopAgent(worker), 0);
    assert.ok(alive(pid), 'an agent stop leaves the pod process running');
    assert.equal(await stopPodProcesses(workerDir, 5000), 1);
    await eventually('the pod process to be gone', async () => (alive(pid) ? undefined : true));
  });
});
