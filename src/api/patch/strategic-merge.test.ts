import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { strategicMergePatch, PatchError } from './strategic-merge.ts';
import { emptyPatchSchema, type PatchSchema } from './patch-schema.ts';
import { createSchemaRegistry } from '../openapi/registry.ts';
import { patchSchemaForKind } from '../openapi/patch-schema.ts';
import { builtinSchemaRegistry } from '../openapi/schemas/index.ts';
import { arr, int32, map, obj, ref, str } from '../openapi/schemas/dsl.ts';

function kindSchema(group: string, version: string, kind: string): PatchSchema {
  const schema = patchSchemaForKind(builtinSchemaRegistry, { group, version, kind });
  assert.ok(schema, `no schema for ${kind}`);
  return schema;
}

const pod = kindSchema('', 'v1', 'Pod');
const deployment = kindSchema('apps', 'v1', 'Deployment');
const service = kindSchema('', 'v1', 'Service');

/** A schema with one field of each patch behaviour, for the generic rules. */
const widgetRegistry = createSchemaRegistry({
  'test.Widget': {
    ...obj('A test object.', {
      name: str(),
      value: str(),
      count: int32(),
      keyed: arr(ref('test.Widget'), { strategy: 'merge', mergeKey: 'name' }),
      plain: arr(ref('test.Widget')),
      numbers: arr(int32(), { strategy: 'merge' }),
      tags: arr(str()),
      labels: map(str()),
      whole: { ...ref('test.Widget'), 'x-kubernetes-patch-strategy': 'replace' },
      oneOf: { ...ref('test.Widget'), 'x-kubernetes-patch-strategy': 'retainKeys' },
      nested: ref('test.Widget'),
    }),
    'x-kubernetes-group-version-kind': [{ group: 'test', version: 'v1', kind: 'Widget' }],
  },
});
const widget = patchSchemaForKind(widgetRegistry, { group: 'test', version: 'v1', kind: 'Widget' })!;

function rejects(fn: () => unknown, reason: 'BadRequest' | 'Invalid', pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof PatchError, `expected a PatchError, got ${String(err)}`);
    assert.equal(err.reason, reason);
    assert.equal(err.code, reason === 'BadRequest' ? 400 : 422);
    assert.match(err.message, pattern);
    return true;
  });
}

function podWith(spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec };
}

