import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from '../../api-types.ts';
import { waitFor } from '../../../client/testing/index.ts';
import { StartError } from '../runtime.ts';
import { groupHasProcesses } from './process-group.ts';
import { ProcessRuntime, resolveExecutable, stopPodProcesses } from './process-runtime.ts';

const root = mkdtempSync(join(tmpdir(), 'k8ts-process-runtime-test-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

/** These pods project no tokens. */
const NO_TOKENS = {
  tokens: { token: async () => assert.fail('no token expected'), forget: () => undefined },
  inClusterApiServer: () => undefined,
};

function setup(): { runtime: ProcessRuntime; dataDir: string; pod: Pod } {
  const dataDir = join(root, `node-${++n}`);
  const runtime = new ProcessRuntime({
    dataDir,
    config: { configMap: async () => undefined, secret: async () => undefined },
    ...NO_TOKENS,
    nodeAllocatable: { cpu: '1', memory: '1Gi' },
    hostIP: '127.0.0.1',
    version: 'process://test',
  });
  const pod: Pod = { metadata: { name: 'p', namespace: 'default', uid: `uid-${n}` }, spec: { containers: [{ name: 'c', command: ['sh'] }] } };
  return { runtime, dataDir, pod };
}

const pidOf = (containerID: string): number => Number(containerID.replace('process://', ''));

describe('ProcessRuntime', () => {
  it('runs a command as a process group with its env, logs its output and reports its exit code', async () => {
    const { runtime, pod } = setup();
    const sandbox = await runtime.preparePod(pod, '127.0.0.1');
    assert.equal(sandbox.baseEnv.get('POD_IP'), '127.0.0.1');
    assert.equal(sandbox.baseEnv.get('HOSTNAME'), 'p');
    const env = new Map([...sandbox.baseEnv, ['GREETING', 'hi']]);
    const handle = await runtime.startContainer(pod, { name: 'c', instance: 0, argv: ['sh', '-c', 'echo "$GREETING from $HOSTNAME"; echo oops >&2; exit 3'], env, workingDir: undefined });
    assert.match(handle.containerID, /^process:\/\/\d+$/);
    const exit = await handle.exited;
    assert.equal(exit.exitCode, 3);
    assert.equal(exit.reason, 'Error');
    assert.equal(readFileSync(handle.logPath, 'utf8'), 'hi from p\noops\n');
    assert.equal(groupHasProcesses(pidOf(handle.containerID)), false);
  });

  it('stops with SIGTERM, and SIGKILLs a process that ignores it once the grace period is over', async () => {
    const { runtime, pod } = setup();
    const sandbox = await runtime.preparePod(pod, '127.0.0.1');
    const polite = await runtime.startContainer(pod, { name: 'c', instance: 0, argv: ['sh', '-c', 'trap "exit 0" TERM; echo ready; while :; do sleep 0.05; done'], env: sandbox.baseEnv, workingDir: undefined });
    await waitFor(() => readFileSync(polite.logPath, 'utf8').includes('ready'), 'the container to set its trap');
    assert.equal((await polite.stop(30_000)).exitCode, 0);
    const stubborn = await runtime.startContainer(pod, { name: 'c', instance: 1, argv: ['sh', '-c', 'trap "" TERM; echo ready; sleep 1000 & wait'], env: sandbox.baseEnv, workingDir: undefined });
    await waitFor(() => readFileSync(stubborn.logPath, 'utf8').includes('ready'), 'the container to ignore TERM');
    const exit = await stubborn.stop(200);
    assert.equal(exit.exitCode, 137);
    assert.equal(groupHasProcesses(pidOf(stubborn.containerID)), false, 'background children die with the container');
  });

  it('refuses to start a command that is not found or a working directory that does not exist', async () => {
    const { runtime, pod } = setup();
    const sandbox = await runtime.preparePod(pod, '127.0.0.1');
    await assert.rejects(runtime.startContainer(pod, { name: 'c', instance: 0, argv: ['no-such-cmd-k8ts'], env: sandbox.baseEnv, workingDir: undefined }), (err: Error) => {
      assert.ok(err instanceof StartError);
      assert.equal(err.message, 'exec: "no-such-cmd-k8ts": executable file not found in $PATH');
      return true;
    });
    await assert.rejects(runtime.startContainer(pod, { name: 'c', instance: 0, argv: ['sh'], env: sandbox.baseEnv, workingDir: '/no/such/dir' }), /working directory "\/no\/such\/dir" does not exist/);
    assert.equal(resolveExecutable('sh', '/nonexistent:/bin', '/'), '/bin/sh');
  });

  it('lets a restarted kubelet adopt a running instance, learn its exit code, and stop pods for k8ts down', async () => {
    const { runtime, dataDir, pod } = setup();
    const sandbox = await runtime.preparePod(pod, '127.0.0.1');
    const first = await runtime.startContainer(pod, { name: 'c', instance: 0, argv: ['sh', '-c', 'read x < "$K8TS_TEST_FIFO"; exit 5'], env: new Map([...sandbox.baseEnv, ['K8TS_TEST_FIFO', '/dev/null']]), workingDir: undefined });
    await first.exited;
    const running = await runtime.startContainer(pod, { name: 'c', instance: 1, argv: ['sh', '-c', 'trap "exit 7" TERM; echo ready; while :; do sleep 0.05; done'], env: sandbox.baseEnv, workingDir: undefined });
    await waitFor(() => readFileSync(running.logPath, 'utf8').includes('ready'), 'the container to set its trap');
    await runtime.saveContainers(pod, '127.0.0.1', [{ name: 'c', init: false, state: { restartCount: 1, lastExit: await first.exited, previousExit: undefined } }]);

    // A new runtime over the same directory plays the restarted kubelet.
    const again = new ProcessRuntime({ dataDir, config: { configMap: async () => undefined, secret: async () => undefined }, ...NO_TOKENS, nodeAllocatable: {}, hostIP: '127.0.0.1', version: 'process://test' });
    const [recovered] = await again.recoverPods();
    assert.equal(recovered?.uid, pod.metadata.uid);
    assert.equal(recovered?.podIP, '127.0.0.1');
    assert.equal(recovered?.containers[0]?.state.restartCount, 1);
    const adopted = recovered.running.get('c')!;
    assert.equal(adopted.containerID, running.containerID);
    assert.equal(adopted.env.get('HOSTNAME'), 'p');

    assert.equal(await stopPodProcesses(dataDir, 5_000), 1);
    const exit = await adopted.exited;
    assert.equal(exit.exitCode, 7, 'the exit code comes from the shim even for an instance we did not spawn');
    await waitFor(() => !groupHasProcesses(pidOf(running.containerID)), 'the group to be gone');
    await again.removePod(pod.metadata.uid!);
    assert.equal(existsSync(join(dataDir, 'pods', pod.metadata.uid!)), false);
  });

  it('runs exec in the instance context and reports the exit code', async () => {
    const { runtime, pod } = setup();
    const sandbox = await runtime.preparePod(pod, '127.0.0.1');
    const handle = await runtime.startContainer(pod, { name: 'c', instance: 0, argv: ['sleep', '30'], env: new Map([...sandbox.baseEnv, ['X', 'y']]), workingDir: undefined });
    const proc = runtime.exec(handle, ['sh', '-c', 'read line; echo "$X $line $(pwd)"; exit 4'], { stdin: true, tty: false });
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    proc.stdin!.end('in\n');
    assert.equal(await proc.exited, 4);
    assert.equal(out, `y in ${handle.workingDir}\n`);
    await handle.stop(1000);
  });

  it('drops exec stdin once the command stopped reading it, never throwing EPIPE', async () => {
    const { runtime, pod } = setup();
    const sandbox = await runtime.preparePod(pod, '127.0.0.1');
    const handle = await runtime.startContainer(pod, { name: 'c', instance: 0, argv: ['sleep', '30'], env: sandbox.baseEnv, workingDir: undefined });
    // The command reads 10 bytes, then closes its stdin and lives on: what is written next breaks the pipe.
    const proc = runtime.exec(handle, ['sh', '-c', 'head -c 10; exec 0<&-; sleep 30'], { stdin: true, tty: false });
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const chunk = Buffer.alloc(64 * 1024, 'z');
    await waitFor(() => {
      if (!proc.stdin!.writable) return true;
      proc.stdin!.write(chunk);
      return false;
    }, 'the stdin pipe to break');
    // Later writes and the end are dropped quietly.
    proc.stdin!.write(chunk);
    proc.stdin!.end();
    proc.kill();
    assert.equal(await proc.exited, 137);
    assert.equal(out, 'z'.repeat(10));
    await handle.stop(1000);
  });
});
