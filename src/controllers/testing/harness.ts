/**
 * Test support for controllers: one controller (or several) running against the in-memory
 * FakeApi, with a FakeClock for every timer and timestamp, plus helpers to wait for what the
 * controller does. For tests only.
 */
import { daemonSetType } from '../../api/apps/v1/daemonset.ts';
import { deploymentType } from '../../api/apps/v1/deployment.ts';
import { replicaSetType } from '../../api/apps/v1/replicaset.ts';
import { statefulSetType } from '../../api/apps/v1/statefulset.ts';
import { controllerRevisionType } from '../../api/apps/v1/controller-revision.ts';
import { cronJobType } from '../../api/batch/v1/cronjob.ts';
import { jobType } from '../../api/batch/v1/job.ts';
import { leaseType } from '../../api/coordination/v1/lease.ts';
import { configMapType } from '../../api/core/v1/configmap.ts';
import { eventType } from '../../api/core/v1/event.ts';
import { endpointsType } from '../../api/core/v1/endpoints.ts';
import { namespaceType } from '../../api/core/v1/namespace.ts';
import { nodeType } from '../../api/core/v1/node.ts';
import { podType } from '../../api/core/v1/pod.ts';
import { serviceAccountType } from '../../api/core/v1/service-account.ts';
import { serviceType } from '../../api/core/v1/service.ts';
import { endpointSliceType } from '../../api/discovery/v1/endpoint-slice.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import { podDisruptionBudgetType } from '../../api/policy/v1/pod-disruption-budget.ts';
import type { ResourceType } from '../../api/resource-type.ts';
import { Clientset, EventBroadcaster, SharedInformerFactory, silentLogger } from '../../client/index.ts';
import type { FakeApiType } from '../../client/testing/fake-api.ts';
import { FakeApi } from '../../client/testing/fake-api.ts';
import { FakeClock, flushMicrotasks } from '../../client/testing/fake-clock.ts';
import { waitFor } from '../../client/testing/wait-for.ts';
import type { ControllerContext, ControllerDescriptor } from '../controller.ts';
import { runController } from '../runner.ts';
import type { ControllerSettings } from '../settings.ts';
import { DEFAULT_CONTROLLER_SETTINGS } from '../settings.ts';

/** The built-in types the controllers work with, with their status subresources. */
export const CONTROLLER_TEST_TYPES: readonly FakeApiType[] = [
  { type: namespaceType },
  { type: podType, status: true },
  { type: serviceType, status: true },
  { type: endpointsType },
  { type: endpointSliceType },
  { type: nodeType, status: true },
  { type: serviceAccountType },
  { type: configMapType },
  { type: eventType },
  { type: leaseType },
  { type: deploymentType, status: true },
  { type: replicaSetType, status: true },
  { type: statefulSetType, status: true },
  { type: daemonSetType, status: true },
  { type: controllerRevisionType },
  { type: jobType, status: true },
  { type: cronJobType, status: true },
  { type: podDisruptionBudgetType, status: true },
];

/** A running controller over a FakeApi; see the file comment. */
export interface ControllerHarness {
  readonly api: FakeApi;
  readonly clock: FakeClock;
  readonly ctx: ControllerContext;
  /** Objects of a type (in a namespace), as stored. */
  list(type: ResourceType, namespace?: string): KubeObject[];
  /**
   * The Events written so far about the object named `involvedName` (all when omitted), oldest
   * first, as `<type> <reason>: <message>`; a count above 1 is appended as ` (xN)`.
   */
  events(involvedName?: string): string[];
  /**
   * Waits until `condition` holds, letting the controller work in between and moving the fake
   * clock by `stepMs` each round (0: never), so that requeues and backoffs come due.
   */
  until(condition: () => boolean, what: string, stepMs?: number): Promise<void>;
  /** Lets the controller run with the clock stopped until nothing changes for a few rounds. */
  quiesce(): Promise<void>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  readonly types?: readonly FakeApiType[];
  readonly settings?: Partial<ControllerSettings>;
  /** Objects stored before the controller starts. */
  readonly seed?: (api: FakeApi) => void;
  readonly workers?: number;
}

/** Starts `controllers` against a fresh FakeApi (seeded first) and waits for their caches. */
export async function startControllers(controllers: readonly ControllerDescriptor[], opts: HarnessOptions = {}): Promise<ControllerHarness> {
  const api = new FakeApi([...(opts.types ?? CONTROLLER_TEST_TYPES)]);
  const clock = new FakeClock();
  api.now = () => clock.wallNow();
  const url = await api.start();
  opts.seed?.(api);
  const clientset = Clientset.fromOptions({ endpoints: [url] });
  const informers = new SharedInformerFactory(clientset, { clock });
  const events = new EventBroadcaster({ clientset, clock });
  const ctx: ControllerContext = { clientset, informers, clock, logger: silentLogger, events, settings: { ...DEFAULT_CONTROLLER_SETTINGS, ...opts.settings } };
  const ac = new AbortController();
  const done = Promise.all(controllers.map((c) => runController(c, ctx, ac.signal, opts.workers === undefined ? {} : { workers: opts.workers })));
  await informers.waitForCacheSync(ac.signal);
  const fingerprint = (): string => String(api.requests.length);
  return {
    api,
    clock,
    ctx,
    list: (type, namespace) => api.list(type, namespace),
    events: (involvedName) =>
      api
        .list(eventType)
        .filter((e) => involvedName === undefined || (e.involvedObject as { name?: string }).name === involvedName)
        .map((e) => `${e.type} ${e.reason}: ${e.message}${(e.count as number) > 1 ? ` (x${e.count})` : ''}`),
    async until(condition, what, stepMs = 0) {
      await waitFor(async () => {
        if (condition()) return true;
        if (stepMs > 0) await clock.advance(stepMs);
        else await flushMicrotasks();
        return condition();
      }, what);
    },
    async quiesce() {
      let last = '';
      let stable = 0;
      await waitFor(async () => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        const now = fingerprint();
        stable = now === last ? stable + 1 : 0;
        last = now;
        return stable >= 3;
      }, 'the controller to go quiet');
    },
    async stop() {
      ac.abort();
      await done;
      await informers.stopped();
      events.close();
      clientset.close();
      await api.close();
    },
  };
}