void describe('strategicMergePatch: maps and scalars', () => {
  void it('sets new fields and replaces scalars, keeping the rest', () => {
    const out = strategicMergePatch({ name: 'a', value: 'x', count: 1 }, { value: 'y', count: 2, tags: ['t'] }, widget);
    assert.deepEqual(out, { name: 'a', value: 'y', count: 2, tags: ['t'] });
  });

  void it('null removes a key, and is ignored for a key that is absent', () => {
    const out = strategicMergePatch({ name: 'a', value: 'x' }, { value: null, count: null }, widget);
    assert.deepEqual(out, { name: 'a' });
  });

  void it('merges nested maps key by key, null removing one label', () => {
    const out = strategicMergePatch(
      { metadata: { name: 'p', labels: { app: 'web', tier: 'fe' } } },
      { metadata: { labels: { tier: null, track: 'stable' } } },
      pod,
    );
    assert.deepEqual(out.metadata, { name: 'p', labels: { app: 'web', track: 'stable' } });
  });

  void it('"$patch": "delete" in an object empties it', () => {
    const out = strategicMergePatch({ labels: { a: '1', b: '2' }, name: 'n' }, { labels: { $patch: 'delete' } }, widget);
    assert.deepEqual(out, { labels: {}, name: 'n' });
  });

  void it('"$patch": "replace" in an object replaces it with the rest of the patch object', () => {
    const out = strategicMergePatch({ nested: { name: 'a', value: 'v', count: 3 } }, { nested: { $patch: 'replace', value: 'w' } }, widget);
    assert.deepEqual(out, { nested: { value: 'w' } });
  });

  void it('a field with strategy replace is replaced as a whole', () => {
    const out = strategicMergePatch({ whole: { name: 'a', value: 'v' } }, { whole: { count: 1 } }, widget);
    assert.deepEqual(out, { whole: { count: 1 } });
  });

  void it('a value of another type replaces the original', () => {
    const out = strategicMergePatch({ value: 'x', nested: { name: 'a' } }, { value: { deep: true }, nested: 'flat' }, widget);
    assert.deepEqual(out, { value: { deep: true }, nested: 'flat' });
  });

  void it('a top-level "$patch": "delete" yields an empty object', () => {
    assert.deepEqual(strategicMergePatch({ name: 'a' }, { $patch: 'delete' }, widget), {});
  });

  void it('an unknown "$patch" value in an object is Invalid', () => {
    rejects(() => strategicMergePatch({ nested: { name: 'a' } }, { nested: { $patch: 'merge' } }, widget), 'Invalid', /unknown patch directive "merge"/);
  });

  void it('does not modify its arguments', () => {
    const original = podWith({ containers: [{ name: 'a', image: 'x' }] });
    const patch = { spec: { containers: [{ name: 'a', image: 'y' }, { name: 'b', image: 'z' }] } };
    const before = structuredClone({ original, patch });
    strategicMergePatch(original, patch, pod);
    assert.deepEqual({ original, patch }, before);
  });

  void it('treats __proto__ and constructor as plain keys', () => {
    const patch = JSON.parse('{"labels":{"__proto__":{"polluted":"yes"},"constructor":"c"}}') as unknown;
    const out = strategicMergePatch({ labels: { a: '1' } }, patch, widget);
    const labels = out.labels as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(labels), Object.prototype);
    assert.deepEqual(Object.keys(labels), ['a', '__proto__', 'constructor']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  void it('rejects a patch or an original that is not an object with BadRequest', () => {
    rejects(() => strategicMergePatch({}, [], widget), 'BadRequest', /must be a JSON object/);
    rejects(() => strategicMergePatch('x', {}, widget), 'BadRequest', /not a JSON object/);
  });
});

void describe('strategicMergePatch: lists merged by key', () => {
  void it('merges containers by name: the patched container changes, the others stay', () => {
    const out = strategicMergePatch(
      podWith({ containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }, { name: 'log', image: 'busybox' }] }),
      { spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] } },
      pod,
    );
    assert.deepEqual((out.spec as any).containers, [
      { name: 'web', image: 'nginx:1.28', ports: [{ containerPort: 80 }] },
      { name: 'log', image: 'busybox' },
    ]);
  });

  void it('merges env by name and volumeMounts by mountPath inside a container', () => {
    const out = strategicMergePatch(
      podWith({
        containers: [{
          name: 'web',
          env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }],
          volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'tmp', mountPath: '/tmp' }],
        }],
      }),
      { spec: { containers: [{ name: 'web', env: [{ name: 'B', value: '20' }], volumeMounts: [{ mountPath: '/data', readOnly: true }] }] } },
      pod,
    );
    const c = (out.spec as any).containers[0];
    assert.deepEqual(c.env, [{ name: 'A', value: '1' }, { name: 'B', value: '20' }]);
    assert.deepEqual(c.volumeMounts, [{ name: 'data', mountPath: '/data', readOnly: true }, { name: 'tmp', mountPath: '/tmp' }]);
  });

  void it('merges container ports by containerPort; without $setElementOrder a new element goes before the server ones', () => {
    const out = strategicMergePatch(
      podWith({ containers: [{ name: 'web', ports: [{ containerPort: 80, name: 'http' }] }] }),
      { spec: { containers: [{ name: 'web', ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 9090 }] }] } },
      pod,
    );
    assert.deepEqual((out.spec as any).containers[0].ports, [{ containerPort: 80, name: 'http', protocol: 'TCP' }, { containerPort: 9090 }]);

    const added = strategicMergePatch(
      podWith({ containers: [{ name: 'web', ports: [{ containerPort: 80 }, { containerPort: 81 }] }] }),
      { spec: { containers: [{ name: 'web', ports: [{ containerPort: 9090 }] }] } },
      pod,
    );
    assert.deepEqual((added.spec as any).containers[0].ports, [{ containerPort: 9090 }, { containerPort: 80 }, { containerPort: 81 }]);
  });

  void it('keeps the patch order for patched elements and the server order for the others', () => {
    const out = strategicMergePatch(
      { keyed: [{ name: 'a' }, { name: 'b', value: 'b' }, { name: 'c' }] },
      { keyed: [{ name: 'c', value: 'c' }, { name: 'a', value: 'a' }] },
      widget,
    );
    assert.deepEqual(out.keyed, [{ name: 'b', value: 'b' }, { name: 'c', value: 'c' }, { name: 'a', value: 'a' }]);
  });

  void it('merges service ports by port', () => {
    const out = strategicMergePatch(
      { spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'https', port: 443 }] } },
      { spec: { ports: [{ port: 80, targetPort: 'web' }] } },
      service,
    );
    assert.deepEqual((out.spec as any).ports, [{ name: 'http', port: 80, targetPort: 'web' }, { name: 'https', port: 443 }]);
  });

  void it('merges ownerReferences by uid', () => {
    const out = strategicMergePatch(
      { metadata: { ownerReferences: [{ uid: 'u1', kind: 'ReplicaSet', name: 'rs', apiVersion: 'apps/v1' }] } },
      { metadata: { ownerReferences: [{ uid: 'u1', controller: true }, { uid: 'u2', kind: 'Node', name: 'n', apiVersion: 'v1' }] } },
      pod,
    );
    assert.deepEqual((out.metadata as any).ownerReferences, [
      { uid: 'u1', kind: 'ReplicaSet', name: 'rs', apiVersion: 'apps/v1', controller: true },
      { uid: 'u2', kind: 'Node', name: 'n', apiVersion: 'v1' },
    ]);
  });

  void it('"$patch": "delete" in an element removes every element with that key', () => {
    const out = strategicMergePatch(
      { keyed: [{ name: 'a' }, { name: 'b' }, { name: 'a', value: 'dup' }, { name: 'c' }] },
      { keyed: [{ name: 'a', $patch: 'delete' }, { name: 'zz', $patch: 'delete' }] },
      widget,
    );
    assert.deepEqual(out.keyed, [{ name: 'b' }, { name: 'c' }]);
  });

  void it('deletes a container with "$patch": "delete"', () => {
    const out = strategicMergePatch(
      podWith({ containers: [{ name: 'web', image: 'nginx' }, { name: 'sidecar', image: 'envoy' }] }),
      { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } },
      pod,
    );
    assert.deepEqual((out.spec as any).containers, [{ name: 'web', image: 'nginx' }]);
  });

  void it('"$patch": "replace" in an element replaces the whole list with the other elements', () => {
    const out = strategicMergePatch(
      podWith({ containers: [{ name: 'web', image: 'nginx', env: [{ name: 'A', value: '1' }] }, { name: 'side', image: 's' }] }),
      { spec: { containers: [{ name: 'only', image: 'busybox' }, { $patch: 'replace' }] } },
      pod,
    );
    assert.deepEqual((out.spec as any).containers, [{ name: 'only', image: 'busybox' }]);
    const emptied = strategicMergePatch({ keyed: [{ name: 'a' }, { name: 'b' }] }, { keyed: [{ $patch: 'replace' }] }, widget);
    assert.deepEqual(emptied.keyed, []);
  });

  void it('"$patch": "merge" in a list is Invalid', () => {
    rejects(() => strategicMergePatch({ keyed: [{ name: 'a' }] }, { keyed: [{ $patch: 'merge' }] }, widget), 'Invalid', /"\$patch": "merge"/);
  });

  void it('an element without the merge key is Invalid', () => {
    rejects(
      () => strategicMergePatch(podWith({ containers: [{ name: 'web' }] }), { spec: { containers: [{ image: 'x' }] } }, pod),
      'Invalid',
      /does not contain the merge key "name"/,
    );
  });

  void it('a merge list of objects whose schema gives no merge key is Invalid', () => {
    const registry = createSchemaRegistry({
      'test.Bad': { ...obj(undefined, { items: arr(obj(undefined, { a: str() }), { strategy: 'merge' }) }), 'x-kubernetes-group-version-kind': [{ group: 't', version: 'v1', kind: 'Bad' }] },
    });
    const bad = patchSchemaForKind(registry, { group: 't', version: 'v1', kind: 'Bad' })!;
    rejects(() => strategicMergePatch({ items: [{ a: '1' }] }, { items: [{ a: '2' }] }, bad), 'Invalid', /no merge key/);
  });

  void it('lists of lists and lists of mixed types are Invalid', () => {
    rejects(() => strategicMergePatch({ numbers: [[1]] }, { numbers: [[2]] }, widget), 'Invalid', /lists of lists/);
    rejects(() => strategicMergePatch({ numbers: [1, 2] }, { numbers: ['3'] }, widget), 'Invalid', /not all of one type/);
  });

  void it('cleans directives and nulls out of elements it inserts', () => {
    const out = strategicMergePatch(
      podWith({ containers: [{ name: 'web' }] }),
      {
        spec: {
          containers: [{
            name: 'new',
            image: 'x',
            workingDir: null,
            env: [{ name: 'A', value: '1' }, { name: 'GONE', $patch: 'delete' }],
            '$setElementOrder/env': [{ name: 'A' }],
          }],
        },
      },
      pod,
    );
    assert.deepEqual((out.spec as any).containers, [{ name: 'new', image: 'x', env: [{ name: 'A', value: '1' }] }, { name: 'web' }]);
  });
});

