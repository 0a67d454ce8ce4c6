/**
 * HAProxy as the load balancer (`k8ts lb --engine haproxy`), supervised by the `k8ts lb`
 * process: it writes the configuration (haproxy-config.ts), runs `haproxy -W -db` (master-worker,
 * in the foreground) as its child, restarts it when it dies unexpectedly (backing off up to 5 s),
 * reloads it on a backend change (the master re-reads the configuration on SIGUSR2 and replaces
 * its worker; connections of the old worker are kept), reads the servers' states from its stats
 * socket, and stops it on close.
 *
 * HAProxy writes its master's PID to `<runDir>/haproxy.pid`: if the supervisor itself is killed
 * with SIGKILL (so it cannot stop its child), whoever cleans up finds the orphan there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Backend } from './backends.ts';
import type { BackendStatus } from './backend-pool.ts';
import type { RunningLoadBalancer } from './builtin-balancer.ts';
import { renderHaproxyConfig } from './haproxy-config.ts';

export interface HaproxyBalancerOptions {
  readonly bindAddress: string;
  readonly port: number;
  readonly backends: readonly Backend[];
  readonly caFile: string;
  /** Configuration, stats socket and PID file go here. */
  readonly runDir: string;
  /** @default 'haproxy' (on PATH) */
  readonly binary?: string;
  readonly intervalMs?: number;
  readonly timeoutMs?: number;
  readonly rise?: number;
  readonly fall?: number;
  readonly log?: (message: string) => void;
}

/** The files of a supervised HAProxy in `runDir`. */
export function haproxyFiles(runDir: string): { config: string; statsSocket: string; pidFile: string } {
  return { config: join(runDir, 'haproxy.cfg'), statsSocket: join(runDir, 'haproxy.sock'), pidFile: join(runDir, 'haproxy.pid') };
}

/** Sends one command to the stats socket and returns the answer. */
function statsCommand(socketPath: string, command: string, timeoutMs = 1000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let text = '';
    const timer = setTimeout(() => socket.destroy(new Error(`no answer from ${socketPath} within ${timeoutMs} ms`)), timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${command}\n`));
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => {
      clearTimeout(timer);
      resolve(text);
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** The servers of backend `apiservers` from `show stat` CSV. */
export function parseHaproxyStats(csv: string, backends: readonly Backend[]): BackendStatus[] {
  const lines = csv.split('\n').filter((l) => l.trim() !== '');
  const header = lines[0]?.replace(/^# /, '').split(',') ?? [];
  const col = (row: string[], name: string): string => row[header.indexOf(name)] ?? '';
  const now = Date.now();
  const out: BackendStatus[] = [];
  for (const line of lines.slice(1)) {
    const row = line.split(',');
    if (col(row, 'pxname') !== 'apiservers' || ['BACKEND', 'FRONTEND'].includes(col(row, 'svname'))) continue;
    const name = col(row, 'svname');
    const status = col(row, 'status');
    const up = status.startsWith('UP');
    const backend = backends.find((b) => b.name === name);
    const lastChange = Number(col(row, 'lastchg'));
    const checkStatus = col(row, 'check_status');
    const detail = [checkStatus, col(row, 'check_code'), col(row, 'check_desc')].filter((s) => s !== '').join(' ');
    out.push({
      name,
      address: backend === undefined ? col(row, 'addr') : `${backend.host}:${backend.port}`,
      up,
      reason: up ? 'ready' : `${status.toLowerCase()}: ${detail}`,
      since: new Date(now - (Number.isFinite(lastChange) ? lastChange * 1000 : 0)).toISOString(),
      connections: Number(col(row, 'scur')) || 0,
      lastCheck: { outcome: checkStatus.startsWith('L7OK') ? 'ready' : checkStatus.startsWith('L7') ? 'unready' : 'unreachable', detail, at: new Date(now).toISOString() },
    });
  }
  return out;
}

export async function startHaproxyBalancer(opts: HaproxyBalancerOptions): Promise<RunningLoadBalancer> {
  const files = haproxyFiles(opts.runDir);
  const log = opts.log ?? (() => {});
  let backends = [...opts.backends];
  let child: ChildProcess | undefined;
  let closing = false;
  let restartDelay = 200;

  const writeConfig = async (): Promise<void> => {
    await writeFile(files.config, renderHaproxyConfig({ ...opts, backends, statsSocket: files.statsSocket, pidFile: files.pidFile }), { mode: 0o600 });
  };

  const launch = (): ChildProcess => {
    const proc = spawn(opts.binary ?? 'haproxy', ['-W', '-db', '-f', files.config], { stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [proc.stdout, proc.stderr]) createInterface({ input: stream }).on('line', (line) => log(`haproxy: ${line}`));
    proc.once('exit', (code, signal) => {
      if (closing || child !== proc) return;
      log(`haproxy exited (${signal ?? `code ${code}`}); restarting in ${restartDelay} ms`);
      setTimeout(() => {
        if (closing) return;
        child = launch();
      }, restartDelay).unref();
      restartDelay = Math.min(restartDelay * 2, 5000);
    });
    proc.once('error', (err) => log(`haproxy could not be started: ${err.message}`));
    return proc;
  };

  await writeConfig();
  await rm(files.statsSocket, { force: true });
  child = launch();
  // Ready once the stats socket answers (the worker has loaded the configuration and bound the port).
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      await statsCommand(files.statsSocket, 'show info');
      break;
    } catch (err) {
      if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
        closing = true;
        child.kill('SIGKILL');
        throw new Error(`haproxy did not start (${child.exitCode !== null ? `exit code ${child.exitCode}` : (err as Error).message}); see its output in the log`, { cause: err });
      }
      await sleep(100);
    }
  }
  restartDelay = 200;
  log(`haproxy running (pid ${child.pid}), config ${files.config}`);

  return {
    listen: `${opts.bindAddress}:${opts.port}`,
    status: async () => parseHaproxyStats(await statsCommand(files.statsSocket, 'show stat'), backends),
    async setBackends(next) {
      backends = [...next];
      await writeConfig();
      child?.kill('SIGUSR2');
      log(`haproxy reloading with ${backends.length} backends`);
    },
    async close() {
      closing = true;
      const proc = child;
      if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = once(proc, 'exit');
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
