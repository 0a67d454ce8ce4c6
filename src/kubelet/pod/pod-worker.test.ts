import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../client/index.ts';
import { FakeClock, flushMicrotasks } from '../../client/testing/index.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import type { Container, Pod, PodStatus } from '../api-types.ts';
import type { ConfigSource } from '../env/config-source.ts';
import { buildContainerLaunch } from '../env/container-env.ts';
import { noEvents } from '../events.ts';
import { FakeRuntime } from '../testing/fake-runtime.ts';
import { PodIpAllocator } from './ip-allocator.ts';
import { PodWorker, type PodWorkerContext } from './pod-worker.ts';
import { RestartBackoff } from './restart-backoff.ts';

interface Harness {
  readonly worker: PodWorker;
  readonly runtime: FakeRuntime;
  readonly clock: FakeClock;
  readonly deleted: Pod[];
  status(): PodStatus;
  settle(): Promise<void>;
  advance(ms: number): Promise<void>;
}

let uidSeq = 0;

function makePod(spec: Partial<Pod['spec']> & { containers: Container[] }, meta: Partial<Pod['metadata']> = {}): Pod {
  return { metadata: { name: 'p', namespace: 'ns', uid: `uid-${++uidSeq}`, ...meta }, spec: { nodeName: 'n', restartPolicy: 'Always', terminationGracePeriodSeconds: 30, ...spec } };
}

function harness(pod: Pod, config: ConfigSource = { configMap: async () => undefined, secret: async () => undefined }): Harness {
  const runtime = new FakeRuntime();
  const clock = new FakeClock();
  const ips = new PodIpAllocator('127.50.0.0/24');
  let last: PodStatus | undefined;
  const deleted: Pod[] = [];
  const ctx: PodWorkerContext = {
    runtime,
    clock,
    backoff: new RestartBackoff(),
    status: { set: (_p, s) => (last = s), flush: async () => undefined, forget: () => undefined },
    events: noEvents,
    logger: silentLogger,
    hostIP: '127.0.0.1',
    allocateIP: () => ips.allocate(),
    releaseIP: (ip) => ips.release(ip),
    launch: (p, container, runtimeEnv) =>
      buildContainerLaunch({
        pod: p,
        container,
        addresses: { podIP: runtimeEnv.get('POD_IP') ?? '', hostIP: '127.0.0.1' },
        services: [],
        config,
        nodeAllocatable: {},
        runtimeEnv,
      }),
    deletePod: async (p) => {
      deleted.push(p);
    },
    onDone: () => undefined,
  };
  const worker = new PodWorker(pod, ctx);
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 5; i++) {
      await flushMicrotasks();
      await worker.idle();
    }
  };
  return {
    worker,
    runtime,
    clock,
    deleted,
    status: () => last!,
    settle,
    async advance(ms) {
      await clock.advance(ms);
      await settle();
    },
  };
}

const sh = (name: string, extra: Partial<Container> = {}): Container => ({ name, image: 'busybox', command: ['sh', '-c', 'true'], ...extra });