void describe('strategicMergePatch: lists replaced or merged as sets', () => {
  void it('replaces lists without a merge strategy (command, tolerations)', () => {
    const out = strategicMergePatch(
      podWith({ containers: [{ name: 'web', command: ['a', 'b'] }], tolerations: [{ key: 'k1' }, { key: 'k2' }] }),
      { spec: { containers: [{ name: 'web', command: ['c'] }], tolerations: [{ key: 'k3', value: null }] } },
      pod,
    );
    assert.deepEqual((out.spec as any).containers[0].command, ['c']);
    assert.deepEqual((out.spec as any).tolerations, [{ key: 'k3' }]);
  });

  void it('merges finalizers as a set: duplicates vanish and new values go first', () => {
    const out = strategicMergePatch({ metadata: { finalizers: ['a', 'b'] } }, { metadata: { finalizers: ['b', 'c', 'c'] } }, pod);
    assert.deepEqual((out.metadata as any).finalizers, ['a', 'b', 'c']);
    const added = strategicMergePatch({ metadata: { finalizers: ['a', 'b'] } }, { metadata: { finalizers: ['z'] } }, pod);
    assert.deepEqual((added.metadata as any).finalizers, ['z', 'a', 'b']);
  });

  void it('$deleteFromPrimitiveList removes values from finalizers', () => {
    const out = strategicMergePatch(
      { metadata: { finalizers: ['a', 'b', 'a', 'c'] } },
      { metadata: { '$deleteFromPrimitiveList/finalizers': ['a', 'missing'] } },
      pod,
    );
    assert.deepEqual((out.metadata as any).finalizers, ['b', 'c']);
  });

  void it('$deleteFromPrimitiveList of an absent list adds nothing; a non-list value is BadRequest', () => {
    const out = strategicMergePatch({ metadata: { name: 'p' } }, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }, pod);
    assert.deepEqual(out.metadata, { name: 'p' });
    rejects(() => strategicMergePatch({ numbers: [1] }, { '$deleteFromPrimitiveList/numbers': 1 }, widget), 'BadRequest', /must name a field and hold a list/);
  });

  void it('$deleteFromPrimitiveList also applies to a list without merge strategy', () => {
    const out = strategicMergePatch({ tags: ['x', 'y', 'z'] }, { '$deleteFromPrimitiveList/tags': ['y'] }, widget);
    assert.deepEqual(out.tags, ['x', 'z']);
  });
});

