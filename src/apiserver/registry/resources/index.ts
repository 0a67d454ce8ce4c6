/**
 * The strategies of every built-in resource, in the order they are registered (and listed in
 * discovery). Adding a built-in kind is one strategy file and one entry here.
 */
import { DEFAULT_TOLERATION_SECONDS, type DefaultTolerationSeconds } from '../../../api/core/v1/pod-default-tolerations.ts';
import type { ResourceAllocator, ResourceStrategy } from '../strategy.ts';
import { configMapStrategy } from './configmaps.ts';
import { controllerRevisionStrategy } from './controllerrevisions.ts';
import { cronJobStrategy } from './cronjobs.ts';
import { customResourceDefinitionStrategy } from './customresourcedefinitions.ts';
import { daemonSetStrategy } from './daemonsets.ts';
import { deploymentStrategy } from './deployments.ts';
import { endpointSliceStrategy } from './endpointslices.ts';
import { endpointsStrategy } from './endpoints.ts';
import { eventStrategy } from './events.ts';
import { horizontalPodAutoscalerStrategy, horizontalPodAutoscalerV1Strategy } from './horizontalpodautoscalers.ts';
import { jobStrategy } from './jobs.ts';
import { leaseStrategy } from './leases.ts';
import { limitRangeStrategy, resourceQuotaStrategy } from './namespace-policies.ts';
import { namespaceStrategy } from './namespaces.ts';
import { ingressClassStrategy, ingressStrategy, networkPolicyStrategy } from './networking.ts';
import { nodeStrategy } from './nodes.ts';
import { podDisruptionBudgetStrategy } from './poddisruptionbudgets.ts';
import { persistentVolumeClaimStrategy, persistentVolumeStrategy } from './persistentvolumes.ts';
import { podTemplateStrategy } from './podtemplates.ts';
import { podStrategyWith, type LimitRangeLookup, type ServiceAccountLookup } from './pods.ts';
import { priorityClassStrategy, type PriorityClassLookup } from './priority-classes.ts';
import { clusterRoleBindingStrategy, clusterRoleStrategy, roleBindingStrategy, roleStrategy } from './rbac.ts';
import { replicaSetStrategy } from './replicasets.ts';
import { replicationControllerStrategy } from './replicationcontrollers.ts';
import { secretStrategy } from './secrets.ts';
import { serviceAccountStrategy } from './serviceaccounts.ts';
import { serviceStrategy } from './services.ts';
import { statefulSetStrategy } from './statefulsets.ts';
import { storageClassStrategy } from './storageclasses.ts';

/** What built-in strategies need from the running server, and settings from its flags. */
export interface BuiltinStrategyDeps {
  /** Allocates Service cluster IPs and node ports (a ServiceAllocator). */
  readonly serviceAllocator: ResourceAllocator;
  /** Reads a namespace's LimitRanges for the limit range admission of pods. */
  readonly limitRanges: LimitRangeLookup;
  /**
   * Reads ServiceAccounts for the ServiceAccount admission of pods; undefined when the server
   * issues no tokens (no signing key), so pods get no volume that could never be filled.
   */
  readonly serviceAccounts: ServiceAccountLookup | undefined;
  /** Reads PriorityClasses for the priority admission of pods and the one-default rule. */
  readonly priorityClasses: PriorityClassLookup;
  /** Tolerations new pods get for the not-ready/unreachable NoExecute taints. @default 30 s each */
  readonly defaultTolerationSeconds?: DefaultTolerationSeconds;
}

export function builtinStrategies(deps: BuiltinStrategyDeps): ResourceStrategy[] {
  return [
    namespaceStrategy,
    podStrategyWith(deps.defaultTolerationSeconds ?? DEFAULT_TOLERATION_SECONDS, deps.priorityClasses, deps.limitRanges, deps.serviceAccounts),
    serviceStrategy(deps.serviceAllocator),
    endpointsStrategy,
    configMapStrategy,
    secretStrategy,
    nodeStrategy,
    eventStrategy,
    serviceAccountStrategy,
    persistentVolumeClaimStrategy,
    persistentVolumeStrategy,
    resourceQuotaStrategy,
    limitRangeStrategy,
    podTemplateStrategy,
    replicationControllerStrategy,
    deploymentStrategy,
    replicaSetStrategy,
    statefulSetStrategy,
    daemonSetStrategy,
    controllerRevisionStrategy,
    jobStrategy,
    cronJobStrategy,
    leaseStrategy,
    podDisruptionBudgetStrategy,
    horizontalPodAutoscalerStrategy,
    horizontalPodAutoscalerV1Strategy,
    ingressStrategy,
    ingressClassStrategy,
    networkPolicyStrategy,
    priorityClassStrategy(deps.priorityClasses),
    storageClassStrategy,
    endpointSliceStrategy,
    roleStrategy,
    clusterRoleStrategy,
    roleBindingStrategy,
    clusterRoleBindingStrategy,
    customResourceDefinitionStrategy,
  ];
}
