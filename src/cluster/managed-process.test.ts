import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isRecordedProcessRunning, logTail, readProcessRecords, startDetached, stopRecordedProcess, type StartedProcess } from './managed-process.ts';

const root = mkdtempSync(join(tmpdir(), 'k8ts-process-test-'));
const started: StartedProcess[] = [];
after(async () => {
  for (const p of started) {
    try {
      process.kill(p.record.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(root, { recursive: true, force: true });
});
let counter = 0;
const freshDir = (): string => join(root, `cluster-${++counter}`);

/** Starts `node -e <script>` detached and remembers it for cleanup. */
async function startNode(dir: string, name: string, script: string): Promise<StartedProcess> {
  const p = await startDetached(dir, name, [process.execPath, '-e', script], { cwd: dir });
  started.push(p);
  return p;
}

async function eventually(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

// Outputs are built at run time so the log's header line (which shows the script) cannot match them.
const RUN_FOREVER = "console.log(['hello', 'from', 'child'].join('-')); setInterval(() => {}, 1000);";

describe('managed processes', () => {
  it('starts a detached process, records it, logs its output, and stops it with SIGTERM', async () => {
    const dir = freshDir();
    const p = await startNode(dir, 'server', RUN_FOREVER);
    const [record] = await readProcessRecords(dir);
    assert.deepEqual(record, p.record);
    assert.equal(await isRecordedProcessRunning(p.record), true);
    await eventually('the output in the log', () => readFileSync(p.record.logFile, 'utf8').includes('hello-from-child'));
    assert.equal(await stopRecordedProcess(p.record), 'stopped');
    assert.equal(await isRecordedProcessRunning(p.record), false);
    assert.equal(await stopRecordedProcess(p.record), 'not-running');
  });

  it('kills a process that ignores SIGTERM once the grace period is over', async () => {
    const dir = freshDir();
    const p = await startNode(dir, 'stubborn', "process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log(['handler', 'armed'].join('-')); setInterval(() => {}, 1000);");
    await eventually('the handler to be installed', () => readFileSync(p.record.logFile, 'utf8').includes('handler-armed'));
    assert.equal(await stopRecordedProcess(p.record, 300), 'killed');
    await eventually('the exit to be seen', () => p.exit() !== undefined);
    assert.deepEqual(p.exit(), { code: null, signal: 'SIGKILL' });
  });

  it('never signals a PID that now runs another command line', async () => {
    const dir = freshDir();
    const p = await startNode(dir, 'server', RUN_FOREVER);
    // The same PID with another recorded command line: what a recycled PID looks like.
    const recycled = { ...p.record, argv: [process.execPath, 'some-other-program'] };
    assert.equal(await isRecordedProcessRunning(recycled), false);
    assert.equal(await stopRecordedProcess(recycled, 300), 'not-running');
    assert.equal(alive(p.record.pid), true);
    assert.equal(await stopRecordedProcess(p.record), 'stopped');
  });

  it('reports how a process exited, and the log lines of this start only', async () => {
    const dir = freshDir();
    const first = await startNode(dir, 'server', "console.log(['first', 'run'].join(' ')); process.exit(0)");
    await eventually('the first run to exit', () => first.exit() !== undefined);
    const second = await startNode(dir, 'server', "console.error(['second', 'run', 'failed'].join(' ')); process.exit(3)");
    await eventually('the second run to exit', () => second.exit() !== undefined);
    assert.deepEqual(second.exit(), { code: 3, signal: null });
    assert.equal(await isRecordedProcessRunning(second.record), false);
    const tail = await logTail(second.record.logFile, second.logOffset);
    assert.match(tail, /^second run failed$/m);
    assert.doesNotMatch(tail, /^first run$/m);
    assert.match(await logTail(second.record.logFile), /^first run$[\s\S]*^second run failed$/m);
  });

  it('keeps only the last lines of a long log', async () => {
    const dir = freshDir();
    const file = join(dir, 'long.log');
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, Array.from({ length: 500 }, (_, i) => `line ${i}`).join('\n') + '\n');
    assert.equal(await logTail(file, 0, 3), 'line 497\nline 498\nline 499');
    assert.equal(await logTail(join(dir, 'missing.log')), '');
  });

  it('skips unreadable process records', async () => {
    const dir = freshDir();
    const p = await startNode(dir, 'server', "process.exit(0)");
    writeFileSync(join(dir, 'run', 'broken.json'), '{"pid": 12');
    const records = await readProcessRecords(dir);
    assert.deepEqual(
      records.map((r) => r.name),
      ['server'],
    );
    await eventually('exit', () => p.exit() !== undefined);
  });
});
