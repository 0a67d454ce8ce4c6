/**
 * Pods: graceful deletion for pods bound to a node; spec nearly immutable; status via
 * pods/status; new pods get the default not-ready/unreachable tolerations, their priority
 * (priority admission), LimitRange defaults and bounds (limit range admission) and their
 * service account's API access volume (ServiceAccount admission).
 */
import { addDefaultTolerations, type DefaultTolerationSeconds } from '../../../api/core/v1/pod-default-tolerations.ts';
import { defaultPod, podFieldSelectors, podGracePeriodSeconds, podType, preparePodForCreate, validatePod, validatePodUpdate } from '../../../api/core/v1/pod.ts';
import { podTableColumns, podTableRow } from '../../../api/core/v1/pod-table.ts';
import { defineStrategy } from '../define-strategy.ts';
import type { ResourceStrategy } from '../strategy.ts';
import { admitPodPriority, type PriorityClassLookup } from './priority-classes.ts';
import { admitPodToLimitRanges } from '../../../api/core/v1/limit-range-admission.ts';
import { admitPodServiceAccount } from '../../../api/core/v1/service-account-admission.ts';
import { str } from '../../../api/meta/shape.ts';
import type { KubeObject } from '../../../api/meta/types.ts';
import { forbidden } from '../../errors.ts';

/** A ServiceAccount (undefined when there is none), read when a pod that runs as it is created. */
export type ServiceAccountLookup = (namespace: string, name: string) => Promise<KubeObject | undefined>;

/** The LimitRanges of a namespace, read when a pod is created there. */
export type LimitRangeLookup = (namespace: string) => Promise<readonly KubeObject[]>;

/** Fills a new pod's container defaults from its namespace's LimitRanges, or refuses it with 403. */
async function admitPodLimits(pod: KubeObject, limitRanges: LimitRangeLookup): Promise<void> {
  const ranges = await limitRanges(pod.metadata.namespace ?? '');
  if (ranges.length === 0) return;
  const errors = admitPodToLimitRanges(pod, ranges);
  if (errors.length === 0) return;
  const name = pod.metadata.name ?? '';
  // One violation reads as itself, several as a bracketed list, as upstream aggregates them.
  throw forbidden(`pods "${name}" is forbidden: ${errors.length === 1 ? errors[0]! : `[${errors.join(', ')}]`}`, { name, kind: 'pods' });
}

/**
 * The pod strategy with the given default toleration seconds (the apiserver flags); new pods
 * get their priority from the PriorityClasses `classes` reads, their containers' defaults and
 * bounds from the LimitRanges `limitRanges` reads, and an API access volume unless the account
 * `serviceAccounts` reads opts out (none at all without `serviceAccounts`: a server that issues
 * no tokens).
 */
export function podStrategyWith(
  tolerationSeconds: DefaultTolerationSeconds,
  classes: PriorityClassLookup,
  limitRanges: LimitRangeLookup,
  serviceAccounts: ServiceAccountLookup | undefined,
): ResourceStrategy {
  return defineStrategy({
    type: podType,
    hasStatus: true,
    gracePeriodSeconds: podGracePeriodSeconds,
    applyDefaults: defaultPod,
    prepareForCreate: (obj) => {
      preparePodForCreate(obj);
      addDefaultTolerations(obj, tolerationSeconds);
    },
    admitCreate: async (obj) => {
      await admitPodPriority(obj, classes);
      await admitPodLimits(obj, limitRanges);
      if (serviceAccounts === undefined) return;
      const account = str((obj.spec as { serviceAccountName?: unknown } | undefined)?.serviceAccountName);
      admitPodServiceAccount(obj, account === '' ? undefined : await serviceAccounts(obj.metadata.namespace ?? '', account));
    },
    validateCreate: validatePod,
    validateUpdate: validatePodUpdate,
    // Pods do not track generations of their spec (only images and a few fields can change).
    changesGeneration: () => false,
    tableColumns: podTableColumns,
    tableRow: podTableRow,
    fieldSelectors: podFieldSelectors,
  });
}