describe('PodWorker', () => {
  it('starts the containers and reports Running with an address from the pod CIDR', async () => {
    const h = harness(makePod({ containers: [sh('a'), sh('b')] }));
    h.worker.kick();
    await h.settle();
    assert.deepEqual(h.runtime.started.map((c) => c.request.name), ['a', 'b']);
    const s = h.status();
    assert.equal(s.phase, 'Running');
    assert.equal(s.podIP, '127.50.0.2');
    assert.deepEqual(s.containerStatuses?.map((c) => [c.name, c.ready, c.started]), [['a', true, true], ['b', true, true]]);
    assert.equal(s.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
    assert.equal(h.runtime.started[0]!.env.get('POD_IP'), '127.50.0.2');
  });

  it('fails the pod with DeadlineExceeded once activeDeadlineSeconds has passed, stopping its containers', async () => {
    const h = harness(makePod({ activeDeadlineSeconds: 60, containers: [sh('c')] }));
    h.worker.kick();
    await h.settle();
    await h.advance(59_000);
    assert.equal(h.status().phase, 'Running');
    await h.advance(1_000);
    assert.deepEqual(h.runtime.started[0]!.stops, [30_000]);
    await h.settle();
    const s = h.status();
    assert.equal(s.phase, 'Failed');
    assert.equal(s.reason, 'DeadlineExceeded');
    assert.equal(s.message, 'Pod was active on the node longer than the specified deadline');
    assert.equal(h.runtime.started.length, 1, 'nothing restarts');
  });

  it('gives a hostNetwork pod the node address', async () => {
    const h = harness(makePod({ hostNetwork: true, containers: [sh('a')] }));
    h.worker.kick();
    await h.settle();
    assert.equal(h.status().podIP, '127.0.0.1');
    assert.equal(h.runtime.started[0]!.env.get('POD_IP'), '127.0.0.1');
  });

  it('restarts an Always container at once, then backs off 10 s, 20 s … in CrashLoopBackOff', async () => {
    const h = harness(makePod({ containers: [sh('c')] }));
    h.worker.kick();
    await h.settle();
    h.runtime.running('c')[0]!.exit(1);
    await h.settle();
    assert.equal(h.runtime.started.length, 2, 'the first restart is immediate');
    assert.equal(h.status().containerStatuses?.[0]?.restartCount, 1);

    h.runtime.running('c')[0]!.exit(1);
    await h.settle();
    assert.equal(h.runtime.started.length, 2);
    const waiting = h.status().containerStatuses![0]!;
    assert.equal(waiting.state.waiting?.reason, 'CrashLoopBackOff');
    assert.match(waiting.state.waiting?.message ?? '', /^back-off 10s restarting failed container=c pod=p_ns\(uid-\d+\)$/);
    assert.equal(waiting.lastState.terminated?.exitCode, 1);
    assert.equal(h.status().phase, 'Running');

    await h.advance(9_999);
    assert.equal(h.runtime.started.length, 2);
    await h.advance(1);
    assert.equal(h.runtime.started.length, 3);
    assert.equal(h.status().containerStatuses?.[0]?.restartCount, 2);

    h.runtime.running('c')[0]!.exit(1);
    await h.settle();
    assert.match(h.status().containerStatuses![0]!.state.waiting?.message ?? '', /^back-off 20s/);
    await h.advance(20_000);
    assert.equal(h.runtime.started.length, 4);
  });

  it('does not restart OnFailure containers that succeeded, and the pod Succeeds', async () => {
    const h = harness(makePod({ restartPolicy: 'OnFailure', containers: [sh('c')] }));
    h.worker.kick();
    await h.settle();
    h.runtime.running('c')[0]!.exit(0);
    await h.settle();
    await h.advance(60_000);
    assert.equal(h.runtime.started.length, 1);
    const s = h.status();
    assert.equal(s.phase, 'Succeeded');
    assert.equal(s.containerStatuses?.[0]?.state.terminated?.reason, 'Completed');
    assert.equal(s.conditions?.find((c) => c.type === 'Ready')?.reason, 'PodCompleted');
  });

  it('fails a Never pod whose container failed, without restarting it', async () => {
    const h = harness(makePod({ restartPolicy: 'Never', containers: [sh('c')] }));
    h.worker.kick();
    await h.settle();
    h.runtime.running('c')[0]!.exit(2);
    await h.settle();
    await h.advance(60_000);
    assert.equal(h.runtime.started.length, 1);
    assert.equal(h.status().phase, 'Failed');
    assert.equal(h.status().containerStatuses?.[0]?.state.terminated?.exitCode, 2);
  });

  it('runs init containers one by one, in order, before the regular ones', async () => {
    const h = harness(makePod({ initContainers: [sh('init-1'), sh('init-2')], containers: [sh('main')] }));
    h.worker.kick();
    await h.settle();
    assert.deepEqual(h.runtime.started.map((c) => c.request.name), ['init-1']);
    assert.equal(h.status().phase, 'Pending');
    assert.equal(h.status().containerStatuses?.[0]?.state.waiting?.reason, 'PodInitializing');
    assert.equal(h.status().conditions?.find((c) => c.type === 'Initialized')?.message, 'containers with incomplete status: [init-1 init-2]');
    h.runtime.running('init-1')[0]!.exit(0);
    await h.settle();
    assert.deepEqual(h.runtime.started.map((c) => c.request.name), ['init-1', 'init-2']);
    h.runtime.running('init-2')[0]!.exit(0);
    await h.settle();
    assert.deepEqual(h.runtime.started.map((c) => c.request.name), ['init-1', 'init-2', 'main']);
    assert.equal(h.status().phase, 'Running');
    assert.equal(h.status().conditions?.find((c) => c.type === 'Initialized')?.status, 'True');
  });

  it('fails a Never pod whose init container failed, and retries it under OnFailure', async () => {
    const never = harness(makePod({ restartPolicy: 'Never', initContainers: [sh('init')], containers: [sh('main')] }));
    never.worker.kick();
    await never.settle();
    never.runtime.running('init')[0]!.exit(1);
    await never.settle();
    assert.equal(never.status().phase, 'Failed');
    assert.equal(never.runtime.started.length, 1);

    const retry = harness(makePod({ restartPolicy: 'OnFailure', initContainers: [sh('init')], containers: [sh('main')] }));
    retry.worker.kick();
    await retry.settle();
    retry.runtime.running('init')[0]!.exit(1);
    await retry.settle();
    assert.deepEqual(retry.runtime.started.map((c) => c.request.name), ['init', 'init']);
    assert.equal(retry.status().phase, 'Pending');
  });

  it('waits with CommandRequired for a container that has no command, and starts nothing', async () => {
    const h = harness(makePod({ containers: [{ name: 'nginx', image: 'nginx:1.27' }] }));
    h.worker.kick();
    await h.settle();
    assert.equal(h.runtime.started.length, 0);
    const cs = h.status().containerStatuses![0]!;
    assert.equal(cs.state.waiting?.reason, 'CommandRequired');
    assert.match(cs.state.waiting?.message ?? '', /ignores its image \("nginx:1\.27"\)/);
    assert.equal(h.status().phase, 'Pending');
  });

  it('records a start failure as exit 128 (StartError) and backs off like a crash', async () => {
    const h = harness(makePod({ containers: [{ name: 'c', image: 'x', command: ['nope'] }] }));
    h.runtime.unstartable.add('nope');
    h.worker.kick();
    await h.settle();
    const cs = h.status().containerStatuses![0]!;
    // Start, fail; restart at once, fail again: now in back-off.
    assert.equal(cs.state.waiting?.reason, 'CrashLoopBackOff');
    assert.equal(cs.lastState.terminated?.exitCode, 128);
    assert.equal(cs.lastState.terminated?.reason, 'StartError');
    assert.match(cs.lastState.terminated?.message ?? '', /executable file not found/);
  });

  it('refreshes the volumes of a settled pod once a minute', async () => {
    const h = harness(makePod({ containers: [sh('c', { command: ['sleep', '3600'] })] }));
    h.worker.kick();
    await h.settle();
    assert.equal(h.runtime.preparations, 1);
    await h.advance(59_999);
    assert.equal(h.runtime.preparations, 1);
    await h.advance(1);
    assert.equal(h.runtime.preparations, 2);
    await h.advance(60_000);
    assert.equal(h.runtime.preparations, 3);
    assert.equal(h.runtime.started.length, 1, 'a refresh restarts nothing');
  });

  it('waits with CreateContainerConfigError for a missing ConfigMap key and retries it every 10 s', async () => {
    const configMaps = new Map<string, KubeObject>();
    const config: ConfigSource = { configMap: async (_ns, name) => configMaps.get(name), secret: async () => undefined };
    const h = harness(makePod({ containers: [sh('c', { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k' } } }] })] }), config);
    h.worker.kick();
    await h.settle();
    const cs = h.status().containerStatuses![0]!;
    assert.equal(cs.state.waiting?.reason, 'CreateContainerConfigError');
    assert.equal(cs.state.waiting?.message, 'configmap "cfg" not found');
    assert.equal(h.runtime.started.length, 0);
    configMaps.set('cfg', { metadata: { name: 'cfg', namespace: 'ns' }, data: { k: 'v' } });
    await h.advance(9_999);
    assert.equal(h.runtime.started.length, 0);
    await h.advance(1);
    assert.equal(h.runtime.started[0]?.env.get('X'), 'v');
  });

  it('on deletion stops containers with the grace period left, writes the final status, deletes the pod, and cleans up', async () => {
    const pod = makePod({ containers: [sh('a'), sh('b')] });
    const h = harness(pod);
    h.worker.kick();
    await h.settle();
    for (const c of h.runtime.started) c.exitOnStop = undefined;
    h.worker.update({ ...pod, metadata: { ...pod.metadata, deletionTimestamp: '2025-01-01T00:00:30Z', deletionGracePeriodSeconds: 30 } });
    await flushMicrotasks();
    await flushMicrotasks();
    assert.deepEqual(h.runtime.started.map((c) => c.stops), [[30_000], [30_000]]);
    assert.equal(h.deleted.length, 0, 'the pod object stays until its containers stopped');
    // A second deletion with a shorter grace period cuts the first short.
    h.worker.update({ ...pod, metadata: { ...pod.metadata, deletionTimestamp: '2025-01-01T00:00:05Z', deletionGracePeriodSeconds: 5 } });
    assert.deepEqual(h.runtime.started.map((c) => c.stops), [[30_000, 5_000], [30_000, 5_000]]);
    for (const c of h.runtime.started) c.exit(143);
    await h.settle();
    assert.equal(h.deleted.length, 1);
    assert.deepEqual(h.runtime.removed, [pod.metadata.uid]);
    assert.equal(h.worker.done, true);
    assert.equal(h.status().containerStatuses?.[0]?.state.terminated?.exitCode, 143);
    assert.equal(h.runtime.started.length, 2, 'nothing restarts during termination');
  });

  it('kills with the minimum grace when the pod vanished from the API, and does not delete it again', async () => {
    const h = harness(makePod({ containers: [sh('c')] }));
    h.worker.kick();
    await h.settle();
    h.worker.remove();
    await h.settle();
    assert.deepEqual(h.runtime.started[0]!.stops, [2_000]);
    assert.equal(h.deleted.length, 0);
    assert.equal(h.worker.done, true);
  });

  it('gates readiness on the readiness probe and restarts on a failed liveness probe', async () => {
    const probe = { periodSeconds: 1, failureThreshold: 2 };
    const h = harness(
      makePod({
        containers: [sh('c', { readinessProbe: { exec: { command: ['ready'] }, ...probe }, livenessProbe: { exec: { command: ['alive'] }, initialDelaySeconds: 5, ...probe } })],
      }),
    );
    h.runtime.execResults.set('ready', 1);
    h.worker.kick();
    await h.settle();
    await h.advance(0);
    assert.equal(h.status().containerStatuses?.[0]?.ready, false);
    h.runtime.execResults.set('ready', 0);
    await h.advance(1_000);
    assert.equal(h.status().containerStatuses?.[0]?.ready, true);
    assert.equal(h.status().conditions?.find((c) => c.type === 'Ready')?.status, 'True');

    h.runtime.execResults.set('alive', 1);
    // Started at 0 s: liveness probes at 5 s (initial delay), then every second.
    await h.advance(4_000);
    assert.deepEqual(h.runtime.started[0]!.stops, [], 'one failure is under the threshold');
    h.runtime.execResults.set('ready', 1);
    await h.advance(1_000);
    assert.deepEqual(h.runtime.started[0]!.stops, [30_000], 'the second consecutive failure stops the container');
    await h.settle();
    assert.equal(h.runtime.started.length, 2, 'and the restart policy starts it again');
    assert.equal(h.status().containerStatuses?.[0]?.restartCount, 1);
    assert.equal(h.status().containerStatuses?.[0]?.ready, false, 'a new instance starts unready');
  });

  it('holds liveness and readiness until the startup probe passes', async () => {
    const h = harness(makePod({ containers: [sh('c', { startupProbe: { exec: { command: ['started'] }, periodSeconds: 1, failureThreshold: 30 }, readinessProbe: { exec: { command: ['ready'] }, periodSeconds: 1 } })] }));
    h.runtime.execResults.set('started', 1);
    h.worker.kick();
    await h.settle();
    await h.advance(3_000);
    assert.equal(h.status().containerStatuses?.[0]?.started, false);
    assert.equal(h.runtime.execs.filter((a) => a[0] === 'ready').length, 0);
    h.runtime.execResults.set('started', 0);
    await h.advance(1_000);
    assert.equal(h.status().containerStatuses?.[0]?.started, true);
    await h.advance(0);
    assert.equal(h.status().containerStatuses?.[0]?.ready, true);
  });
});
