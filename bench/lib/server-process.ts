/**
 * Runs `k8ts server` as a child process for benchmarks (so its RSS and CPU are its own), and
 * gives a keep-alive HTTPS client authenticated with the admin certificate it generated.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

const K8TS = resolve(import.meta.dirname, '..', '..', 'bin', 'k8ts.js');

export interface HttpResult {
  readonly status: number;
  readonly body: string;
}

export interface BenchServer {
  readonly pid: number;
  /** The server's data directory (its PKI is in `<dataDir>/pki`). */
  readonly dataDir: string;
  readonly url: URL;
  readonly tls: { ca: string; cert: string; key: string };
  /** The apiserver's own serving certificate and key (PEM), for baselines that mimic it. */
  readonly serving: { certPem: string; keyPem: string };
  /** A keep-alive agent with at most `maxSockets` connections. */
  agent(maxSockets: number): Agent;
  /** One request to the server (or to `target`, another server reachable with the same TLS client). */
  call(agent: Agent, method: string, path: string, body?: unknown, contentType?: string, target?: URL): Promise<HttpResult>;
  /** Resident set size of the server process, in MiB. */
  rssMiB(): number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => (typeof address === 'object' && address !== null ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts `k8ts server` on a fresh data directory. `components`: its in-process components
 * (`--components`); `none` measures the apiserver alone, without controllers and a scheduler
 * writing status to the objects being measured.
 */
export async function startBenchServer(components = 'none'): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-bench-'));
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [K8TS, 'server', '--data-dir', dataDir, '--bind-address', '127.0.0.1', '--port', String(port), '--components', components], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const kubeconfigPath = join(dataDir, 'kubeconfig');
  const deadline = Date.now() + 60_000;
  while (!existsSync(kubeconfigPath)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`k8ts server did not start:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const kubeconfig = parse(readFileSync(kubeconfigPath, 'utf8')) as {
    clusters: Array<{ cluster: Record<string, string> }>;
    users: Array<{ user: Record<string, string> }>;
  };
  const b64 = (s: string | undefined): string => Buffer.from(s ?? '', 'base64').toString('utf8');
  const tls = {
    ca: b64(kubeconfig.clusters[0]!.cluster['certificate-authority-data']),
    cert: b64(kubeconfig.users[0]!.user['client-certificate-data']),
    key: b64(kubeconfig.users[0]!.user['client-key-data']),
  };
  const url = new URL(`https://127.0.0.1:${port}`);
  const server: BenchServer = {
    pid: child.pid!,
    dataDir,
    url,
    tls,
    serving: {
      certPem: readFileSync(join(dataDir, 'pki', 'apiserver.crt'), 'utf8'),
      keyPem: readFileSync(join(dataDir, 'pki', 'apiserver.key'), 'utf8'),
    },
    agent: (maxSockets) => new Agent({ keepAlive: true, maxSockets, ...tls }),
    call(agent, method, path, body, contentType = 'application/json', target = url) {
      return new Promise((resolveCall, reject) => {
        const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
        const req = request(
          { host: target.hostname, port: target.port, method, path, agent, headers: payload === undefined ? {} : { 'Content-Type': contentType } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolveCall({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(payload);
      });
    },
    rssMiB() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      return Math.round((kb / 1024) * 10) / 10;
    },
    async stop() {
      child.kill('SIGTERM');
      const exited = new Promise((r) => child.once('exit', r));
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  const readyDeadline = Date.now() + 60_000;
  const probe = server.agent(1);
  for (;;) {
    try {
      if ((await server.call(probe, 'GET', '/readyz')).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > readyDeadline) throw new Error(`k8ts server never became ready:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  probe.destroy();
  return server;
}
