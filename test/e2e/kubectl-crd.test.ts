/**
 * CustomResourceDefinitions against a `k8ts up` cluster, with the real kubectl 1.32 and
 * @kubernetes/client-node: a CRD with printer columns, status and scale subresources and two
 * versions is applied and established; its custom resources are applied, updated, validated,
 * scaled, printed, explained, listed by `get all` and watched; deleting the CRD deletes them.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import * as k8s from '@kubernetes/client-node';
import { eventually, startCliCluster, type CliCluster } from '../support/cli-cluster.ts';

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  scope: Namespaced
  names:
    plural: crontabs
    singular: crontab
    kind: CronTab
    shortNames: [ct]
    categories: [all]
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        description: A CronTab runs an image on a schedule.
        properties:
          spec:
            type: object
            description: What to run and when.
            required: [cronSpec]
            properties:
              cronSpec:
                type: string
                description: The schedule, in cron format.
                pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'
              image:
                type: string
                description: The image to run.
              replicas:
                type: integer
                description: How many copies to run.
                minimum: 0
                default: 1
          status:
            type: object
            properties:
              replicas:
                type: integer
              labelSelector:
                type: string
    subresources:
      status: {}
      scale:
        specReplicasPath: .spec.replicas
        statusReplicasPath: .status.replicas
        labelSelectorPath: .status.labelSelector
    additionalPrinterColumns:
    - name: Spec
      type: string
      jsonPath: .spec.cronSpec
    - name: Replicas
      type: integer
      jsonPath: .spec.replicas
    - name: Image
      type: string
      priority: 1
      jsonPath: .spec.image
    - name: Age
      type: date
      jsonPath: .metadata.creationTimestamp
  - name: v1beta1
    served: true
    storage: false
    deprecated: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            x-kubernetes-preserve-unknown-fields: true
`;

const cronTab = (image: string): string => `apiVersion: stable.example.com/v1
kind: CronTab
metadata:
  name: my-cron
  labels: {app: cron}
spec:
  cronSpec: "* * * * */5"
  image: ${image}
`;

const INVALID = `apiVersion: stable.example.com/v1
kind: CronTab
metadata:
  name: bad-cron
spec:
  cronSpec: "* * * * */5"
  replicas: "three"
