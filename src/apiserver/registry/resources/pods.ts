/**
 * Pods: graceful deletion for pods bound to a node; spec nearly immutable; status via
 * pods/status; new pods get the default not-ready/unreachable tolerations and their priority
 * (priority admission), and are refused beyond a ResourceQuota (quota admission).
 */
import { addDefaultTolerations, type DefaultTolerationSeconds } from '../../../api/core/v1/pod-default-tolerations.ts';
import { defaultPod, podFieldSelectors, podGracePeriodSeconds, podType, preparePodForCreate, validatePod, validatePodUpdate } from '../../../api/core/v1/pod.ts';
import { podTableColumns, podTableRow } from '../../../api/core/v1/pod-table.ts';
import { defineStrategy } from '../define-strategy.ts';
import type { ResourceAllocator, ResourceStrategy } from '../strategy.ts';
import { admitPodPriority, type PriorityClassLookup } from './priority-classes.ts';

/**
 * The pod strategy with the given default toleration seconds (the apiserver flags); new pods
 * get their priority from the PriorityClasses `classes` reads, and are charged to their
 * namespace's ResourceQuotas by `quota`.
 */
export function podStrategyWith(tolerationSeconds: DefaultTolerationSeconds, classes: PriorityClassLookup, quota: ResourceAllocator): ResourceStrategy {
  return defineStrategy({
    type: podType,
    allocator: quota,
    hasStatus: true,
    gracePeriodSeconds: podGracePeriodSeconds,
    applyDefaults: defaultPod,
    prepareForCreate: (obj) => {
      preparePodForCreate(obj);
      addDefaultTolerations(obj, tolerationSeconds);
    },
    admitCreate: (obj) => admitPodPriority(obj, classes),
    validateCreate: validatePod,
    validateUpdate: validatePodUpdate,
    // Pods do not track generations of their spec (only images and a few fields can change).
    changesGeneration: () => false,
    tableColumns: podTableColumns,
    tableRow: podTableRow,
    fieldSelectors: podFieldSelectors,
  });
}
