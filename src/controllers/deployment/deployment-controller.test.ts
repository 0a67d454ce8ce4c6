import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deploymentType } from '../../api/apps/v1/deployment.ts';
import { replicaSetType } from '../../api/apps/v1/replicaset.ts';
import { eventType } from '../../api/core/v1/event.ts';
import { podType } from '../../api/core/v1/pod.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import { isPodActive, isPodReady } from '../common/pod-state.ts';
import { replicaSetController } from '../replicaset/replicaset-controller.ts';
import { startControllers, type ControllerHarness } from '../testing/harness.ts';
import { markPod, template } from '../testing/objects.ts';
import { deploymentController } from './deployment-controller.ts';

function deployment(name: string, replicas: number, extra: Record<string, unknown> = {}): KubeObject {
  return {
    metadata: { namespace: 'ns', name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: template({ app: name }),
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      ...extra,
    },
  };
}

const dep = (h: ControllerHarness, name = 'web'): KubeObject => h.api.get(deploymentType, 'ns', name)!;
const sets = (h: ControllerHarness): KubeObject[] => h.list(replicaSetType, 'ns');
const livePods = (h: ControllerHarness): KubeObject[] => h.list(podType, 'ns').filter(isPodActive);
const cond = (d: KubeObject, type: string): Record<string, any> | undefined => (d.status?.conditions ?? []).find((c: { type: string }) => c.type === type);

/** Changes the deployment's spec as a client would (a new generation). */
function editSpec(h: ControllerHarness, change: (spec: Record<string, any>) => void, name = 'web'): void {
  const d = structuredClone(dep(h, name));
  change(d.spec);
  h.api.put(deploymentType, d);
}

/** Marks every live pod ready, as a kubelet would once the containers pass their probes. */
function readyAll(h: ControllerHarness): void {
  for (const p of livePods(h)) if (!isPodReady(p)) markPod(h.api, p, true, h.clock.wallNow());
}

async function withControllers(seed: KubeObject[], body: (h: ControllerHarness) => Promise<void>): Promise<void> {
  const h = await startControllers([deploymentController, replicaSetController], { seed: (api) => seed.forEach((d) => api.put(deploymentType, d)) });
  try {
    await body(h);
  } finally {
    await h.stop();
  }
}

function complete(h: ControllerHarness, replicas: number): boolean {
  const d = dep(h);
  return d.status?.observedGeneration === d.metadata.generation && d.status?.updatedReplicas === replicas && d.status?.availableReplicas === replicas && d.status?.replicas === replicas;
}

