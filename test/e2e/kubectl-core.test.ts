/**
 * The everyday kubectl commands against a single-node cluster booted with `k8ts up`, using the
 * real kubectl 1.32: version, api-resources, get in its forms, create/replace -f, label,
 * annotate, scale, patch, describe, delete (a namespace with contents), get -w and wait.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { eventually, startCliCluster, type CliCluster } from '../support/cli-cluster.ts';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, tier: frontend}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: http
        image: python:3
        command: ["python3", "-m", "http.server", "--bind", "$(POD_IP)", "8080"]
        ports:
        - containerPort: 8080
`;

const CONFIGMAP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  labels: {app: web}
data:
  mode: fast
`;

describe('kubectl against a k8ts single-node cluster', () => {
  let cluster: CliCluster;
  let dir: string;

  before(async () => {
    cluster = await startCliCluster(`e2e-kubectl-${process.pid}`);
    dir = mkdtempSync(join(tmpdir(), 'k8ts-manifests-'));
    writeFileSync(join(dir, 'deploy.yaml'), DEPLOYMENT);
    writeFileSync(join(dir, 'cm.yaml'), CONFIGMAP);
  });
  after(async () => {
    await cluster?.stop();
  });

  async function ok(args: string[], input?: string): Promise<string> {
    const r = await cluster.kubectl(args, input === undefined ? {} : { input });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /warning|error/i, `kubectl ${args.join(' ')} printed: ${r.stderr}`);
    return r.stdout;
  }

  it('reports a 1.32 server version', async () => {
    const out = await ok(['version', '-o', 'json']);
    const v = JSON.parse(out) as { serverVersion: { major: string; minor: string } };
    assert.equal(v.serverVersion.major, '1');
    assert.equal(v.serverVersion.minor, '32');
  });

  it('lists api-resources with short names and verbs', async () => {
    const out = await ok(['api-resources', '-o', 'wide']);
    for (const line of [/^pods\s+po\s+v1\s+true\s+Pod/m, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment/m, /^namespaces\s+ns\s+v1\s+false\s+Namespace/m]) {
      assert.match(out, line);
    }
  });

  it('has the system namespaces', async () => {
    const out = await ok(['get', 'ns']);
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) assert.match(out, new RegExp(`^${ns}\\s+Active`, 'm'));
  });

  it('creates from files and prints tables, wide tables, yaml, and selections', async () => {
    await ok(['create', '-f', join(dir, 'deploy.yaml')]);
    await ok(['create', '-f', join(dir, 'cm.yaml')]);
    const table = await ok(['get', 'deployments']);
    assert.match(table, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE/m);
    // The counts depend on how far the controllers and the kubelet of cp-1 got.
    assert.match(table, /^web\s+[0-2]\/2\s+[0-2]\s+[0-2]\s+\d+s/m);
    const wide = await ok(['get', 'deploy', '-o', 'wide']);
    assert.match(wide, /CONTAINERS\s+IMAGES\s+SELECTOR/);
    assert.match(wide, /http\s+python:3\s+app=web/);
    const yaml = await ok(['get', 'cm', 'settings', '-o', 'yaml']);
    assert.match(yaml, /mode: fast/);
    assert.match(yaml, /resourceVersion: "\d+"/);
    assert.match(yaml, /uid: [0-9a-f-]{36}/);
    const all = await ok(['get', 'cm', '-A']);
    assert.match(all, /^NAMESPACE\s+NAME\s+DATA\s+AGE/m);
    assert.match(all, /^default\s+settings\s+1\s+/m);
    const byLabel = await ok(['get', 'cm,deploy', '-l', 'app=web', '-o', 'name']);
    assert.deepEqual(byLabel.trim().split('\n').sort(), ['configmap/settings', 'deployment.apps/web']);
    const byField = await ok(['get', 'cm', '--field-selector', 'metadata.name=settings', '-o', 'name']);
    assert.equal(byField.trim(), 'configmap/settings');
    const none = await cluster.kubectl(['get', 'cm', '--field-selector', 'metadata.name=nope']);
    assert.match(none.stderr, /No resources found in default namespace/);
  });

  it('replaces, labels, annotates, scales and patches', async () => {
    const changed = CONFIGMAP.replace('mode: fast', 'mode: slow');
    writeFileSync(join(dir, 'cm2.yaml'), changed);
    await ok(['replace', '-f', join(dir, 'cm2.yaml')]);
    assert.equal((await ok(['get', 'cm', 'settings', '-o', 'jsonpath={.data.mode}'])).trim(), 'slow');
    await ok(['label', 'cm', 'settings', 'tier=backend']);
    await ok(['annotate', 'cm', 'settings', 'owner=team-a']);
    const meta = JSON.parse(await ok(['get', 'cm', 'settings', '-o', 'json'])) as { metadata: { labels: Record<string, string>; annotations: Record<string, string> } };
    assert.equal(meta.metadata.labels['tier'], 'backend');
    assert.equal(meta.metadata.annotations['owner'], 'team-a');
    await ok(['scale', 'deployment', 'web', '--replicas=5']);
    assert.equal((await ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}'])).trim(), '5');
    await ok(['patch', 'cm', 'settings', '--type=merge', '-p', '{"data":{"extra":"1"}}']);
    await ok(['patch', 'cm', 'settings', '--type=json', '-p', '[{"op":"replace","path":"/data/mode","value":"json"}]']);
    const data = JSON.parse(await ok(['get', 'cm', 'settings', '-o', 'jsonpath={.data}'])) as Record<string, string>;
    assert.deepEqual(data, { extra: '1', mode: 'json' });
    const bad = await cluster.kubectl(['patch', 'cm', 'settings', '--type=json', '-p', '[{"op":"test","path":"/data/mode","value":"nope"}]']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /invalid|test/i);
  });

  it('describes objects', async () => {
    const out = await ok(['describe', 'deployment', 'web']);
    assert.match(out, /^Name:\s+web/m);
    assert.match(out, /^Replicas:\s+5 desired/m);
    const cm = await ok(['describe', 'cm', 'settings']);
    assert.match(cm, /^Labels:\s+app=web/m);
  });

  it('streams changes with get -w', async () => {
    const watcher = cluster.spawnKubectl(['get', 'cm', '-w']);
    let output = '';
    watcher.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    try {
      await eventually('the watch to list settings', async () => (output.includes('settings') ? true : undefined));
      await ok(['create', 'configmap', 'watched', '--from-literal=a=b', '--dry-run=client', '-o', 'yaml']).then((yaml) => ok(['create', '-f', '-'], yaml));
      await eventually('the watch to show the new configmap', async () => (/^watched\s+1\s+/m.test(output) ? true : undefined));
    } finally {
      watcher.kill('SIGTERM');
    }
  });

  it('waits for a deletion held by a finalizer', async () => {
    await ok(['patch', 'cm', 'watched', '--type=merge', '-p', '{"metadata":{"finalizers":["example.com/hold"]}}']);
    await ok(['delete', 'cm', 'watched', '--wait=false']);
    const stillThere = JSON.parse(await ok(['get', 'cm', 'watched', '-o', 'json'])) as { metadata: { deletionTimestamp?: string } };
    assert.ok(stillThere.metadata.deletionTimestamp, 'deletionTimestamp is set while the finalizer holds');
    const waiter = cluster.kubectl(['wait', '--for=delete', 'cm/watched', '--timeout=30s']);
    await ok(['patch', 'cm', 'watched', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
    const waited = await waiter;
    assert.equal(waited.code, 0, waited.stderr);
    const gone = await cluster.kubectl(['get', 'cm', 'watched']);
    assert.match(gone.stderr, /NotFound/);
  });

  it('deletes a namespace together with its contents', async () => {
    await ok(['create', 'namespace', 'doomed', '--dry-run=client', '-o', 'yaml']).then((yaml) => ok(['create', '-f', '-'], yaml));
    await ok(['-n', 'doomed', 'create', '-f', join(dir, 'cm.yaml')]);
    await ok(['-n', 'doomed', 'create', '-f', join(dir, 'deploy.yaml')]);
    await ok(['delete', 'namespace', 'doomed', '--timeout=60s']);
    const ns = await cluster.kubectl(['get', 'ns', 'doomed']);
    assert.match(ns.stderr, /NotFound/);
    const leftovers = await cluster.kubectl(['get', 'cm,deploy', '-n', 'doomed', '-o', 'name']);
    assert.equal(leftovers.stdout.trim(), '');
  });

  it('answers mistakes with the server message', async () => {
    const missing = await cluster.kubectl(['get', 'pod', 'nope']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /Error from server \(NotFound\): pods "nope" not found/);
    const dup = await cluster.kubectl(['create', '-f', join(dir, 'cm.yaml')]);
    assert.match(dup.stderr, /AlreadyExists/);
    const badName = await cluster.kubectl(['create', '-f', '-'], { input: CONFIGMAP.replace('name: settings', 'name: Bad_Name') });
    assert.match(badName.stderr, /is invalid: metadata.name: Invalid value: "Bad_Name"/);
  });

  it('deletes what it created', async () => {
    await ok(['delete', '-f', join(dir, 'deploy.yaml')]);
    await ok(['delete', 'cm', 'settings']);
    const left = await cluster.kubectl(['get', 'deploy,cm', '-o', 'name']);
    assert.doesNotMatch(left.stdout, /web|settings/);
  });
});
