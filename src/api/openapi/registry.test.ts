import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  createSchemaRegistry, extendSchemaRegistry, referencedSchemas, removeSchemas, resolveSchema, schemaNameForKind,
} from './registry.ts';
import { builtinSchemaRegistry } from './schemas/index.ts';
import { kindWithList, obj, ref, str } from './schemas/dsl.ts';
import type { OpenApiSchema } from './schema-types.ts';

/** Walks a dotted field path the way `kubectl explain` does (through lists to their items). */
function explainPath(rootName: string, path: string): OpenApiSchema {
  let current = builtinSchemaRegistry.schemas.get(rootName);
  assert.ok(current, `missing ${rootName}`);
  for (const field of path.split('.')) {
    let resolved = resolveSchema(builtinSchemaRegistry, current);
    if (resolved?.type === 'array') resolved = resolveSchema(builtinSchemaRegistry, resolved.items!);
    const next = resolved?.properties?.[field];
    assert.ok(next, `${rootName}: no field ${field} in ${path}`);
    current = next;
  }
  return current;
}

void describe('builtin schema registry', () => {
  void it('has no dangling references', () => {
    const all = referencedSchemas(builtinSchemaRegistry, [...builtinSchemaRegistry.schemas.keys()].map((n) => ({ $ref: `#/components/schemas/${n}` })));
    assert.equal(all.size, builtinSchemaRegistry.schemas.size);
  });

  void it('describes every built-in kind and its list, with x-kubernetes-group-version-kind arrays', () => {
    const kinds: [string, string, string, string][] = [
      ['', 'v1', 'Pod', 'io.k8s.api.core.v1.Pod'],
      ['', 'v1', 'Service', 'io.k8s.api.core.v1.Service'],
      ['', 'v1', 'Endpoints', 'io.k8s.api.core.v1.Endpoints'],
      ['', 'v1', 'ConfigMap', 'io.k8s.api.core.v1.ConfigMap'],
      ['', 'v1', 'Secret', 'io.k8s.api.core.v1.Secret'],
      ['', 'v1', 'Namespace', 'io.k8s.api.core.v1.Namespace'],
      ['', 'v1', 'Node', 'io.k8s.api.core.v1.Node'],
      ['', 'v1', 'Event', 'io.k8s.api.core.v1.Event'],
      ['', 'v1', 'ServiceAccount', 'io.k8s.api.core.v1.ServiceAccount'],
      ['apps', 'v1', 'Deployment', 'io.k8s.api.apps.v1.Deployment'],
      ['apps', 'v1', 'ReplicaSet', 'io.k8s.api.apps.v1.ReplicaSet'],
      ['apps', 'v1', 'StatefulSet', 'io.k8s.api.apps.v1.StatefulSet'],
      ['apps', 'v1', 'DaemonSet', 'io.k8s.api.apps.v1.DaemonSet'],
      ['batch', 'v1', 'Job', 'io.k8s.api.batch.v1.Job'],
      ['batch', 'v1', 'CronJob', 'io.k8s.api.batch.v1.CronJob'],
      ['coordination.k8s.io', 'v1', 'Lease', 'io.k8s.api.coordination.v1.Lease'],
      ['discovery.k8s.io', 'v1', 'EndpointSlice', 'io.k8s.api.discovery.v1.EndpointSlice'],
    ];
    for (const [group, version, kind, name] of kinds) {
      assert.equal(schemaNameForKind(builtinSchemaRegistry, { group, version, kind }), name);
      assert.equal(schemaNameForKind(builtinSchemaRegistry, { group, version, kind: `${kind}List` }), `${name}List`);
      const gvks = builtinSchemaRegistry.schemas.get(name)!['x-kubernetes-group-version-kind'];
      assert.deepEqual(gvks, [{ group, version, kind }]);
    }
    assert.equal(schemaNameForKind(builtinSchemaRegistry, { group: 'autoscaling', version: 'v1', kind: 'Scale' }), 'io.k8s.api.autoscaling.v1.Scale');
    assert.equal(schemaNameForKind(builtinSchemaRegistry, { group: '', version: 'v1', kind: 'Status' }), 'io.k8s.apimachinery.pkg.apis.meta.v1.Status');
    assert.equal(schemaNameForKind(builtinSchemaRegistry, { group: 'apps', version: 'v1', kind: 'DeleteOptions' }), 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions');
  });

  void it('covers the fields clients set and read', () => {
    const paths: [string, string][] = [
      ['io.k8s.api.core.v1.Pod', 'metadata.ownerReferences.uid'],
      ['io.k8s.api.core.v1.Pod', 'metadata.managedFields.fieldsV1'],
      ['io.k8s.api.core.v1.Pod', 'spec.containers.env.valueFrom.configMapKeyRef.key'],
      ['io.k8s.api.core.v1.Pod', 'spec.containers.env.valueFrom.secretKeyRef.name'],
      ['io.k8s.api.core.v1.Pod', 'spec.containers.env.valueFrom.fieldRef.fieldPath'],
      ['io.k8s.api.core.v1.Pod', 'spec.containers.env.valueFrom.resourceFieldRef.divisor'],
      ['io.k8s.api.core.v1.Pod', 'spec.containers.envFrom.configMapRef.name'],
      ['io.k8s.api.core.v1.Pod', 'spec.containers.ports.hostIP'],
      ['io.k8s.api.core.v1.Pod', 'spec.containers.resources.limits'],
      ['io.k8s.api.core.v1.Pod', 'spec.containers.volumeMounts.subPath'],
      ['io.k8s.api.core.v1.Pod', 'spec.containers.livenessProbe.httpGet.port'],
      ['io.k8s.api.core.v1.Pod', 'spec.containers.readinessProbe.tcpSocket.port'],
      ['io.k8s.api.core.v1.Pod', 'spec.containers.startupProbe.exec.command'],
      ['io.k8s.api.core.v1.Pod', 'spec.containers.startupProbe.failureThreshold'],
      ['io.k8s.api.core.v1.Pod', 'spec.containers.lifecycle.preStop.exec.command'],
      ['io.k8s.api.core.v1.Pod', 'spec.containers.securityContext.capabilities.add'],
      ['io.k8s.api.core.v1.Pod', 'spec.containers.terminationMessagePolicy'],
      ['io.k8s.api.core.v1.Pod', 'spec.initContainers.stdin'],
      ['io.k8s.api.core.v1.Pod', 'spec.ephemeralContainers.targetContainerName'],
      ['io.k8s.api.core.v1.Pod', 'spec.volumes.configMap.items.key'],
      ['io.k8s.api.core.v1.Pod', 'spec.volumes.secret.secretName'],
      ['io.k8s.api.core.v1.Pod', 'spec.volumes.downwardAPI.items.fieldRef'],
      ['io.k8s.api.core.v1.Pod', 'spec.volumes.persistentVolumeClaim.claimName'],
      ['io.k8s.api.core.v1.Pod', 'spec.volumes.hostPath.path'],
      ['io.k8s.api.core.v1.Pod', 'spec.volumes.emptyDir.sizeLimit'],
      ['io.k8s.api.core.v1.Pod', 'spec.volumes.projected.sources'],
      ['io.k8s.api.core.v1.Pod', 'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms.matchExpressions.key'],
      ['io.k8s.api.core.v1.Pod', 'spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution.podAffinityTerm.topologyKey'],
      ['io.k8s.api.core.v1.Pod', 'spec.tolerations.tolerationSeconds'],
      ['io.k8s.api.core.v1.Pod', 'spec.topologySpreadConstraints.labelSelector.matchLabels'],
      ['io.k8s.api.core.v1.Pod', 'spec.readinessGates.conditionType'],
      ['io.k8s.api.core.v1.Pod', 'spec.imagePullSecrets.name'],
      ['io.k8s.api.core.v1.Pod', 'spec.enableServiceLinks'],
      ['io.k8s.api.core.v1.Pod', 'status.conditions.lastTransitionTime'],
      ['io.k8s.api.core.v1.Pod', 'status.podIPs.ip'],
      ['io.k8s.api.core.v1.Pod', 'status.containerStatuses.lastState.terminated.exitCode'],
      ['io.k8s.api.core.v1.Pod', 'status.containerStatuses.started'],
      ['io.k8s.api.core.v1.Pod', 'status.qosClass'],
      ['io.k8s.api.core.v1.Service', 'spec.ports.targetPort'],
      ['io.k8s.api.core.v1.Service', 'status.loadBalancer.ingress.ip'],
      ['io.k8s.api.core.v1.Endpoints', 'subsets.addresses.targetRef.uid'],
      ['io.k8s.api.core.v1.Node', 'spec.taints.effect'],
      ['io.k8s.api.core.v1.Node', 'spec.podCIDR'],
      ['io.k8s.api.core.v1.Node', 'status.daemonEndpoints.kubeletEndpoint.Port'],
      ['io.k8s.api.core.v1.Node', 'status.nodeInfo.kubeletVersion'],
      ['io.k8s.api.core.v1.Node', 'status.addresses.address'],
      ['io.k8s.api.core.v1.Event', 'involvedObject.fieldPath'],
      ['io.k8s.api.apps.v1.Deployment', 'spec.template.spec.containers.image'],
      ['io.k8s.api.apps.v1.Deployment', 'spec.strategy.rollingUpdate.maxSurge'],
      ['io.k8s.api.apps.v1.Deployment', 'status.conditions.lastUpdateTime'],
      ['io.k8s.api.apps.v1.StatefulSet', 'spec.volumeClaimTemplates.spec.resources.requests'],
      ['io.k8s.api.apps.v1.DaemonSet', 'status.numberReady'],
      ['io.k8s.api.batch.v1.Job', 'status.conditions.type'],
      ['io.k8s.api.batch.v1.CronJob', 'spec.jobTemplate.spec.template.spec.restartPolicy'],
      ['io.k8s.api.coordination.v1.Lease', 'spec.renewTime'],
      ['io.k8s.api.discovery.v1.EndpointSlice', 'endpoints.conditions.ready'],
      ['io.k8s.api.autoscaling.v1.Scale', 'status.selector'],
    ];
    for (const [root, path] of paths) explainPath(root, path);
  });

  void it('marks the merge keys and strategies of the patchable lists', () => {
    const ext = (root: string, path: string): [unknown, unknown] => {
      const s = explainPath(root, path);
      return [s['x-kubernetes-patch-strategy'], s['x-kubernetes-patch-merge-key']];
    };
    assert.deepEqual(ext('io.k8s.api.core.v1.Pod', 'spec.containers'), ['merge', 'name']);
    assert.deepEqual(ext('io.k8s.api.core.v1.Pod', 'spec.volumes'), ['merge,retainKeys', 'name']);
    assert.deepEqual(ext('io.k8s.api.core.v1.Pod', 'spec.containers.ports'), ['merge', 'containerPort']);
    assert.deepEqual(ext('io.k8s.api.core.v1.Pod', 'spec.containers.volumeMounts'), ['merge', 'mountPath']);
    assert.deepEqual(ext('io.k8s.api.core.v1.Pod', 'spec.tolerations'), [undefined, undefined]);
    assert.deepEqual(ext('io.k8s.api.core.v1.Pod', 'metadata.finalizers'), ['merge', undefined]);
    assert.deepEqual(ext('io.k8s.api.core.v1.Service', 'spec.ports'), ['merge', 'port']);
    assert.deepEqual(explainPath('io.k8s.api.core.v1.Service', 'spec.ports')['x-kubernetes-list-map-keys'], ['port', 'protocol']);
    assert.deepEqual(ext('io.k8s.api.apps.v1.Deployment', 'spec.strategy'), ['retainKeys', undefined]);
    assert.deepEqual(ext('io.k8s.api.core.v1.Pod', 'status.conditions'), ['merge', 'type']);
  });
});

void describe('schema registry operations', () => {
  const crd = kindWithList({ group: 'example.com', version: 'v1', kind: 'Widget' }, 'A custom widget.', {
    spec: obj('Widget spec.', { size: str('How big.') }),
  });

  void it('extends with custom schemas, replacing by name, and removes them', () => {
    const extended = extendSchemaRegistry(builtinSchemaRegistry, crd);
    assert.equal(schemaNameForKind(extended, { group: 'example.com', version: 'v1', kind: 'Widget' }), 'io.k8s.api.example.v1.Widget');
    assert.equal(schemaNameForKind(builtinSchemaRegistry, { group: 'example.com', version: 'v1', kind: 'Widget' }), undefined);
    const replaced = extendSchemaRegistry(extended, { 'io.k8s.api.example.v1.Widget': { type: 'object', description: 'v2' } });
    assert.equal(schemaNameForKind(replaced, { group: 'example.com', version: 'v1', kind: 'Widget' }), undefined);
    assert.equal(replaced.schemas.get('io.k8s.api.example.v1.Widget')!.description, 'v2');
    const removed = removeSchemas(extended, ['io.k8s.api.example.v1.Widget', 'io.k8s.api.example.v1.WidgetList']);
    assert.equal(removed.schemas.size, builtinSchemaRegistry.schemas.size);
  });

  void it('refuses two schemas describing one kind', () => {
    const gvk = [{ group: 'g', version: 'v1', kind: 'K' }];
    assert.throws(() => createSchemaRegistry({ a: { type: 'object', 'x-kubernetes-group-version-kind': gvk }, b: { type: 'object', 'x-kubernetes-group-version-kind': gvk } }), /both describe g\/v1\/K/);
  });

  void it('resolves allOf and $ref, and reports dangling references', () => {
    const registry = createSchemaRegistry({ target: { type: 'string' }, holder: obj(undefined, { f: ref('target', 'described') }) });
    assert.deepEqual(resolveSchema(registry, ref('target', 'x')), { type: 'string' });
    assert.equal(resolveSchema(registry, ref('missing')), undefined);
    assert.throws(() => referencedSchemas(registry, ref('missing')), /missing is referenced but not registered/);
    assert.deepEqual([...referencedSchemas(registry, ref('holder')).keys()], ['holder', 'target']);
  });
});