describe('deployment controller', () => {
  it('creates a hashed ReplicaSet at revision 1 and reports Available and NewReplicaSetAvailable once the pods are ready', async () => {
    await withControllers([deployment('web', 3)], async (h) => {
      await h.until(() => livePods(h).length === 3, 'three pods');
      const [rs] = sets(h);
      const hash = rs!.metadata.labels?.['pod-template-hash'];
      assert.ok(hash !== undefined && hash !== '');
      assert.equal(rs!.metadata.name, `web-${hash}`);
      assert.deepEqual(rs!.spec.selector.matchLabels, { app: 'web', 'pod-template-hash': hash });
      assert.equal(rs!.spec.template.metadata.labels['pod-template-hash'], hash);
      assert.equal(rs!.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
      assert.equal(rs!.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '3');
      assert.equal(rs!.metadata.annotations?.['deployment.kubernetes.io/max-replicas'], '4');
      assert.equal(rs!.metadata.ownerReferences?.[0]?.kind, 'Deployment');
      await h.until(() => dep(h).metadata.annotations?.['deployment.kubernetes.io/revision'] === '1', 'the deployment revision');
      assert.equal(cond(dep(h), 'Available')?.status, 'False');

      readyAll(h);
      await h.until(() => complete(h, 3) && cond(dep(h), 'Progressing')?.reason === 'NewReplicaSetAvailable', 'a complete rollout');
      const d = dep(h);
      assert.deepEqual(
        { available: cond(d, 'Available')?.status, reason: cond(d, 'Available')?.reason, message: cond(d, 'Progressing')?.message, ready: d.status.readyReplicas },
        { available: 'True', reason: 'MinimumReplicasAvailable', message: `ReplicaSet "web-${hash}" has successfully progressed.`, ready: 3 },
      );
    });
  });

  it('rolls a new template out within maxSurge and maxUnavailable at every step', async () => {
    await withControllers([deployment('web', 4, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } } })], async (h) => {
      await h.until(() => livePods(h).length === 4, 'four pods');
      readyAll(h);
      await h.until(() => complete(h, 4), 'the first rollout');
      editSpec(h, (spec) => (spec.template.spec.containers[0].image = 'app:2'));
      const check = (): void => {
        const live = livePods(h);
        assert.ok(live.length <= 5, `at most replicas + maxSurge pods, saw ${live.length}`);
        assert.ok(live.filter(isPodReady).length >= 3, `at least replicas - maxUnavailable ready pods, saw ${live.filter(isPodReady).length}`);
      };
      // A slow kubelet: one new pod becomes ready per round.
      await h.until(() => {
        check();
        const next = livePods(h).find((p) => !isPodReady(p));
        if (next !== undefined) markPod(h.api, next, true, h.clock.wallNow());
        check();
        return complete(h, 4) && livePods(h).every((p) => p.spec.containers[0].image === 'app:2');
      }, 'the rollout of app:2');
      assert.equal(dep(h).metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
      const byRevision = new Map(sets(h).map((rs) => [rs.metadata.annotations?.['deployment.kubernetes.io/revision'], rs]));
      assert.equal(byRevision.get('1')?.spec.replicas, 0, 'the old ReplicaSet is kept at 0 for rollbacks');
      assert.equal(byRevision.get('2')?.spec.replicas, 4);
    });
  });

  it('reuses an old ReplicaSet when its template comes back (rollout undo) and gives it the next revision', async () => {
    await withControllers([deployment('web', 2)], async (h) => {
      await h.until(() => livePods(h).length === 2, 'pods');
      readyAll(h);
      await h.until(() => complete(h, 2), 'revision 1');
      const first = sets(h)[0]!;
      editSpec(h, (spec) => (spec.template.spec.containers[0].image = 'app:2'));
      await h.until(() => {
        readyAll(h);
        return complete(h, 2) && sets(h).length === 2;
      }, 'revision 2');
      // What `kubectl rollout undo` does: the old ReplicaSet's template, minus its hash label.
      editSpec(h, (spec) => {
        spec.template = structuredClone(first.spec.template);
        delete spec.template.metadata.labels['pod-template-hash'];
      });
      await h.until(() => {
        readyAll(h);
        return complete(h, 2) && livePods(h).every((p) => p.spec.containers[0].image === 'app:1');
      }, 'the rollback');
      assert.equal(sets(h).length, 2, 'no third ReplicaSet');
      const back = h.api.get(replicaSetType, 'ns', first.metadata.name ?? '')!;
      assert.equal(back.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
      assert.equal(back.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1');
      await h.until(() => dep(h).metadata.annotations?.['deployment.kubernetes.io/revision'] === '3', 'the deployment at revision 3');
    });
  });

  it('Recreate stops every old pod before starting new ones', async () => {
    await withControllers([deployment('web', 3, { strategy: { type: 'Recreate' } })], async (h) => {
      await h.until(() => livePods(h).length === 3, 'pods');
      readyAll(h);
      await h.until(() => complete(h, 3), 'revision 1');
      editSpec(h, (spec) => (spec.template.spec.containers[0].image = 'app:2'));
      await h.until(() => {
        const images = new Set(livePods(h).map((p) => p.spec.containers[0].image));
        assert.ok(images.size <= 1, 'old and new pods never run together');
        readyAll(h);
        return complete(h, 3) && images.has('app:2');
      }, 'the recreate rollout');
    });
  });

  it('keeps at most revisionHistoryLimit old ReplicaSets', async () => {
    await withControllers([deployment('web', 1, { revisionHistoryLimit: 1 })], async (h) => {
      for (const image of ['app:2', 'app:3', 'app:4']) {
        editSpec(h, (spec) => (spec.template.spec.containers[0].image = image));
        await h.until(() => {
          readyAll(h);
          return complete(h, 1) && livePods(h).every((p) => p.spec.containers[0].image === image);
        }, `the rollout of ${image}`);
      }
      await h.until(() => sets(h).length === 2, 'the new ReplicaSet and one old one');
      const revisions = sets(h).map((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision']).sort();
      assert.deepEqual(revisions, ['3', '4']);
    });
  });

  it('holds a template change while paused, says so in Progressing, and rolls it out on resume', async () => {
    await withControllers([deployment('web', 2)], async (h) => {
      await h.until(() => livePods(h).length === 2, 'pods');
      readyAll(h);
      await h.until(() => complete(h, 2), 'revision 1');
      editSpec(h, (spec) => {
        spec.paused = true;
        spec.template.spec.containers[0].image = 'app:2';
      });
      await h.until(() => cond(dep(h), 'Progressing')?.reason === 'DeploymentPaused', 'the paused condition');
      assert.equal(cond(dep(h), 'Progressing')?.status, 'Unknown');
      await h.quiesce();
      assert.equal(sets(h).length, 1, 'no new ReplicaSet while paused');
      editSpec(h, (spec) => (spec.paused = false));
      await h.until(() => {
        readyAll(h);
        return complete(h, 2) && livePods(h).every((p) => p.spec.containers[0].image === 'app:2');
      }, 'the rollout after resume');
    });
  });

  it('reports ProgressDeadlineExceeded when a rollout makes no progress for progressDeadlineSeconds', async () => {
    await withControllers([deployment('web', 2, { progressDeadlineSeconds: 30 })], async (h) => {
      await h.until(() => livePods(h).length === 2, 'pods that never become ready');
      await h.until(() => cond(dep(h), 'Progressing')?.reason === 'ReplicaSetUpdated' || cond(dep(h), 'Progressing')?.reason === 'NewReplicaSetCreated', 'progress');
      await h.clock.advance(20_000);
      await h.quiesce();
      assert.notEqual(cond(dep(h), 'Progressing')?.reason, 'ProgressDeadlineExceeded', 'not before the deadline');
      await h.until(() => cond(dep(h), 'Progressing')?.reason === 'ProgressDeadlineExceeded', 'the deadline to pass', 2_000);
      const c = cond(dep(h), 'Progressing')!;
      assert.equal(c.status, 'False');
      assert.match(c.message, /^ReplicaSet "web-\w+" has timed out progressing\.$/);
    });
  });

  it('spreads a resize in the middle of a rollout over the old and new ReplicaSets', async () => {
    await withControllers([deployment('web', 10, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } })], async (h) => {
      await h.until(() => livePods(h).length === 10, 'ten pods');
      readyAll(h);
      await h.until(() => complete(h, 10), 'revision 1');
      editSpec(h, (spec) => (spec.template.spec.containers[0].image = 'app:2'));
      // New pods never become ready: the rollout stalls with 8 old (10 − maxUnavailable) and 5 new (13 − 8) pods.
      const sizes = (): string => JSON.stringify(sets(h).map((rs) => [rs.metadata.annotations?.['deployment.kubernetes.io/revision'], rs.spec.replicas]).sort());
      await h.until(() => sizes() === JSON.stringify([['1', 8], ['2', 5]]), 'the stalled rollout');
      editSpec(h, (spec) => (spec.replicas = 20));
      // 8 old + 5 new scaled by 23/13 (replicas + maxSurge, before and after): 14 old, 9 new.
      await h.until(() => sizes() === JSON.stringify([['1', 14], ['2', 9]]), 'the proportional resize');
      await h.quiesce();
      assert.equal(sizes(), JSON.stringify([['1', 14], ['2', 9]]), 'and the stalled rollout stays there');
    });
  });

  it('records ScalingReplicaSet about the Deployment for each size it gives a ReplicaSet, up and down', async () => {
    await withControllers([deployment('web', 1)], async (h) => {
      await h.until(() => sets(h).length === 1, 'the ReplicaSet');
      const rs = sets(h)[0]!.metadata.name;
      await h.until(() => h.events('web').length === 1, 'the first event');
      assert.deepEqual(h.events('web'), [`Normal ScalingReplicaSet: Scaled up replica set ${rs} from 0 to 1`]);
      editSpec(h, (spec) => (spec.replicas = 3));
      await h.until(() => h.events('web').length === 2, 'the scale-up event');
      editSpec(h, (spec) => (spec.replicas = 2));
      await h.until(() => h.events('web').length === 3, 'the scale-down event');
      assert.deepEqual(h.events('web').slice(1), [`Normal ScalingReplicaSet: Scaled up replica set ${rs} from 1 to 3`, `Normal ScalingReplicaSet: Scaled down replica set ${rs} from 3 to 2`]);
      const ev = h.api.list(eventType, 'ns').find((e) => (e.involvedObject as { kind: string }).kind === 'Deployment')!;
      assert.deepEqual([ev.source, (ev.involvedObject as { uid: string }).uid], [{ component: 'deployment-controller' }, dep(h).metadata.uid]);
    });
  });

  it('records ReplicaSetCreateError when the new ReplicaSet is refused', async () => {
    await withControllers([], async (h) => {
      h.api.intercept = (req) => (req.method === 'POST' && req.url.includes('/replicasets') ? { code: 403, reason: 'Forbidden', message: 'replicasets "web-x" is forbidden: not today' } : undefined);
      h.api.put(deploymentType, deployment('web', 1));
      await h.until(() => h.events('web').length > 0, 'the failure event');
      assert.match(h.events('web')[0]!, /^Warning ReplicaSetCreateError: Failed to create new replica set "web-[a-z0-9]+": replicasets "web-x" is forbidden: not today$/);
    });
  });
});
