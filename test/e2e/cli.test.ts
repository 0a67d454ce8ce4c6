/**
 * The `k8ts` CLI contract, end to end: `up` boots a real single-node cluster in the background
 * (temporary K8TS_HOME and KUBECONFIG), the real kubectl uses its kubeconfig, a second `up` finds
 * it running, `down` + `up` keeps its data, address and certificates, two clusters run side by
 * side on their own addresses, bad flags fail naming the flag, and `down --delete` removes
 * everything it created.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startCliCluster, type CliCluster } from '../support/cli-cluster.ts';

interface Kubeconfig {
  'current-context'?: string;
  clusters?: Array<{ name: string; cluster: { server: string } }>;
  contexts?: Array<{ name: string }>;
  users?: Array<{ name: string }>;
}

const readYaml = (path: string): Kubeconfig => parse(readFileSync(path, 'utf8')) as Kubeconfig;

/** Whether `pid` is a live process; a zombie (exited, not yet reaped by its new parent) is not. */
function isLive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

const CONFIGMAP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: survives-restart
data:
  answer: "42"
`;

describe('k8ts CLI', () => {
  const name = `e2e-cli-${process.pid}`;
  const second = `e2e-cli-b-${process.pid}`;
  let cluster: CliCluster;
  let clusterDir: string;
  /** `https://127.10.<index>.1:6443`, the index being the lowest one free when the test ran. */
  let url: string;

  before(async () => {
    cluster = await startCliCluster(name);
    clusterDir = join(cluster.env.K8TS_HOME!, name);
    const record = JSON.parse(readFileSync(join(clusterDir, 'cluster.json'), 'utf8')) as { index: number; apiServer: { address: string; port: number } };
    url = `https://${record.apiServer.address}:${record.apiServer.port}`;
    assert.equal(url, `https://127.10.${record.index}.1:6443`);
  });
  after(async () => {
    if (cluster === undefined) return;
    await cluster.k8ts(['down', '--name', second, '--delete']);
    await cluster.stop();
  });

  async function k8ts(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return cluster.k8ts(args, 180_000);
  }

  /** Runs kubectl with the test's environment and exactly `args` (no --context added). */
  function plainKubectl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile('kubectl', args, { env: cluster.env, timeout: 60_000 }, (err, stdout, stderr) => {
        resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr });
      });
    });
  }

  async function kubectl(args: string[], input?: string): Promise<string> {
    const r = await cluster.kubectl(args, input === undefined ? {} : { input });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  }

  it('writes a kubeconfig that the real kubectl uses, and merges its context into $KUBECONFIG', async () => {
    const path = (await k8ts(['kubeconfig', '--name', name])).stdout.trim();
    assert.equal(path, join(clusterDir, 'kubeconfig'));
    const own = readYaml(path);
    assert.equal(own['current-context'], `k8ts-${name}`);
    assert.equal(own.clusters?.[0]?.cluster.server, url);

    const version = JSON.parse(await kubectl(['version', '-o', 'json'])) as { serverVersion: { major: string; minor: string } };
    assert.deepEqual([version.serverVersion.major, version.serverVersion.minor], ['1', '32']);
    assert.equal((await kubectl(['get', '--raw', '/readyz'])).trim(), 'ok');

    assert.equal(readYaml(cluster.kubeconfig)['current-context'], `k8ts-${name}`);
    // No --context: kubectl goes by the merged current-context in $KUBECONFIG.
    const viaCurrent = await plainKubectl(['get', 'namespaces', '-o', 'name']);
    assert.equal(viaCurrent.code, 0, viaCurrent.stderr);
    assert.match(viaCurrent.stdout, /^namespace\/default$/m);
    const viaOwn = await plainKubectl(['--kubeconfig', path, 'get', '--raw', '/readyz']);
    assert.equal(viaOwn.stdout.trim(), 'ok', viaOwn.stderr);
  });

  it('says a running cluster is already running (exit 0)', async () => {
    const r = await k8ts(['up', '--name', name]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.includes(`Cluster "${name}" is already running at ${url} (pid `), r.stdout);
    assert.ok(r.stdout.includes(`kubeconfig: ${join(clusterDir, 'kubeconfig')}\n`), r.stdout);
  });

  it('leaves a kubeconfig it cannot parse untouched, saying the cluster is up and how to go on', async () => {
    const saved = readFileSync(cluster.kubeconfig, 'utf8');
    writeFileSync(cluster.kubeconfig, 'clusters: [unclosed\n');
    try {
      const r = await k8ts(['up', '--name', name]);
      assert.equal(r.code, 1);
      assert.ok(r.stderr.includes(`error: cluster "${name}" is up at ${url}`), r.stderr);
      assert.match(r.stderr, /cannot merge context .* not valid YAML.*--no-merge-kubeconfig/);
      assert.equal(readFileSync(cluster.kubeconfig, 'utf8'), 'clusters: [unclosed\n');
    } finally {
      writeFileSync(cluster.kubeconfig, saved);
    }
  });

  it('reports the server process running and ready', async () => {
    const r = await k8ts(['status', '--name', name]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /, healthy$/m);
    assert.match(r.stdout, /^server\s+\d+\s+yes\s+yes\s+HTTP 200$/m);
  });

  it('runs a second cluster side by side on the next address, leaving the user kubeconfig alone with --no-merge-kubeconfig', async () => {
    const before = readFileSync(cluster.kubeconfig, 'utf8');
    const r = await k8ts(['up', '--name', second, '--no-merge-kubeconfig']);
    assert.equal(r.code, 0, r.stderr);
    const created = /is up at (https:\/\/127\.10\.\d+\.1:6443) \(created in \d+\.\d+s\)/.exec(r.stdout);
    assert.ok(created !== null, r.stdout);
    assert.notEqual(created[1], url);
    assert.equal(readFileSync(cluster.kubeconfig, 'utf8'), before);
    const kubeconfig = (await k8ts(['kubeconfig', '--name', second])).stdout.trim();
    for (const path of [join(clusterDir, 'kubeconfig'), kubeconfig]) {
      const r = await plainKubectl(['--kubeconfig', path, 'get', '--raw', '/readyz']);
      assert.equal(r.stdout.trim(), 'ok', `${path}: ${r.stderr}`);
    }
    const down = await k8ts(['down', '--name', second, '--delete']);
    assert.equal(down.code, 0, down.stderr);
  });

  it('keeps data, address and certificates across down and up', async () => {
    await kubectl(['apply', '-f', '-'], CONFIGMAP);
    const caBefore = readFileSync(join(clusterDir, 'pki', 'ca.crt'), 'utf8');
    const servingBefore = readFileSync(join(clusterDir, 'pki', 'apiserver.crt'), 'utf8');

    const down = await k8ts(['down', '--name', name]);
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stdout, /stopped; its data is kept/);
    assert.match(down.stderr, /server \(pid \d+\) stopped/);
    const status = await k8ts(['status', '--name', name]);
    assert.equal(status.code, 1);
    assert.match(status.stdout, /, stopped$/m);
    const unreachable = await cluster.kubectl(['get', '--raw', '/readyz'], { timeoutMs: 30_000 });
    assert.notEqual(unreachable.code, 0);

    const up = await k8ts(['up', '--name', name]);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /\(restarted in \d+\.\d+s\)/);
    assert.ok(up.stdout.includes(`is up at ${url} `), up.stdout);
    assert.equal(readFileSync(join(clusterDir, 'pki', 'ca.crt'), 'utf8'), caBefore);
    assert.equal(readFileSync(join(clusterDir, 'pki', 'apiserver.crt'), 'utf8'), servingBefore);
    assert.equal(await kubectl(['get', 'configmap', 'survives-restart', '-o', 'jsonpath={.data.answer}']), '42');
  });

  it('fails with the flag named and exit code 2 for bad flags', async () => {
    const port = await k8ts(['server', '--port', 'abc']);
    assert.equal(port.code, 2);
    assert.match(port.stderr, /^error: --port must be an integer 1-65535, got "abc"$/m);
    const badName = await k8ts(['up', '--name', 'Not_A_Label']);
    assert.equal(badName.code, 2);
    assert.match(badName.stderr, /^error: --name must be a DNS-1123 label/m);
    const unknown = await k8ts(['up', '--no-such-flag']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown option '--no-such-flag'/);
  });

  it('removes the cluster, its processes and its kubeconfig entries with down --delete', async () => {
    const pid = Number(/^server\s+(\d+)/m.exec((await k8ts(['status', '--name', name])).stdout)?.[1]);
    assert.ok(pid > 0 && isLive(pid));
    const r = await k8ts(['down', '--name', name, '--delete']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Cluster "${name}" deleted`));
    assert.equal(existsSync(clusterDir), false);
    assert.deepEqual(readdirSync(join(cluster.env.K8TS_HOME!, '.addresses')), []);
    assert.equal(isLive(pid), false);
    const merged = readYaml(cluster.kubeconfig);
    const names = [...(merged.clusters ?? []), ...(merged.users ?? []), ...(merged.contexts ?? [])].map((e) => e.name);
    assert.ok(!names.includes(`k8ts-${name}`), names.join());
    assert.equal(merged['current-context'], undefined);
    const gone = await k8ts(['kubeconfig', '--name', name]);
    assert.equal(gone.code, 1);
  });
});