void describe('strategicMergePatch: $setElementOrder', () => {
  void it('orders the merged list as the directive says', () => {
    const out = strategicMergePatch(
      { keyed: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] },
      { '$setElementOrder/keyed': [{ name: 'c' }, { name: 'a' }, { name: 'b' }], keyed: [{ name: 'a', value: '1' }] },
      widget,
    );
    assert.deepEqual(out.keyed, [{ name: 'c' }, { name: 'a', value: '1' }, { name: 'b' }]);
  });

  void it('keeps server-only elements near their original neighbours', () => {
    const out = strategicMergePatch(
      { keyed: [{ name: 'a' }, { name: 'server' }, { name: 'b' }] },
      { '$setElementOrder/keyed': [{ name: 'a' }, { name: 'new' }, { name: 'b' }], keyed: [{ name: 'new' }] },
      widget,
    );
    assert.deepEqual(out.keyed, [{ name: 'a' }, { name: 'new' }, { name: 'server' }, { name: 'b' }]);
  });

  void it('with a removed container: the deleted one goes, the rest follow the order', () => {
    const out = strategicMergePatch(
      podWith({ containers: [{ name: 'a', image: '1' }, { name: 'b', image: '2' }, { name: 'c', image: '3' }] }),
      { spec: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }], containers: [{ name: 'b', $patch: 'delete' }] } },
      pod,
    );
    assert.deepEqual((out.spec as any).containers, [{ name: 'c', image: '3' }, { name: 'a', image: '1' }]);
  });

  void it('orders a list of primitives, and applies $deleteFromPrimitiveList after it', () => {
    const out = strategicMergePatch(
      { numbers: [1, 2, 3, 4] },
      { '$setElementOrder/numbers': [2, 1, 5], numbers: [5], '$deleteFromPrimitiveList/numbers': [3] },
      widget,
    );
    assert.deepEqual(out.numbers, [2, 1, 5, 4]);
  });

  void it('names an element the list does not have: it is ignored', () => {
    const out = strategicMergePatch(
      { keyed: [{ name: 'a' }, { name: 'c' }] },
      { '$setElementOrder/keyed': [{ name: 'c' }, { name: 'b' }, { name: 'a' }], keyed: [{ name: 'c', value: 'C' }, { name: 'a', value: 'A' }] },
      widget,
    );
    assert.deepEqual(out.keyed, [{ name: 'c', value: 'C' }, { name: 'a', value: 'A' }]);
  });

  void it('creates the list when the original has none', () => {
    const out = strategicMergePatch({}, { '$setElementOrder/keyed': [{ name: 'b' }, { name: 'a' }], keyed: [{ name: 'b' }, { name: 'a' }] }, widget);
    assert.deepEqual(out, { keyed: [{ name: 'b' }, { name: 'a' }] });
  });

  void it('a patch list out of the directive order is BadRequest', () => {
    rejects(
      () => strategicMergePatch(
        { keyed: [{ name: 'a' }, { name: 'b' }] },
        { '$setElementOrder/keyed': [{ name: 'a' }, { name: 'b' }], keyed: [{ name: 'b' }, { name: 'a' }] },
        widget,
      ),
      'BadRequest',
      /do not follow the order of \$setElementOrder\/keyed/,
    );
  });

  void it('a directive that is not a list is BadRequest', () => {
    rejects(() => strategicMergePatch({ keyed: [] }, { '$setElementOrder/keyed': 'a' }, widget), 'BadRequest', /hold a list/);
  });
});

