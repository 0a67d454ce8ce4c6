import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../api-types.ts';
import { newContainerState, recordExit, recordStart, type ContainerState } from './container-state.ts';
import { computePhase, computePodStatus, type PodStatusInput } from './pod-status.ts';
import { statusPatch } from './status-manager.ts';

const exit = (code: number) => ({ exitCode: code, reason: code === 0 ? 'Completed' : 'Error', startedAt: '2025-01-01T00:00:00Z', finishedAt: '2025-01-01T00:00:05Z', containerID: 'process://7' });

function state(name: string, how: 'running' | 'exited0' | 'exited1' | 'backoff' | 'waiting'): ContainerState {
  const s = newContainerState(name);
  if (how === 'waiting') {
    s.waiting = { reason: 'CommandRequired' };
    return s;
  }
  recordStart(s, 'process://7', '2025-01-01T00:00:00Z');
  if (how === 'running') {
    s.ready = true;
    s.started = true;
    return s;
  }
  recordExit(s, exit(how === 'exited0' ? 0 : 1));
  if (how === 'backoff') s.waiting = { reason: 'CrashLoopBackOff', message: 'back-off 10s' };
  return s;
}

function input(pod: Pod, containers: ContainerState[], init: ContainerState[] = [], terminating = false): PodStatusInput {
  return {
    pod,
    containers: new Map(containers.map((c) => [c.name, c])),
    initContainers: new Map(init.map((c) => [c.name, c])),
    hostIP: '127.10.1.1',
    podIP: '127.21.1.5',
    startTime: '2025-01-01T00:00:00Z',
    sandboxReady: true,
    terminating,
    now: '2025-01-01T00:01:00Z',
  };
}

const pod = (policy: 'Always' | 'OnFailure' | 'Never', names: string[], init: string[] = []): Pod => ({
  metadata: { name: 'p', namespace: 'ns', uid: 'u' },
  spec: { restartPolicy: policy, containers: names.map((name) => ({ name, image: `img-${name}` })), initContainers: init.map((name) => ({ name, image: 'i' })) },
  status: { phase: 'Pending', qosClass: 'BestEffort', conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: '2024-12-31T00:00:00Z' }] },
});

describe('computePhase', () => {
  const cases: Array<[string, Pod, ContainerState[], ContainerState[], string]> = [
    ['Pending while a container never started', pod('Always', ['a', 'b']), [state('a', 'running')], [], 'Pending'],
    ['Pending while one waits without a past run', pod('Always', ['a']), [state('a', 'waiting')], [], 'Pending'],
    ['Running while any runs', pod('Never', ['a', 'b']), [state('a', 'running'), state('b', 'exited1')], [], 'Running'],
    ['Running while Always restarts a finished container', pod('Always', ['a']), [state('a', 'exited0')], [], 'Running'],
    ['Running while a crashing container backs off', pod('Always', ['a']), [state('a', 'backoff')], [], 'Running'],
    ['Succeeded when all ended with 0 and none restarts', pod('OnFailure', ['a', 'b']), [state('a', 'exited0'), state('b', 'exited0')], [], 'Succeeded'],
    ['Running when OnFailure restarts a failure', pod('OnFailure', ['a']), [state('a', 'exited1')], [], 'Running'],
    ['Failed when Never and one failed', pod('Never', ['a', 'b']), [state('a', 'exited0'), state('b', 'exited1')], [], 'Failed'],
    ['Pending during init', pod('Always', ['a'], ['i']), [], [state('i', 'running')], 'Pending'],
    ['Failed when a Never init container failed', pod('Never', ['a'], ['i']), [], [state('i', 'exited1')], 'Failed'],
    ['Pending when an init container failed and will be retried', pod('OnFailure', ['a'], ['i']), [], [state('i', 'backoff')], 'Pending'],
  ];
  for (const [what, p, containers, init, phase] of cases) {
    it(what, () => assert.equal(computePhase(input(p, containers, init)), phase));
  }

  it('keeps a terminal phase once reached, and ends a terminating Always pod', () => {
    const done = { ...pod('Always', ['a']), status: { phase: 'Succeeded' as const } };
    assert.equal(computePhase(input(done, [state('a', 'running')])), 'Succeeded');
    assert.equal(computePhase(input(pod('Always', ['a']), [state('a', 'exited1')], [], true)), 'Failed');
  });
});

describe('computePodStatus', () => {
  it('reports running containers, conditions with carried-over transition times, addresses and the QoS class', () => {
    const p = pod('Always', ['a', 'b']);
    const notReady = state('b', 'running');
    notReady.ready = false;
    const s = computePodStatus(input(p, [state('a', 'running'), notReady]));
    assert.equal(s.phase, 'Running');
    assert.deepEqual(s.podIPs, [{ ip: '127.21.1.5' }]);
    assert.deepEqual(s.hostIPs, [{ ip: '127.10.1.1' }]);
    assert.equal(s.qosClass, 'BestEffort');
    const byType = new Map(s.conditions!.map((c) => [c.type, c]));
    assert.equal(byType.get('PodScheduled')?.lastTransitionTime, '2024-12-31T00:00:00Z', 'foreign conditions kept as they were');
    assert.equal(byType.get('ContainersReady')?.status, 'False');
    assert.equal(byType.get('Ready')?.message, 'containers with unready status: [b]');
    assert.equal(byType.get('Ready')?.lastTransitionTime, '2025-01-01T00:01:00Z');
    assert.equal(s.containerStatuses![0]!.image, 'img-a');
    assert.deepEqual(s.containerStatuses![0]!.state, { running: { startedAt: '2025-01-01T00:00:00Z' } });

    const again = computePodStatus(input({ ...p, status: s }, [state('a', 'running'), notReady], [], false));
    assert.equal(again.conditions!.find((c) => c.type === 'Ready')?.lastTransitionTime, '2025-01-01T00:01:00Z');
  });

  it('shows a finished container as terminated with the run before as lastState, and a backing-off one as waiting', () => {
    const twice = newContainerState('a');
    recordStart(twice, 'process://1', 't0');
    recordExit(twice, { ...exit(1), containerID: 'process://1' });
    recordStart(twice, 'process://2', 't1');
    recordExit(twice, { ...exit(0), containerID: 'process://2' });
    const s = computePodStatus(input(pod('OnFailure', ['a']), [twice]));
    const cs = s.containerStatuses![0]!;
    assert.equal(cs.restartCount, 1);
    assert.equal(cs.state.terminated?.containerID, 'process://2');
    assert.equal(cs.lastState.terminated?.containerID, 'process://1');
    const backoff = computePodStatus(input(pod('Always', ['a']), [state('a', 'backoff')])).containerStatuses![0]!;
    assert.equal(backoff.state.waiting?.reason, 'CrashLoopBackOff');
    assert.equal(backoff.lastState.terminated?.exitCode, 1);
  });
});

describe('statusPatch', () => {
  it('nulls the fields the kubelet no longer reports but keeps those others own', () => {
    const patch = statusPatch({ phase: 'Running' }, { phase: 'Pending', message: 'old', nominatedNodeName: 'x', qosClass: 'Burstable' });
    assert.deepEqual(patch, { phase: 'Running', message: null });
  });
});
