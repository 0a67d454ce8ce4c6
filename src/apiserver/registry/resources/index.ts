/**
 * The strategies of every built-in resource, in the order they are registered (and listed in
 * discovery). Adding a built-in kind is one strategy file and one entry here.
 */
import type { ResourceStrategy } from '../strategy.ts';
import { configMapStrategy } from './configmaps.ts';
import { controllerRevisionStrategy } from './controllerrevisions.ts';
import { daemonSetStrategy } from './daemonsets.ts';
import { deploymentStrategy } from './deployments.ts';
import { endpointSliceStrategy } from './endpointslices.ts';
import { endpointsStrategy } from './endpoints.ts';
import { eventStrategy } from './events.ts';
import { jobStrategy } from './jobs.ts';
import { leaseStrategy } from './leases.ts';
import { namespaceStrategy } from './namespaces.ts';
import { nodeStrategy } from './nodes.ts';
import { podStrategy } from './pods.ts';
import { replicaSetStrategy } from './replicasets.ts';
import { secretStrategy } from './secrets.ts';
import { serviceAccountStrategy } from './serviceaccounts.ts';
import { serviceStrategy } from './services.ts';
import { statefulSetStrategy } from './statefulsets.ts';

export function builtinStrategies(): ResourceStrategy[] {
  return [
    namespaceStrategy,
    podStrategy,
    serviceStrategy,
    endpointsStrategy,
    configMapStrategy,
    secretStrategy,
    nodeStrategy,
    eventStrategy,
    serviceAccountStrategy,
    deploymentStrategy,
    replicaSetStrategy,
    statefulSetStrategy,
    daemonSetStrategy,
    controllerRevisionStrategy,
    jobStrategy,
    leaseStrategy,
    endpointSliceStrategy,
  ];
}
