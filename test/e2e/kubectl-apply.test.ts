/**
 * kubectl's declarative and editing commands against a `k8ts up` cluster, with the real
 * kubectl 1.32 and real manifests (a Deployment with two containers, env, ports and volumes; a
 * Service; a ConfigMap): client-side apply (create, then an edited file: the live objects must
 * match it exactly), server-side apply with its conflict and --force-conflicts, diff, edit with
 * a scripted editor, rollout restart, set image, patch, explain, and delete -f. No command may
 * warn about a server feature it lacks.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCliCluster, type CliCluster, type CommandResult } from '../support/cli-cluster.ts';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        env:
        - {name: MODE, value: fast}
        - {name: LEVEL, value: info}
        ports:
        - {containerPort: 80, name: http}
        volumeMounts:
        - {name: data, mountPath: /data}
        - {name: settings, mountPath: /etc/web}
      - name: sidecar
        image: busybox:1.36
        command: [sleep, "3600"]
        volumeMounts:
        - {name: data, mountPath: /shared}
      volumes:
      - name: data
        emptyDir: {}
      - name: settings
        configMap: {name: web-settings}
`;

/** The same Deployment edited: the sidecar removed, LEVEL changed, port 8443 added. */
const DEPLOYMENT_EDITED = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        env:
        - {name: MODE, value: fast}
        - {name: LEVEL, value: debug}
        ports:
        - {containerPort: 80, name: http}
        - {containerPort: 8443, name: https}
        volumeMounts:
        - {name: data, mountPath: /data}
        - {name: settings, mountPath: /etc/web}
      volumes:
      - name: data
        emptyDir: {}
      - name: settings
        configMap: {name: web-settings}
`;

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: http}
`;

const SERVICE_EDITED = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: http}
  - {name: https, port: 443, targetPort: 8443}
`;

const CONFIGMAP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: web-settings
data:
  mode: fast
  retries: "3"
`;

const CONFIGMAP_EDITED = `apiVersion: v1
kind: ConfigMap
metadata:
  name: web-settings
data:
  mode: slow
`;

/** Matches messages a kubectl prints when the server lacks something it needs. */
const MISSING_FEATURE = /warning|failed to download openapi|not available on the server|unable to recognize|could not find the requested resource|falling back|deprecated/i;

type Json = Record<string, unknown>;

/**
 * Asserts that `live` holds exactly what `manifest` says: every field it sets has that value,
 * and every list it gives has exactly those elements, in order (server defaults aside).
 */
function assertMatches(live: unknown, manifest: unknown, path = ''): void {
  if (Array.isArray(manifest)) {
    assert.ok(Array.isArray(live), `${path}: expected a list, got ${JSON.stringify(live)}`);
    assert.equal(live.length, manifest.length, `${path}: expected ${manifest.length} elements, got ${JSON.stringify(live)}`);
    manifest.forEach((m, i) => assertMatches(live[i], m, `${path}[${i}]`));
    return;
  }
  if (typeof manifest === 'object' && manifest !== null) {
    assert.ok(typeof live === 'object' && live !== null && !Array.isArray(live), `${path}: expected an object, got ${JSON.stringify(live)}`);
    for (const [key, value] of Object.entries(manifest)) assertMatches((live as Json)[key], value, `${path}.${key}`);
    return;
  }
  assert.equal(live, manifest, `${path}`);
}

/** A manifest as kubectl reads it (a client-side dry run converts the YAML). */
async function manifestJson(cluster: CliCluster, yaml: string): Promise<Json> {
  const r = await cluster.kubectl(['create', '--dry-run=client', '-o', 'json', '-f', '-'], { input: yaml });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Json;
}

