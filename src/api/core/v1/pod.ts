/**
 * Pods (core/v1): defaulting, what a create may not set, validation of create and update (a
 * pod's spec is immutable but for images, activeDeadlineSeconds, added tolerations and removed
 * scheduling gates), the graceful-deletion period, and field selectors.
 */
import { deepEqual } from '../../../util/deep-equal.ts';
import { diffPaths } from '../../meta/diff-paths.ts';
import { isObject, objects, str, type JsonObject } from '../../meta/shape.ts';
import { parseQuantity } from '../../meta/quantity.ts';
import type { FieldError, KubeObject } from '../../meta/types.ts';
import type { ResourceType } from '../../resource-type.ts';
import { forbidden, invalid } from '../../validation/field-errors.ts';
import { inclusiveRangeError } from '../../validation/names.ts';
import { DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS, defaultPodSpec } from './pod-spec-defaults.ts';
import { validatePodSpec } from './pod-spec-validation.ts';

export const podType: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Pod',
  resource: 'pods',
  singular: 'pod',
  listKind: 'PodList',
  namespaced: true,
  shortNames: ['po'],
  categories: ['all'],
};

const MAX_INT32 = 2147483647;

/** Requests default to limits for each resource a container limits but does not request. */
function defaultRequestsFromLimits(c: JsonObject): void {
  if (!isObject(c.resources) || !isObject(c.resources.limits)) return;
  if (!isObject(c.resources.requests)) c.resources.requests = {};
  for (const [name, value] of Object.entries(c.resources.limits)) {
    if (!(name in c.resources.requests)) c.resources.requests[name] = value;
  }
}

/** Keeps status.podIP/podIPs (and hostIP/hostIPs) consistent, as the v1 conversion does. */
function normalizeStatusIPs(status: JsonObject): void {
  for (const [single, plural] of [
    ['podIP', 'podIPs'],
    ['hostIP', 'hostIPs'],
  ] as const) {
    const list = objects(status[plural]);
    if (list.length === 0 && str(status[single]) !== '') status[plural] = [{ ip: status[single] }];
    else if (list.length > 0 && str(list[0]!.ip) !== '') status[single] = list[0]!.ip;
  }
}

/** Defaults a pod: its PodSpec, pod-only defaults (requests from limits, service links, host ports). */
export function defaultPod(obj: KubeObject): void {
  const spec: unknown = obj.spec;
  if (!isObject(spec)) return;
  defaultPodSpec(spec);
  for (const c of [...objects(spec.containers), ...objects(spec.initContainers)]) defaultRequestsFromLimits(c);
  if (spec.enableServiceLinks === undefined || spec.enableServiceLinks === null) spec.enableServiceLinks = true;
  if (spec.hostNetwork === true) {
    for (const c of [...objects(spec.containers), ...objects(spec.initContainers)]) {
      for (const p of objects(c.ports)) if (p.hostPort === undefined || p.hostPort === 0) p.hostPort = p.containerPort;
    }
  }
  if (isObject(obj.status)) normalizeStatusIPs(obj.status);
}

/** The pod's quality-of-service class from its containers' cpu and memory requests and limits. */
export function podQOSClass(spec: unknown): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  if (!isObject(spec)) return 'BestEffort';
  const requests = new Map<string, bigint>();
  const limits = new Map<string, bigint>();
  let guaranteed = true;
  const add = (into: Map<string, bigint>, name: string, q: bigint): void => {
    into.set(name, (into.get(name) ?? 0n) + q);
  };
  for (const c of [...objects(spec.containers), ...objects(spec.initContainers)]) {
    const resources = isObject(c.resources) ? c.resources : {};
    const lim = isObject(resources.limits) ? resources.limits : {};
    // Requests not given explicitly are taken from the limits (the pod defaulting rule).
    const req = { ...lim, ...(isObject(resources.requests) ? resources.requests : {}) };
    const limited = new Set<string>();
    for (const name of ['cpu', 'memory']) {
      const r = parseQuantity(str(req[name]));
      if (r !== undefined && r > 0n) add(requests, name, r);
      const l = parseQuantity(str(lim[name]));
      if (l !== undefined && l > 0n) {
        add(limits, name, l);
        limited.add(name);
      }
    }
    if (!limited.has('cpu') || !limited.has('memory')) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, r] of requests) if (limits.get(name) !== r) guaranteed = false;
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

/**
 * What the server sets on a new pod: the status starts over (phase Pending and the QoS class),
 * a pod held by scheduling gates says so in its PodScheduled condition, and a pod that names no
 * service account runs as `default` (the ServiceAccount admission rule).
 */
export function preparePodForCreate(obj: KubeObject): void {
  const spec: unknown = obj.spec;
  obj.status = { phase: 'Pending', qosClass: podQOSClass(spec) };
  if (!isObject(spec)) return;
  if (objects(spec.schedulingGates).length > 0) {
    obj.status.conditions = [
      {
        type: 'PodScheduled',
        status: 'False',
        lastProbeTime: null,
        lastTransitionTime: obj.metadata.creationTimestamp ?? null,
        reason: 'SchedulingGated',
        message: 'Scheduling is blocked due to non-empty scheduling gates',
      },
    ];
  }
  if (str(spec.serviceAccountName) === '' && str(spec.serviceAccount) === '') {
    spec.serviceAccountName = 'default';
    spec.serviceAccount = 'default';
  }
}