void describe('strategicMergePatch: $retainKeys', () => {
  void it('switching a deployment to Recreate drops rollingUpdate', () => {
    const out = strategicMergePatch(
      { spec: { replicas: 2, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } } },
      { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } },
      deployment,
    );
    assert.deepEqual(out.spec, { replicas: 2, strategy: { type: 'Recreate' } });
  });

  void it('changing a volume source keeps only the listed keys of the volume', () => {
    const out = strategicMergePatch(
      podWith({ volumes: [{ name: 'cfg', configMap: { name: 'old' } }, { name: 'tmp', emptyDir: {} }] }),
      { spec: { volumes: [{ $retainKeys: ['name', 'secret'], name: 'cfg', secret: { secretName: 's' } }] } },
      pod,
    );
    assert.deepEqual((out.spec as any).volumes, [{ name: 'cfg', secret: { secretName: 's' } }, { name: 'tmp', emptyDir: {} }]);
  });

  void it('without the directive a retainKeys field merges normally', () => {
    const out = strategicMergePatch({ oneOf: { name: 'a', value: 'v' } }, { oneOf: { count: 1 } }, widget);
    assert.deepEqual(out.oneOf, { name: 'a', value: 'v', count: 1 });
  });

  void it('setting a key the directive does not list is BadRequest', () => {
    rejects(() => strategicMergePatch({ oneOf: { name: 'a' } }, { oneOf: { $retainKeys: ['name'], value: 'v' } }, widget), 'BadRequest', /not listed in \$retainKeys/);
    rejects(() => strategicMergePatch({ oneOf: {} }, { oneOf: { $retainKeys: 'name' } }, widget), 'BadRequest', /\$retainKeys must be a list/);
  });
});

