/**
 * Processes a cluster runs in the background: started detached (they outlive the `k8ts`
 * command that started them), output appended to `<dir>/logs/<name>.log`, and recorded in
 * `<dir>/run/<name>.json` with their PID and full command line.
 *
 * A PID alone is not proof of identity: after a process exits, the system may give its PID to
 * an unrelated one. So before reporting a process alive or signalling it, its current command
 * line (/proc/<pid>/cmdline, or `ps` where there is no /proc) is compared with the recorded one;
 * a process whose command line differs is never touched.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { ensurePrivateDir, writePrivateFile } from '../pki/index.ts';

/** What `<dir>/run/<name>.json` holds. */
export interface ProcessRecord {
  /** The process's role in the cluster, e.g. `server`; also names its log and record files. */
  readonly name: string;
  readonly pid: number;
  /** The full command line, executable first, exactly as it was started. */
  readonly argv: readonly string[];
  readonly logFile: string;
  /** ISO 8601. */
  readonly startedAt: string;
  /** A URL that answers 200 once the process is ready (probed with the cluster's admin credentials). */
  readonly readyUrl?: string;
}

/** How a process ended: its exit code, or the signal that killed it. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A process this command started; the handle lives only as long as the `k8ts` command. */
export interface StartedProcess {
  readonly record: ProcessRecord;
  /** Size of the log file before the process started: its own output begins here. */
  readonly logOffset: number;
  /** How it exited, once it has (seen while this command still runs). */
  exit(): ProcessExit | undefined;
  /** Lets this command exit while the process runs on. */
  detach(): void;
}

export interface StartOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly readyUrl?: string;
}

const runDir = (dir: string): string => join(dir, 'run');
const recordPath = (dir: string, name: string): string => join(runDir(dir), `${name}.json`);

/** Starts `argv` detached, its stdout and stderr appended to `<dir>/logs/<name>.log`, and records it. */
export async function startDetached(dir: string, name: string, argv: readonly string[], opts: StartOptions): Promise<StartedProcess> {
  const [command, ...args] = argv;
  if (command === undefined) throw new Error('startDetached: empty command line');
  await ensurePrivateDir(join(dir, 'logs'));
  await ensurePrivateDir(runDir(dir));
  const logFile = join(dir, 'logs', `${name}.log`);
  const log = await open(logFile, 'a', 0o600);
  let logOffset: number;
  let child: ReturnType<typeof spawn>;
  try {
    logOffset = (await log.stat()).size;
    await log.write(`--- ${new Date().toISOString()} starting: ${argv.join(' ')}\n`);
    child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, detached: true, stdio: ['ignore', log.fd, log.fd] });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
  } finally {
    await log.close();
  }
  let exited: ProcessExit | undefined;
  child.once('exit', (code, signal) => (exited = { code, signal }));
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${command} did not start`);
  const record: ProcessRecord = {
    name,
    pid,
    argv: [...argv],
    logFile,
    startedAt: new Date().toISOString(),
    ...(opts.readyUrl === undefined ? {} : { readyUrl: opts.readyUrl }),
  };
  await writePrivateFile(recordPath(dir, name), `${JSON.stringify(record, null, 2)}\n`);
  return { record, logOffset, exit: () => exited, detach: () => child.unref() };
}

/** Every process record of the cluster in `dir`, in name order. */
export async function readProcessRecords(dir: string): Promise<ProcessRecord[]> {
  const files = (await readdir(runDir(dir)).catch(() => [] as string[])).filter((f) => f.endsWith('.json')).sort();
  const records: ProcessRecord[] = [];
  for (const file of files) {
    try {
      const value = JSON.parse(await readFile(join(runDir(dir), file), 'utf8')) as Partial<ProcessRecord>;
      if (typeof value.pid === 'number' && Array.isArray(value.argv) && typeof value.name === 'string') records.push(value as ProcessRecord);
    } catch {
      // A record cut short by a crash names no process we could safely signal; skip it.
    }
  }
  return records;
}

export async function removeProcessRecord(dir: string, name: string): Promise<void> {
  await rm(recordPath(dir, name), { force: true });
}

const execFileAsync = promisify(execFile);

/** The command line of `pid` now, or undefined when there is no such (live) process. */
async function currentCommandLine(pid: number): Promise<string[] | undefined> {
  if (existsSync('/proc/self/cmdline')) {
    try {
      const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8');
      // A zombie (exited, not yet reaped) has an empty command line: it is not running.
      if (raw === '') return undefined;
      return raw.replace(/\0$/, '').split('\0');
    } catch {
      return undefined;
    }
  }
  try {
    const { stdout } = await execFileAsync('ps', ['-o', 'args=', '-p', String(pid)]);
    const line = stdout.trim();
    return line === '' ? undefined : [line];
  } catch {
    return undefined;
  }
}

/** Whether the recorded process is running: its PID is alive and runs the recorded command line. */
export async function isRecordedProcessRunning(record: ProcessRecord): Promise<boolean> {
  const current = await currentCommandLine(record.pid);
  if (current === undefined) return false;
  // Without /proc, `ps` gives the command line as one space-joined string.
  const expected = current.length === 1 && record.argv.length > 1 ? [record.argv.join(' ')] : record.argv;
  return current.length === expected.length && current.every((arg, i) => arg === expected[i]);
}

export type StopOutcome = 'stopped' | 'killed' | 'not-running';

/**
 * Stops a recorded process: SIGTERM, up to `graceMs` for it to exit, then SIGKILL. Signals only
 * a process that `isRecordedProcessRunning` confirms is the recorded one.
 */
export async function stopRecordedProcess(record: ProcessRecord, graceMs = 20_000, killWaitMs = 5_000): Promise<StopOutcome> {
  if (!(await isRecordedProcessRunning(record))) return 'not-running';
  if (!signal(record.pid, 'SIGTERM')) return 'not-running';
  if (await waitUntilGone(record, graceMs)) return 'stopped';
  if (!(await isRecordedProcessRunning(record))) return 'stopped';
  signal(record.pid, 'SIGKILL');
  if (await waitUntilGone(record, killWaitMs)) return 'killed';
  throw new Error(`process ${record.pid} (${record.name}) survived SIGKILL for ${killWaitMs / 1000}s`);
}

/** Sends `sig`; false when the process is already gone. */
function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

async function waitUntilGone(record: ProcessRecord, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await isRecordedProcessRunning(record))) return true;
    await sleep(100);
  }
  return !(await isRecordedProcessRunning(record));
}

/** The last `maxLines` lines of `file` from byte `fromOffset` on ('' when it cannot be read). */
export async function logTail(file: string, fromOffset = 0, maxLines = 40): Promise<string> {
  try {
    const size = (await stat(file)).size;
    // Read at most the last 64 KiB: enough for the lines wanted, whatever the log's size.
    const start = Math.max(fromOffset, size - 64 * 1024);
    const handle = await open(file, 'r');
    try {
      const buffer = Buffer.alloc(Math.max(0, size - start));
      await handle.read(buffer, 0, buffer.length, start);
      const lines = buffer.toString('utf8').split('\n');
      if (lines.at(-1) === '') lines.pop();
      return lines.slice(-maxLines).join('\n');
    } finally {
      await handle.close();
    }
  } catch {
    return '';
  }
}

