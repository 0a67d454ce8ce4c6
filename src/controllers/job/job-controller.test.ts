import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jobType } from '../../api/batch/v1/job.ts';
import { podType } from '../../api/core/v1/pod.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import { isPodActive } from '../common/pod-state.ts';
import { startControllers, type ControllerHarness } from '../testing/harness.ts';
import { formatIndexes, parseIndexes } from './completion-indexes.ts';
import { JOB_TRACKING_FINALIZER, jobController } from './job-controller.ts';

function job(name: string, spec: Record<string, unknown>): KubeObject {
  return {
    metadata: { namespace: 'ns', name },
    spec: {
      parallelism: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      template: { metadata: { labels: { app: name } }, spec: { restartPolicy: 'Never', containers: [{ name: 'work', image: 'busybox', command: ['true'] }] } },
      ...spec,
    },
  };
}

const pods = (h: ControllerHarness): KubeObject[] => h.list(podType, 'ns');
const running = (h: ControllerHarness): KubeObject[] => pods(h).filter(isPodActive);
const theJob = (h: ControllerHarness, name = 'j'): KubeObject | undefined => h.api.get(jobType, 'ns', name);
const cond = (j: KubeObject | undefined, type: string): Record<string, any> | undefined => (j?.status?.conditions ?? []).find((c: { type: string }) => c.type === type);

/** Ends a pod the way its kubelet would report it. */
function finish(h: ControllerHarness, p: KubeObject, phase: 'Succeeded' | 'Failed'): void {
  const current = h.api.get(podType, 'ns', p.metadata.name ?? '')!;
  h.api.put(podType, { ...current, status: { ...current.status, phase } });
}

async function withJob(seed: KubeObject, body: (h: ControllerHarness) => Promise<void>): Promise<void> {
  const h = await startControllers([jobController], { seed: (api) => api.put(jobType, seed) });
  try {
    await body(h);
  } finally {
    await h.stop();
  }
}