export function validatePod(obj: KubeObject): FieldError[] {
  const errs = validatePodSpec(obj.spec, 'spec');
  if (isObject(obj.spec) && objects(obj.spec.ephemeralContainers).length > 0) {
    errs.push(forbidden('spec.ephemeralContainers', 'cannot be set on create'));
  }
  return errs;
}

const UPDATABLE_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
].join(',');

function validateActiveDeadline(next: JsonObject, old: JsonObject): FieldError[] {
  const value: unknown = next.activeDeadlineSeconds;
  if (value === undefined || value === null) {
    return old.activeDeadlineSeconds !== undefined && old.activeDeadlineSeconds !== null
      ? [invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value')]
      : [];
  }
  if (typeof value !== 'number' || value < 0 || value > MAX_INT32) {
    return [invalid('spec.activeDeadlineSeconds', value, inclusiveRangeError(0, MAX_INT32))];
  }
  if (typeof old.activeDeadlineSeconds === 'number' && old.activeDeadlineSeconds < value) {
    return [invalid('spec.activeDeadlineSeconds', value, 'must be less than or equal to previous value')];
  }
  return [];
}

/**
 * The new spec with every change an update may make undone, so that it equals the old spec
 * exactly when the update changes nothing else.
 */
function withoutAllowedChanges(next: JsonObject, old: JsonObject): JsonObject {
  const munged = structuredClone(next);
  for (const list of ['containers', 'initContainers'] as const) {
    const oldList = objects(old[list]);
    const newList = objects(munged[list]);
    if (oldList.length === newList.length) newList.forEach((c, i) => (c.image = oldList[i]!.image));
  }
  munged.activeDeadlineSeconds = old.activeDeadlineSeconds;
  const oldTolerations = objects(old.tolerations);
  const newTolerations = objects(munged.tolerations);
  if (oldTolerations.every((t) => newTolerations.some((n) => deepEqual(n, t)))) munged.tolerations = old.tolerations;
  if (typeof old.terminationGracePeriodSeconds === 'number' && old.terminationGracePeriodSeconds < 0 && munged.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = old.terminationGracePeriodSeconds;
  }
  // Scheduling gates may only be removed.
  const oldGates = objects(old.schedulingGates);
  if (objects(munged.schedulingGates).every((g) => oldGates.some((o) => deepEqual(o, g)))) munged.schedulingGates = old.schedulingGates;
  // Binding a pod sets spec.nodeName once; it is never changed afterwards.
  if (str(old.nodeName) === '') munged.nodeName = old.nodeName;
  return munged;
}

export function validatePodUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const next: unknown = obj.spec;
  const prev: unknown = old.spec;
  if (!isObject(next) || !isObject(prev)) return validatePodSpec(next, 'spec');
  const errs = validatePodSpec(next, 'spec');
  errs.push(...validateActiveDeadline(next, prev));
  const munged = withoutAllowedChanges(next, prev);
  if (!deepEqual(munged, prev)) {
    const changed = diffPaths(prev, munged, 'spec', 10);
    errs.push(forbidden('spec', `pod updates may not change fields other than ${UPDATABLE_FIELDS}\n  changed: ${changed.join(', ')}`));
  }
  return errs;
}

/**
 * The grace period a DELETE gets: the requested one, else the pod's terminationGracePeriodSeconds;
 * 0 for a pod never bound to a node or already finished; never negative.
 */
export function podGracePeriodSeconds(obj: KubeObject, requested: number | undefined): number {
  const spec = isObject(obj.spec) ? obj.spec : {};
  let period =
    requested ?? (typeof spec.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS);
  if (str(spec.nodeName) === '') period = 0;
  const phase = isObject(obj.status) ? str(obj.status.phase) : '';
  if (phase === 'Succeeded' || phase === 'Failed') period = 0;
  return period < 0 ? 1 : period;
}

function specField(obj: KubeObject, field: string): string {
  return isObject(obj.spec) ? str(obj.spec[field]) : '';
}

function statusField(obj: KubeObject, field: string): string {
  return isObject(obj.status) ? str(obj.status[field]) : '';
}

/** Field selectors pods support besides metadata.name and metadata.namespace. */
export const podFieldSelectors: Readonly<Record<string, (obj: KubeObject) => string>> = {
  'spec.nodeName': (o) => specField(o, 'nodeName'),
  'spec.restartPolicy': (o) => specField(o, 'restartPolicy'),
  'spec.schedulerName': (o) => specField(o, 'schedulerName'),
  'spec.serviceAccountName': (o) => specField(o, 'serviceAccountName'),
  'spec.hostNetwork': (o) => String(isObject(o.spec) && o.spec.hostNetwork === true),
  'status.phase': (o) => statusField(o, 'phase'),
  'status.podIP': (o) => {
    const ips = isObject(o.status) ? objects(o.status.podIPs) : [];
    return ips.length > 0 ? str(ips[0]!.ip) : statusField(o, 'podIP');
  },
  'status.nominatedNodeName': (o) => statusField(o, 'nominatedNodeName'),
};