void describe('kubectl apply and friends against a k8ts cluster', () => {
  let cluster: CliCluster;
  let dir: string;
  let app: string;
  /** The documents `app` holds now. */
  let manifests: string[];

  function writeApp(documents: string[]): void {
    manifests = documents;
    writeFileSync(app, documents.join('---\n'));
  }

  before(async () => {
    cluster = await startCliCluster(`e2e-apply-${process.pid}`);
    dir = mkdtempSync(join(tmpdir(), 'k8ts-apply-'));
    app = join(dir, 'app.yaml');
    writeApp([CONFIGMAP, DEPLOYMENT, SERVICE]);
  });
  after(async () => {
    await cluster?.stop();
  });

  function clean(r: CommandResult, args: readonly string[]): void {
    assert.doesNotMatch(r.stderr, MISSING_FEATURE, `kubectl ${args.join(' ')} printed: ${r.stderr}`);
  }

  async function ok(args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
    const r = await cluster.kubectl(args, env === undefined ? {} : { env });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    clean(r, args);
    assert.equal(r.stderr, '', `kubectl ${args.join(' ')} printed: ${r.stderr}`);
    return r.stdout;
  }

  async function live(kind: string, name: string): Promise<Json> {
    return JSON.parse(await ok(['get', kind, name, '-o', 'json', '--show-managed-fields'])) as Json;
  }

  async function assertLiveMatchesFile(): Promise<void> {
    for (const yaml of manifests) {
      const manifest = await manifestJson(cluster, yaml);
      const { kind, metadata } = manifest as { kind: string; metadata: { name: string } };
      const object = await live(kind.toLowerCase(), metadata.name);
      assertMatches(object, manifest, kind);
      if (kind === 'ConfigMap') assert.deepEqual(object['data'], manifest['data'], 'the ConfigMap holds exactly the keys of the file');
    }
  }

  it('apply -f creates the objects, recording the applied configuration', async () => {
    const out = await ok(['apply', '-f', app]);
    assert.match(out, /^configmap\/web-settings created$/m);
    assert.match(out, /^deployment\.apps\/web created$/m);
    assert.match(out, /^service\/web created$/m);
    await assertLiveMatchesFile();
    const deployment = await live('deployment', 'web');
    const meta = deployment['metadata'] as { annotations: Record<string, string>; managedFields: { manager: string; operation: string }[] };
    assert.ok(meta.annotations['kubectl.kubernetes.io/last-applied-configuration']);
    // kubectl owns what it applied; the controllers that run the Deployment own what they write.
    const managers = new Set(meta.managedFields.map((e) => `${e.manager}/${e.operation}`));
    assert.ok(managers.delete('kubectl-client-side-apply/Update'), `kubectl owns what it applied: ${[...managers].join(', ')}`);
    managers.delete('k8ts-controller-manager/Update');
    assert.deepEqual([...managers], []);
  });

  it('diff -f exits 1 with the differences, then apply -f makes the live objects match the edited file', async () => {
    writeApp([CONFIGMAP_EDITED, DEPLOYMENT_EDITED, SERVICE_EDITED]);
    const diff = await cluster.kubectl(['diff', '-f', app]);
    clean(diff, ['diff']);
    assert.equal(diff.code, 1, `diff: ${diff.stderr}`);
    assert.match(diff.stdout, /^-\s+- name: sidecar$|^-\s+name: sidecar$/m);
    assert.match(diff.stdout, /^\+\s+value: debug$/m);
    assert.match(diff.stdout, /^\+\s+- containerPort: 8443$/m);
    assert.match(diff.stdout, /^-\s+retries: "3"$/m);

    const out = await ok(['apply', '-f', app]);
    assert.match(out, /^deployment\.apps\/web configured$/m);
    assert.match(out, /^service\/web configured$/m);
    assert.match(out, /^configmap\/web-settings configured$/m);
    await assertLiveMatchesFile();
    const spec = ((await live('deployment', 'web'))['spec'] as { template: { spec: { containers: { name: string }[] } } }).template.spec;
    assert.deepEqual(spec.containers.map((c) => c.name), ['web']);

    const same = await cluster.kubectl(['diff', '-f', app]);
    clean(same, ['diff']);
    assert.equal(same.code, 0, `diff after apply: ${same.stdout}${same.stderr}`);
    assert.equal(same.stdout, '');
  });

  it('apply --server-side takes over the fields, answers a conflict, and --force-conflicts resolves it', async () => {
    const out = await ok(['apply', '--server-side', '-f', app]);
    assert.match(out, /^deployment\.apps\/web serverside-applied$/m);
    const owners = ((await live('deployment', 'web'))['metadata'] as { managedFields: { manager: string; operation: string }[] }).managedFields;
    assert.ok(owners.some((e) => e.manager === 'kubectl' && e.operation === 'Apply'), JSON.stringify(owners));

    await ok(['scale', 'deployment', 'web', '--replicas=4']);
    const scaledFile = join(dir, 'scaled.yaml');
    writeFileSync(scaledFile, DEPLOYMENT_EDITED.replace('replicas: 2', 'replicas: 3'));
    const conflict = await cluster.kubectl(['apply', '--server-side', '-f', scaledFile]);
    assert.equal(conflict.code, 1);
    assert.match(conflict.stderr, /Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps\/v1: \.spec\.replicas/);
    assert.equal((await ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}'])).trim(), '4');

    const other = await cluster.kubectl(['apply', '--server-side', '--field-manager=team-b', '-f', scaledFile]);
    assert.equal(other.code, 1);
    assert.match(other.stderr, /conflicts? with "kubectl"/);

    const forced = await ok(['apply', '--server-side', '--force-conflicts', '-f', scaledFile]);
    assert.match(forced, /serverside-applied/);
    const deployment = await live('deployment', 'web');
    assert.equal((deployment['spec'] as { replicas: number }).replicas, 3);
    const managed = (deployment['metadata'] as { managedFields: { manager: string; subresource?: string; fieldsV1: Json }[] }).managedFields;
    const scaleEntry = managed.find((e) => e.subresource === 'scale');
    assert.ok(scaleEntry === undefined || !JSON.stringify(scaleEntry.fieldsV1).includes('f:replicas'), 'the forced apply took .spec.replicas over');
    // Back to the file's replica count, for the client-side commands below.
    await ok(['apply', '--server-side', '-f', app]);
  });

  it('edit applies what a scripted editor changes', async () => {
    const editor = join(dir, 'editor.sh');
    writeFileSync(editor, '#!/bin/sh\nsed -i -e "s/^  replicas: .*/  replicas: 5/" -e "s/value: fast/value: edited/" "$1"\n');
    chmodSync(editor, 0o755);
    const out = await ok(['edit', 'deployment/web'], { EDITOR: editor, KUBE_EDITOR: editor });
    assert.match(out, /deployment\.apps\/web edited/);
    const spec = (await live('deployment', 'web'))['spec'] as { replicas: number; template: { spec: { containers: { env: { name: string; value: string }[] }[] } } };
    assert.equal(spec.replicas, 5);
    assert.deepEqual(spec.template.spec.containers[0]!.env, [
      { name: 'MODE', value: 'edited' },
      { name: 'LEVEL', value: 'debug' },
    ]);
  });

  it('rollout restart, set image and patch (strategic by default) change only what they name', async () => {
    await ok(['rollout', 'restart', 'deployment/web']);
    let spec = (await live('deployment', 'web'))['spec'] as { template: { metadata: { annotations?: Record<string, string> }; spec: { containers: Json[] } } };
    assert.match(spec.template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt'] ?? '', /^\d{4}-\d\d-\d\dT/);

    await ok(['set', 'image', 'deployment/web', 'web=nginx:1.28']);
    await ok(['patch', 'deployment', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"EXTRA","value":"1"}]}]}}}}']);
    spec = (await live('deployment', 'web'))['spec'] as typeof spec;
    assert.equal(spec.template.spec.containers.length, 1);
    const web = spec.template.spec.containers[0] as { image: string; env: { name: string }[]; ports: unknown[] };
    assert.equal(web.image, 'nginx:1.28');
    assert.deepEqual(web.env.map((e) => e.name), ['EXTRA', 'MODE', 'LEVEL'], 'the strategic patch merged env by name');
    assert.equal(web.ports.length, 2);
    const managers = ((await live('deployment', 'web'))['metadata'] as { managedFields: { manager: string }[] }).managedFields.map((e) => e.manager);
    for (const m of ['kubectl-rollout', 'kubectl-set', 'kubectl-patch', 'kubectl-edit']) assert.ok(managers.includes(m), `${m} in ${managers.join(', ')}`);
  });

  it('explain reads the OpenAPI documents', async () => {
    const template = await ok(['explain', 'deployment.spec.template']);
    assert.match(template, /^KIND:\s+Deployment$/m);
    assert.match(template, /^FIELD: template <PodTemplateSpec>$/m);
    assert.match(template, /^\s+metadata\s+<ObjectMeta>$/m);
    assert.match(template, /^\s+spec\s+<PodSpec>$/m);
    const ports = await ok(['explain', 'service.spec.ports']);
    assert.match(ports, /^KIND:\s+Service$/m);
    assert.match(ports, /^\s+port\s+<integer> -required-$/m);
    const cm = await ok(['explain', 'configmap.data']);
    assert.match(cm, /FIELD: data <map\[string\]string>/);
  });

  it('apply -f of a kind: List file (what get -o yaml of several objects writes) applies each item', async () => {
    const list = join(dir, 'list.yaml');
    const item = (name: string, extra = ''): string => `- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: ${name}\n  data:\n    a: "1"\n${extra}`;
    writeFileSync(list, `apiVersion: v1\nkind: List\nitems:\n${item('listed-1')}${item('listed-2')}`);
    const out = await ok(['apply', '-f', list]);
    assert.match(out, /^configmap\/listed-1 created$/m);
    assert.match(out, /^configmap\/listed-2 created$/m);
    // Items are still validated strictly, by the server.
    writeFileSync(list, `apiVersion: v1\nkind: List\nitems:\n${item('listed-3', '  bogus: 1\n')}`);
    const bad = await cluster.kubectl(['apply', '-f', list]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /unknown field "bogus"/);
    await ok(['delete', 'configmap', 'listed-1', 'listed-2']);
  });

  it('delete -f removes every object of the file', async () => {
    const out = await ok(['delete', '-f', app]);
    assert.match(out, /^configmap "web-settings" deleted$/m);
    assert.match(out, /^deployment\.apps "web" deleted$/m);
    assert.match(out, /^service "web" deleted$/m);
    for (const [kind, name] of [['configmap', 'web-settings'], ['deployment', 'web'], ['service', 'web']] as const) {
      const r = await cluster.kubectl(['get', kind, name]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /NotFound/);
    }
  });
});