describe('job controller', () => {
  it('runs parallelism pods at a time until completions succeed, counting each through its finalizer, then Complete', async () => {
    await withJob(job('j', { completions: 3, parallelism: 2 }), async (h) => {
      await h.until(() => running(h).length === 2, 'two pods');
      for (const p of running(h)) {
        assert.deepEqual(p.metadata.finalizers, [JOB_TRACKING_FINALIZER]);
        assert.equal(p.metadata.labels?.['batch.kubernetes.io/job-name'], 'j');
        assert.equal(p.metadata.labels?.['batch.kubernetes.io/controller-uid'], theJob(h)?.metadata.uid);
      }
      await h.until(() => theJob(h)?.status?.startTime !== undefined && theJob(h)?.status?.active === 2, 'the startTime and active count');
      finish(h, running(h)[0]!, 'Succeeded');
      await h.until(() => theJob(h)?.status?.succeeded === 1, 'one success counted');
      await h.until(() => running(h).length === 2, 'a pod for the last completion');
      for (const p of running(h)) finish(h, p, 'Succeeded');
      await h.until(() => cond(theJob(h), 'Complete')?.status === 'True', 'Complete');
      const j = theJob(h)!;
      assert.equal(j.status.succeeded, 3);
      assert.ok(j.status.completionTime);
      assert.equal(cond(j, 'SuccessCriteriaMet')?.status, 'True');
      assert.deepEqual(j.status.uncountedTerminatedPods, {});
      await h.until(() => pods(h).every((p) => (p.metadata.finalizers ?? []).length === 0), 'the finalizers released');
      assert.equal(pods(h).length, 3, 'finished pods are kept (for their logs)');
      await h.until(() => h.events('j').includes('Normal Completed: Job completed'), 'the Completed event');
      const created = pods(h).map((p) => `Normal SuccessfulCreate: Created pod: ${p.metadata.name}`);
      assert.deepEqual(h.events('j').sort(), [...created, 'Normal Completed: Job completed'].sort());
    });
  });

  it('backs off between failed pods and fails the job past backoffLimit', async () => {
    await withJob(job('j', { backoffLimit: 1 }), async (h) => {
      await h.until(() => running(h).length === 1, 'the first pod');
      finish(h, running(h)[0]!, 'Failed');
      await h.until(() => theJob(h)?.status?.failed === 1, 'the failure counted');
      await h.quiesce();
      assert.equal(running(h).length, 0, 'no replacement before the backoff (10 s)');
      await h.until(() => running(h).length === 1, 'the replacement after the backoff', 2_000);
      finish(h, running(h)[0]!, 'Failed');
      await h.until(() => cond(theJob(h), 'Failed')?.status === 'True', 'Failed');
      assert.equal(cond(theJob(h), 'Failed')?.reason, 'BackoffLimitExceeded');
      assert.equal(theJob(h)?.status?.failed, 2);
      await h.until(() => h.events('j').at(-1) === 'Warning BackoffLimitExceeded: Job has reached the specified backoff limit', 'the failure event');
      assert.equal(h.events('j').filter((e) => e.startsWith('Normal SuccessfulCreate: Created pod: j-')).length, 2);
    });
  });

  it('counts the container restarts of an OnFailure job against backoffLimit', async () => {
    const onFailure = job('j', { backoffLimit: 2 });
    onFailure.spec!.template.spec.restartPolicy = 'OnFailure';
    await withJob(onFailure, async (h) => {
      await h.until(() => running(h).length === 1, 'the pod');
      const restarted = (restartCount: number): void => {
        const current = h.api.get(podType, 'ns', running(h)[0]!.metadata.name ?? '')!;
        h.api.put(podType, { ...current, status: { phase: 'Running', containerStatuses: [{ name: 'work', restartCount }] } });
      };
      restarted(1);
      await h.quiesce();
      assert.equal(cond(theJob(h), 'Failed'), undefined, 'one restart is within the limit of 2');
      restarted(2);
      await h.until(() => cond(theJob(h), 'Failed')?.reason === 'BackoffLimitExceeded', 'Failed at the limit');
      assert.equal(running(h).length, 0, 'the restarting pod is deleted');
    });
  });

  it('fails a job that runs longer than activeDeadlineSeconds and deletes its pods', async () => {
    await withJob(job('j', { activeDeadlineSeconds: 30 }), async (h) => {
      await h.until(() => running(h).length === 1, 'the pod');
      await h.until(() => cond(theJob(h), 'Failed')?.reason === 'DeadlineExceeded', 'the deadline', 5_000);
      assert.equal(running(h).length, 0);
      assert.equal(theJob(h)?.status?.failed ?? 0, 0, 'the pod it deleted is no failure');
      await h.until(() => h.events('j').includes('Warning DeadlineExceeded: Job was active longer than specified deadline'), 'the failure event');
      assert.ok(h.events('j').some((e) => e.startsWith('Normal SuccessfulDelete: Deleted pod: j-')), 'the deleted pod told');
    });
  });

  it('counts a running pod that was deleted as failed and replaces it', async () => {
    await withJob(job('j', { completions: 1 }), async (h) => {
      await h.until(() => running(h).length === 1, 'the pod');
      const first = running(h)[0]!;
      h.api.delete(podType, 'ns', first.metadata.name ?? '');
      await h.until(() => theJob(h)?.status?.failed === 1, 'the failure counted');
      await h.until(() => h.api.get(podType, 'ns', first.metadata.name ?? '') === undefined, 'the deleted pod released');
      await h.until(() => running(h).length === 1, 'a replacement after the backoff', 2_000);
    });
  });

  it('gives pods of an Indexed job their index and completes when every index succeeded', async () => {
    await withJob(job('j', { completions: 3, parallelism: 3, completionMode: 'Indexed' }), async (h) => {
      await h.until(() => running(h).length === 3, 'three pods');
      const indexes = running(h).map((p) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index']).sort();
      assert.deepEqual(indexes, ['0', '1', '2']);
      const one = running(h).find((p) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'] === '1')!;
      assert.match(one.metadata.name ?? '', /^j-1-/);
      assert.equal(one.spec.hostname, 'j-1');
      assert.deepEqual(one.spec.containers[0].env, [{ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } }]);
      finish(h, one, 'Succeeded');
      await h.until(() => theJob(h)?.status?.completedIndexes === '1', 'index 1 done');
      for (const p of running(h)) finish(h, p, 'Succeeded');
      await h.until(() => cond(theJob(h), 'Complete')?.status === 'True', 'Complete');
      assert.equal(theJob(h)?.status?.completedIndexes, '0-2');
      assert.equal(theJob(h)?.status?.succeeded, 3);
    });
  });

  it('deletes a finished job after ttlSecondsAfterFinished', async () => {
    await withJob(job('j', { completions: 1, ttlSecondsAfterFinished: 60 }), async (h) => {
      await h.until(() => running(h).length === 1, 'the pod');
      finish(h, running(h)[0]!, 'Succeeded');
      await h.until(() => cond(theJob(h), 'Complete')?.status === 'True', 'Complete');
      await h.clock.advance(30_000);
      await h.quiesce();
      assert.ok(theJob(h), 'kept before the TTL');
      await h.until(() => theJob(h) === undefined, 'the job deleted after the TTL', 5_000);
    });
  });

  it('suspends by deleting the active pods and resumes', async () => {
    await withJob(job('j', { completions: 2 }), async (h) => {
      await h.until(() => running(h).length === 1, 'the pod');
      // The controller sees its deleted pod only once the kubelet has reported it Failed (a
      // SIGTERMed process exits with an error), as a busy informer would.
      h.api.holdEvents(podType);
      h.api.put(jobType, { ...theJob(h)!, spec: { ...theJob(h)!.spec, suspend: true } });
      await h.until(() => cond(theJob(h), 'Suspended')?.status === 'True' && running(h).length === 0, 'suspended');
      for (const p of pods(h)) finish(h, p, 'Failed');
      h.api.releaseEvents(podType);
      await h.quiesce();
      assert.equal(theJob(h)?.status?.failed ?? 0, 0, 'a pod the controller deleted is no failure');
      h.api.put(jobType, { ...theJob(h)!, spec: { ...theJob(h)!.spec, suspend: false } });
      await h.until(() => cond(theJob(h), 'Suspended')?.status === 'False' && running(h).length === 1, 'resumed');
      await h.until(() => h.events('j').includes('Normal Resumed: Job resumed'), 'the Resumed event');
      const told = h.events('j').filter((e) => !e.startsWith('Normal SuccessfulCreate'));
      assert.deepEqual(told.map((e) => e.replace(/pod: .*/, 'pod: …')), ['Normal SuccessfulDelete: Deleted pod: …', 'Normal Suspended: Job suspended', 'Normal Resumed: Job resumed']);
    });
  });

  it('releases the tracking finalizers of the pods of a deleted job', async () => {
    await withJob(job('j', { completions: 2 }), async (h) => {
      await h.until(() => running(h).length === 1, 'the pod');
      const p = running(h)[0]!;
      h.api.delete(jobType, 'ns', 'j');
      h.api.delete(podType, 'ns', p.metadata.name ?? '');
      await h.until(() => h.api.get(podType, 'ns', p.metadata.name ?? '') === undefined, 'the pod to go once its finalizer is released');
    });
  });

  it('completion index sets round-trip through their range text', () => {
    assert.equal(formatIndexes([5, 0, 1, 2, 7, 8]), '0-2,5,7-8');
    assert.deepEqual([...parseIndexes('0-2,5,7-8')].sort((a, b) => a - b), [0, 1, 2, 5, 7, 8]);
    assert.equal(formatIndexes([]), '');
  });
});