void describe('strategicMergePatch: bodies kubectl sends', () => {
  const liveDeployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'default',
      resourceVersion: '105',
      annotations: { 'deployment.kubernetes.io/revision': '1', 'kubectl.kubernetes.io/last-applied-configuration': '{"old":true}' },
    },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'nginx',
              image: 'nginx:1.27',
              env: [{ name: 'MODE', value: 'a' }, { name: 'LEVEL', value: 'info' }],
              ports: [{ containerPort: 80, protocol: 'TCP' }],
              terminationMessagePath: '/dev/termination-log',
            },
            { name: 'sidecar', image: 'busybox', command: ['sleep', '3600'] },
          ],
          restartPolicy: 'Always',
        },
      },
    },
    status: { replicas: 3, observedGeneration: 1 },
  };

  void it('apply: a container removed, an env var changed, a port added', () => {
    // What `kubectl apply` computes from last-applied (two containers) and a manifest with
    // the sidecar gone, LEVEL changed and port 8080 added.
    const patch = {
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"new":true}' } },
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'nginx' }],
            containers: [
              {
                '$setElementOrder/env': [{ name: 'MODE' }, { name: 'LEVEL' }],
                '$setElementOrder/ports': [{ containerPort: 80 }, { containerPort: 8080 }],
                env: [{ name: 'LEVEL', value: 'debug' }],
                name: 'nginx',
                ports: [{ containerPort: 8080 }],
              },
              { $patch: 'delete', name: 'sidecar' },
            ],
          },
        },
      },
    };
    const out = strategicMergePatch(liveDeployment, patch, deployment) as any;
    assert.deepEqual(out.spec.template.spec.containers, [
      {
        name: 'nginx',
        image: 'nginx:1.27',
        env: [{ name: 'MODE', value: 'a' }, { name: 'LEVEL', value: 'debug' }],
        ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 8080 }],
        terminationMessagePath: '/dev/termination-log',
      },
    ]);
    assert.deepEqual(out.metadata.annotations, {
      'deployment.kubernetes.io/revision': '1',
      'kubectl.kubernetes.io/last-applied-configuration': '{"new":true}',
    });
    assert.equal(out.spec.replicas, 3);
    assert.deepEqual(out.status, liveDeployment.status);
  });

  void it('apply, as recorded from kubectl 1.32 computing the patch from the k8ts OpenAPI documents', () => {
    // Live object after `kubectl apply` of a deployment with a RollingUpdate strategy, a
    // configMap volume and two containers; then the manifest switched to Recreate, made the
    // volume an emptyDir, dropped the sidecar, changed LEVEL and added port 8080. The body is
    // the one kubectl sent (the last-applied annotation value shortened).
    const live = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': 'v1' }, labels: { app: 'web' }, name: 'web', namespace: 'default', resourceVersion: '101', uid: 'uid-101' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 }, type: 'RollingUpdate' },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              {
                env: [{ name: 'MODE', value: 'a' }, { name: 'LEVEL', value: 'info' }],
                image: 'nginx:1.27',
                name: 'nginx',
                ports: [{ containerPort: 80 }],
                volumeMounts: [{ mountPath: '/etc/cfg', name: 'cfg' }],
              },
              { command: ['sleep', '3600'], image: 'busybox', name: 'sidecar' },
            ],
            volumes: [{ configMap: { name: 'web-cfg' }, name: 'cfg' }],
          },
        },
      },
    };
    const body = JSON.parse(
      '{"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"v2"}},"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":null,"type":"Recreate"},' +
        '"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"}],"$setElementOrder/volumes":[{"name":"cfg"}],"containers":[{"$setElementOrder/env":[{"name":"MODE"},{"name":"LEVEL"}],' +
        '"$setElementOrder/ports":[{"containerPort":80},{"containerPort":8080}],"env":[{"name":"LEVEL","value":"debug"}],"name":"nginx","ports":[{"containerPort":8080,"name":"metrics"}]},' +
        '{"$patch":"delete","name":"sidecar"}],"volumes":[{"$retainKeys":["emptyDir","name"],"configMap":null,"emptyDir":{},"name":"cfg"}]}}}}',
    ) as unknown;
    const out = strategicMergePatch(live, body, deployment) as any;
    assert.deepEqual(out.metadata.annotations, { 'kubectl.kubernetes.io/last-applied-configuration': 'v2' });
    assert.deepEqual(out.spec.strategy, { type: 'Recreate' });
    assert.deepEqual(out.spec.template.spec, {
      containers: [
        {
          env: [{ name: 'MODE', value: 'a' }, { name: 'LEVEL', value: 'debug' }],
          image: 'nginx:1.27',
          name: 'nginx',
          ports: [{ containerPort: 80 }, { containerPort: 8080, name: 'metrics' }],
          volumeMounts: [{ mountPath: '/etc/cfg', name: 'cfg' }],
        },
      ],
      volumes: [{ name: 'cfg', emptyDir: {} }],
    });
  });

  void it('set image: replaces one container image, keeping the container order', () => {
    const patch = { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'sidecar' }], containers: [{ image: 'nginx:1.28', name: 'nginx' }] } } } };
    const out = strategicMergePatch(liveDeployment, patch, deployment) as any;
    assert.deepEqual(out.spec.template.spec.containers.map((c: any) => [c.name, c.image]), [['nginx', 'nginx:1.28'], ['sidecar', 'busybox']]);
    assert.deepEqual(out.spec.template.spec.containers[0].env, liveDeployment.spec.template.spec.containers[0]!.env);
  });

  void it('rollout restart: adds a template annotation', () => {
    const patch = { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-23T19:19:54Z' } } } } };
    const out = strategicMergePatch(liveDeployment, patch, deployment) as any;
    assert.deepEqual(out.spec.template.metadata, { labels: { app: 'web' }, annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-23T19:19:54Z' } });
  });

  void it('diff and edit: empty annotations and a resourceVersion merge without loss', () => {
    const out = strategicMergePatch(liveDeployment, { metadata: { annotations: {}, resourceVersion: '105' }, spec: { replicas: 6 }, status: { replicas: 5 } }, deployment) as any;
    assert.deepEqual(out.metadata, liveDeployment.metadata);
    assert.equal(out.spec.replicas, 6);
    assert.deepEqual(out.status, { replicas: 5, observedGeneration: 1 });
  });
});

void describe('strategicMergePatch: without a schema', () => {
  void it('applies as a JSON merge patch: lists are replaced', () => {
    const out = strategicMergePatch({ spec: { items: [{ name: 'a' }, { name: 'b' }], keep: 1 } }, { spec: { items: [{ name: 'c' }] } }, undefined);
    assert.deepEqual(out, { spec: { items: [{ name: 'c' }], keep: 1 } });
  });

  void it('with the empty schema, maps merge, lists are replaced and directives still apply', () => {
    const out = strategicMergePatch(
      { a: { b: 1, c: 2 }, list: [1, 2], gone: { x: 1 } },
      { a: { c: null, d: 3 }, list: [3], gone: { $patch: 'delete' } },
      emptyPatchSchema,
    );
    assert.deepEqual(out, { a: { b: 1, d: 3 }, list: [3], gone: {} });
  });
});

void describe('strategicMergePatch: more lists of the built-in kinds', () => {
  void it('merges imagePullSecrets by name and keeps tolerations atomic', () => {
    const original = podWith({
      imagePullSecrets: [{ name: 'a' }, { name: 'b' }],
      tolerations: [{ key: 'x', operator: 'Exists' }],
      containers: [{ name: 'c' }],
    });
    const patched = strategicMergePatch(original, { spec: { imagePullSecrets: [{ name: 'c' }], tolerations: [{ key: 'y', operator: 'Exists' }] } }, pod);
    assert.deepEqual(patched['spec'], {
      imagePullSecrets: [{ name: 'c' }, { name: 'a' }, { name: 'b' }],
      tolerations: [{ key: 'y', operator: 'Exists' }],
      containers: [{ name: 'c' }],
    });
  });

  void it('merges status conditions by type', () => {
    const original = { ...podWith({ containers: [{ name: 'c' }] }), status: { conditions: [{ type: 'Ready', status: 'False' }, { type: 'PodScheduled', status: 'True' }] } };
    const patched = strategicMergePatch(original, { status: { conditions: [{ type: 'Ready', status: 'True' }] } }, pod);
    assert.deepEqual(patched['status'], { conditions: [{ type: 'Ready', status: 'True' }, { type: 'PodScheduled', status: 'True' }] });
  });

  void it('orders env inside a container with a nested $setElementOrder', () => {
    const original = podWith({ containers: [{ name: 'c', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }] });
    const patch = { spec: { containers: [{ name: 'c', '$setElementOrder/env': [{ name: 'B' }, { name: 'N' }, { name: 'A' }], env: [{ name: 'N', value: 'new' }] }] } };
    const patched = strategicMergePatch(original, patch, pod) as { spec: { containers: { env: unknown }[] } };
    assert.deepEqual(patched.spec.containers[0]!.env, [
      { name: 'B', value: '2' },
      { name: 'N', value: 'new' },
      { name: 'A', value: '1' },
    ]);
  });

  void it('"$patch": "delete" on a nested object empties only that object, as upstream', () => {
    const original = podWith({ containers: [{ name: 'c', resources: { limits: { cpu: '1' } }, image: 'x' }] });
    const patched = strategicMergePatch(original, { spec: { containers: [{ name: 'c', resources: { $patch: 'delete' } }] } }, pod) as {
      spec: { containers: Record<string, unknown>[] };
    };
    assert.deepEqual(patched.spec.containers[0], { name: 'c', resources: {}, image: 'x' });
  });

  void it('service ports merge on port alone: a UDP port of the same number merges into the TCP one, as upstream', () => {
    const original = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 53, protocol: 'TCP', name: 'dns-tcp' }] } };
    const patched = strategicMergePatch(original, { spec: { ports: [{ port: 53, protocol: 'UDP', name: 'dns-udp' }] } }, service) as {
      spec: { ports: unknown[] };
    };
    assert.deepEqual(patched.spec.ports, [{ port: 53, protocol: 'UDP', name: 'dns-udp' }]);
  });

  void it('switching a volume source with $retainKeys keeps the name and the new source only', () => {
    const original = podWith({ containers: [{ name: 'c' }], volumes: [{ name: 'v', emptyDir: {} }, { name: 'w', hostPath: { path: '/x' } }] });
    const patch = { spec: { volumes: [{ name: 'v', $retainKeys: ['configMap', 'name'], configMap: { name: 'cm' } }] } };
    const patched = strategicMergePatch(original, patch, pod) as { spec: { volumes: unknown[] } };
    assert.deepEqual(patched.spec.volumes, [{ name: 'v', configMap: { name: 'cm' } }, { name: 'w', hostPath: { path: '/x' } }]);
  });

  void it('merges init containers by name, like containers', () => {
    const original = podWith({ initContainers: [{ name: 'i1', image: 'a' }, { name: 'i2', image: 'b' }], containers: [{ name: 'c' }] });
    const patched = strategicMergePatch(original, { spec: { initContainers: [{ name: 'i2', image: 'z' }] } }, pod) as { spec: { initContainers: unknown[] } };
    assert.deepEqual(patched.spec.initContainers, [{ name: 'i1', image: 'a' }, { name: 'i2', image: 'z' }]);
  });

  void it('a Deployment strategy switch to Recreate drops rollingUpdate through $retainKeys', () => {
    const original = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } };
    const patched = strategicMergePatch(original, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }, deployment) as { spec: unknown };
    assert.deepEqual(patched.spec, { strategy: { type: 'Recreate' } });
  });
});