`;

const GROUP = 'stable.example.com';

describe('CustomResourceDefinitions with kubectl and client-node', () => {
  let cluster: CliCluster;
  let dir: string;
  let kc: k8s.KubeConfig;
  let custom: k8s.CustomObjectsApi;

  before(async () => {
    cluster = await startCliCluster(`e2e-crd-${process.pid}`);
    dir = mkdtempSync(join(tmpdir(), 'k8ts-crd-manifests-'));
    writeFileSync(join(dir, 'crd.yaml'), CRD);
    writeFileSync(join(dir, 'crontab.yaml'), cronTab('cron:1'));
    writeFileSync(join(dir, 'invalid.yaml'), INVALID);
    kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);
    kc.setCurrentContext(`k8ts-${cluster.name}`);
    custom = kc.makeApiClient(k8s.CustomObjectsApi);
  });
  after(async () => {
    await cluster?.stop();
  });

  async function ok(args: string[]): Promise<string> {
    const r = await cluster.kubectl(args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /warning|error/i, `kubectl ${args.join(' ')} printed: ${r.stderr}`);
    return r.stdout;
  }

  it('applies the CRD and establishes it', async () => {
    assert.match(await ok(['apply', '-f', join(dir, 'crd.yaml')]), /customresourcedefinition\.apiextensions\.k8s\.io\/crontabs\.stable\.example\.com created/);
    assert.match(await ok(['wait', '--for=condition=established', '--timeout=30s', 'crd/crontabs.stable.example.com']), /condition met/);
    const crds = await ok(['get', 'crds']);
    assert.match(crds, /^NAME\s+CREATED AT$/m);
    assert.match(crds, /^crontabs\.stable\.example\.com\s+\d{4}-\d\d-\d\dT/m);
  });

  it('lists the custom resource in api-resources', async () => {
    const out = await ok(['api-resources', '--api-group', GROUP]);
    assert.match(out, /^crontabs\s+ct\s+stable\.example\.com\/v1\s+true\s+CronTab$/m);
  });

  it('applies a custom resource and updates it', async () => {
    assert.match(await ok(['apply', '-f', join(dir, 'crontab.yaml')]), /crontab\.stable\.example\.com\/my-cron created/);
    writeFileSync(join(dir, 'crontab.yaml'), cronTab('cron:2'));
    // CRs take no strategic merge patch: kubectl must fall back to a merge patch on its own.
    assert.match(await ok(['apply', '-f', join(dir, 'crontab.yaml')]), /crontab\.stable\.example\.com\/my-cron configured/);
    assert.equal(await ok(['get', 'crontab', 'my-cron', '-o', 'jsonpath={.spec.image} {.spec.replicas} {.metadata.generation}']), 'cron:2 1 2');
    assert.match(await ok(['apply', '-f', join(dir, 'crontab.yaml')]), /crontab\.stable\.example\.com\/my-cron unchanged/);
  });

  it('shows the printer columns', async () => {
    const out = await ok(['get', 'crontabs']);
    assert.match(out, /^NAME\s+SPEC\s+REPLICAS\s+AGE$/m);
    assert.match(out, /^my-cron\s+\* \* \* \* \*\/5\s+1\s+\d+s$/m);
    const wide = await ok(['get', 'ct', '-o', 'wide']);
    assert.match(wide, /^NAME\s+SPEC\s+REPLICAS\s+IMAGE\s+AGE$/m);
    assert.match(wide, /^my-cron\s+\* \* \* \* \*\/5\s+1\s+cron:2\s+/m);
    assert.match(await ok(['get', 'ct', '-l', 'app=cron', '-o', 'name']), /^crontab\.stable\.example\.com\/my-cron$/m);
  });

  it('refuses an invalid custom resource with a 422 naming the field', async () => {
    const r = await cluster.kubectl(['apply', '-f', join(dir, 'invalid.yaml')]);
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr,
      /The CronTab "bad-cron" is invalid: spec\.replicas: Invalid value: "string": spec\.replicas in body must be of type integer: "string"/,
    );
    const missing = await cluster.kubectl(['get', 'crontab', 'bad-cron']);
    assert.match(missing.stderr, /NotFound/);
  });

  it('scales a custom resource', async () => {
    assert.match(await ok(['scale', 'crontab/my-cron', '--replicas=3']), /crontab\.stable\.example\.com\/my-cron scaled/);
    assert.equal(await ok(['get', 'ct', 'my-cron', '-o', 'jsonpath={.spec.replicas}']), '3');
  });

  it('applies an updated CRD, which takes effect at once', async () => {
    writeFileSync(join(dir, 'crd.yaml'), CRD.replace('      priority: 1\n', ''));
    assert.match(await ok(['apply', '-f', join(dir, 'crd.yaml')]), /customresourcedefinition\.apiextensions\.k8s\.io\/crontabs\.stable\.example\.com configured/);
    const out = await eventually('the Image column', async () => {
      const r = await cluster.kubectl(['get', 'crontabs']);
      return /^NAME\s+SPEC\s+REPLICAS\s+IMAGE\s+AGE$/m.test(r.stdout) ? r.stdout : undefined;
    });
    assert.match(out, /^my-cron\s+\* \* \* \* \*\/5\s+3\s+cron:2\s+/m);
  });

  it('prints a custom resource as YAML', async () => {
    const out = await ok(['get', 'crontab', 'my-cron', '-o', 'yaml']);
    assert.match(out, /^apiVersion: stable\.example\.com\/v1$/m);
    assert.match(out, /^kind: CronTab$/m);
    assert.match(out, /^ {2}cronSpec: '\* \* \* \* \*\/5'$/m);
    assert.match(out, /^ {2}replicas: 3$/m);
    assert.match(out, /^ {2}uid: [0-9a-f-]{36}$/m);
  });

  it('explains the custom resource from its schema', async () => {
    const out = await ok(['explain', 'crontab.spec']);
    assert.match(out, /^KIND:\s+CronTab$/m);
    assert.match(out, /What to run and when\./);
    assert.match(out, /cronSpec\s+<string> -required-/);
    assert.match(out, /The schedule, in cron format\./);
    assert.match(out, /replicas\s+<integer>/);
  });

  it('includes the custom resource in get all, as its category says', async () => {
    const out = await ok(['get', 'all']);
    assert.match(out, /^crontab\.stable\.example\.com\/my-cron\s+\* \* \* \* \*\/5\s+3\s+/m);
  });

  it('serves the deprecated version with a warning', async () => {
    const r = await cluster.kubectl(['get', `crontabs.v1beta1.${GROUP}`, 'my-cron', '-o', 'jsonpath={.apiVersion}']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'stable.example.com/v1beta1');
    assert.match(r.stderr, /Warning: stable\.example\.com\/v1beta1 CronTab is deprecated; use stable\.example\.com\/v1 CronTab/);
  });

  it('works with client-node CustomObjectsApi and an informer', async () => {
    const base = { group: GROUP, version: 'v1', namespace: 'default', plural: 'crontabs' };
    const seen: string[] = [];
    const informer = k8s.makeInformer<k8s.KubernetesObject & { spec?: { image?: string } }>(
      kc,
      '/apis/stable.example.com/v1/namespaces/default/crontabs',
      () => custom.listNamespacedCustomObject(base),
    );
    const record = (verb: string) => (obj: k8s.KubernetesObject & { spec?: { image?: string } }) => seen.push(`${verb} ${obj.metadata?.name} ${obj.spec?.image ?? ''}`);
    informer.on('add', record('add'));
    informer.on('update', record('update'));
    informer.on('delete', record('delete'));
    await informer.start();
    try {
      const has = (line: string) => async () => (seen.includes(line) ? true : undefined);
      await eventually('the informer to list my-cron', has('add my-cron cron:2'));
      const created = await custom.createNamespacedCustomObject({
        ...base,
        body: { apiVersion: `${GROUP}/v1`, kind: 'CronTab', metadata: { name: 'js-cron' }, spec: { cronSpec: '0 * * * *', image: 'js:1' } },
      });
      assert.equal(created.spec.replicas, 1, 'defaulted from the schema');
      await eventually('add js-cron', has('add js-cron js:1'));
      const listed = await custom.listNamespacedCustomObject(base);
      assert.deepEqual(listed.items.map((i: any) => i.metadata.name).sort(), ['js-cron', 'my-cron']);
      // client-node's default patch type is application/json-patch+json.
      await custom.patchNamespacedCustomObject({ ...base, name: 'js-cron', body: [{ op: 'replace', path: '/spec/image', value: 'js:2' }] });
      await eventually('update js-cron js:2', has('update js-cron js:2'));
      const merged = await custom.patchNamespacedCustomObject(
        { ...base, name: 'js-cron', body: { spec: { image: 'js:3' } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
      assert.equal(merged.spec.image, 'js:3');
      await eventually('update js-cron js:3', has('update js-cron js:3'));
      await assert.rejects(
        custom.createNamespacedCustomObject({ ...base, body: { apiVersion: `${GROUP}/v1`, kind: 'CronTab', metadata: { name: 'js-bad' }, spec: {} } }),
        (err: unknown) => {
          assert.ok(err instanceof k8s.ApiException);
          assert.equal(err.code, 422);
          const status = JSON.parse(err.body as string) as { details: { causes: { field: string }[] } };
          assert.deepEqual(status.details.causes.map((c) => c.field), ['spec.cronSpec']);
          return true;
        },
      );
      await custom.deleteNamespacedCustomObject({ ...base, name: 'js-cron' });
      await eventually('delete js-cron', has('delete js-cron js:3'));
    } finally {
      await informer.stop();
    }
  });

  it('empties a deleted namespace of its custom resources', async () => {
    const ns = await cluster.kubectl(['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: crons\n' });
    assert.equal(ns.code, 0, ns.stderr);
    await ok(['apply', '-n', 'crons', '-f', join(dir, 'crontab.yaml')]);
    assert.match(await ok(['get', 'ct', '-n', 'crons', '-o', 'name']), /crontab\.stable\.example\.com\/my-cron/);
    assert.match(await ok(['delete', 'namespace', 'crons', '--timeout=60s']), /namespace "crons" deleted/);
    const gone = await cluster.kubectl(['get', 'ns', 'crons']);
    assert.match(gone.stderr, /NotFound/);
  });

  it('deletes the custom resources with their CRD', async () => {
    assert.match(await ok(['delete', 'crd', 'crontabs.stable.example.com', '--timeout=60s']), /customresourcedefinition\.apiextensions\.k8s\.io "crontabs\.stable\.example\.com" deleted/);
    assert.doesNotMatch(await ok(['api-resources']), /crontabs/);
    const raw = await cluster.kubectl(['get', '--raw', '/apis/stable.example.com/v1/namespaces/default/crontabs']);
    assert.notEqual(raw.code, 0, 'the resource is no longer served');
    // Recreated, the CRD starts empty: its old objects went with it.
    await ok(['apply', '-f', join(dir, 'crd.yaml')]);
    await ok(['wait', '--for=condition=established', '--timeout=30s', 'crd/crontabs.stable.example.com']);
    const list = await ok(['get', '--raw', '/apis/stable.example.com/v1/namespaces/default/crontabs']);
    assert.deepEqual((JSON.parse(list) as { items: unknown[] }).items, []);
  });
});
