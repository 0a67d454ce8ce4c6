import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from './main.ts';

const root = mkdtempSync(join(tmpdir(), 'k8ts-cli-test-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Runs the CLI in-process with its own K8TS_HOME and KUBECONFIG. */
async function k8ts(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const env = { K8TS_HOME: join(root, 'home'), KUBECONFIG: join(root, 'kubeconfig'), HOME: root };
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t), env });
  return { code, out, err };
}

describe('k8ts CLI', () => {
  it('loads each command under its own name: `k8ts <command> --help` shows that command', async () => {
    const all = await k8ts('--help');
    const names = [...all.out.matchAll(/^ {2}([a-z-]+) /gm)].map((m) => m[1]!).filter((n) => n !== 'help');
    assert.ok(names.length >= 11, all.out);
    for (const name of names) {
      const r = await k8ts(name, '--help');
      assert.equal(r.code, 0, name);
      assert.match(r.out, new RegExp(`^Usage: k8ts ${name} `, 'm'), name);
    }
  });

  it('exits 2 with the flag named for bad flag values', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['server', '--port', 'abc'], /^error: --port must be an integer 1-65535, got "abc"$/m],
      [['up', '--name', 'Bad_Name'], /^error: --name must be a DNS-1123 label/m],
      [['down', '--name', ''], /^error: --name must be a DNS-1123 label .*it is empty/m],
      [['server', '--bind-address', 'example.com'], /^error: --bind-address must be an IP address/m],
      [['server', '--token-file', join(root, 'nope.csv')], /^error: --token-file: cannot read/m],
      [['up', '--timeout', 'soon'], /^error: --timeout must be a positive number of seconds/m],
    ];
    for (const [args, pattern] of cases) {
      const r = await k8ts(...args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.err, pattern, args.join(' '));
      assert.equal(r.out, '');
    }
  });

  it('exits 2 naming the flag for bad HA flags', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['up', '--control-planes', '2'], /^error: --control-planes 2 makes an even etcd member count: .*or pass --force$/m],
      [['up', '--control-planes', 'three'], /^error: --control-planes must be a positive whole number, got "three"$/m],
      [['up', '--topology', 'single', '--control-planes', '3'], /^error: --topology single has one control plane/m],
      [['up', '--topology', 'mesh'], /^error: --topology must be single, stacked or external, got "mesh"$/m],
      [['up', '--lb', 'nginx'], /^error: --lb must be builtin or haproxy, got "nginx"$/m],
      [['up', '--topology', 'single', '--lb', 'haproxy'], /^error: --lb needs an HA topology/m],
      [['up', '--topology', 'stacked', '--etcd-members', '3'], /^error: --etcd-members is for --topology external/m],
      [['up', '--workers', 'two'], /^error: --workers must be a whole number \(0 or more\), got "two"$/m],
      [['up', '--workers', '150'], /^error: --workers must be 0-149, got 150$/m],
      [['up', '--runtime', 'sim'], /^error: --runtime is the runtime of the worker nodes: give --workers N too/m],
      [['up', '--workers', '2', '--runtime', 'docker'], /^error: --runtime must be process or sim, got "docker"$/m],
      [['server', '--storage', 'mysql'], /^error: --storage must be sqlite or etcd, got "mysql"$/m],
      [['server', '--storage', 'etcd'], /^error: --storage etcd needs --etcd-servers/m],
      [['server', '--storage', 'etcd', '--etcd-servers', 'https://127.0.0.1:2379'], /^error: --storage etcd needs --etcd-cafile, --etcd-certfile, --etcd-keyfile/m],
      [['server', '--etcd-servers', 'https://127.0.0.1:2379'], /^error: --etcd-servers, --etcd-cafile, --etcd-certfile and --etcd-keyfile need --storage etcd$/m],
      [['server', '--storage', 'etcd', '--etcd-servers', 'ftp://x'], /^error: --etcd-servers must be an https:\/\/ or http:\/\/ URL/m],
      [['server', '--components', 'scheduler-of-doom'], /^error: --components: unknown component "scheduler-of-doom"; known: controller-manager/m],
      [['server', '--bind-address', '0.0.0.0'], /^error: --bind-address 0\.0\.0\.0 listens everywhere: give --advertise-address/m],
      [['server', '--service-cluster-ip-range', '10.0.0.0'], /^error: --service-cluster-ip-range must be an IPv4 CIDR/m],
      [['server', '--identity-lease-duration-seconds', '1', '--identity-lease-renew-interval-seconds', '2'], /^error: --identity-lease-renew-interval-seconds must be shorter/m],
      [['lb', '--bind-address', '127.0.0.1', '--backend', 'a=127.0.0.1:1'], /^error: --ca-file is required/m],
      [['lb', '--bind-address', '127.0.0.1', '--ca-file', join(root, 'nope')], /^error: --ca-file: cannot read/m],
      [['status', '-o', 'yaml'], /^error: --output must be text or json, got "yaml"$/m],
      [['node', 'add', '--role', 'etcd'], /^error: --role must be control-plane or worker, got "etcd"$/m],
    ];
    for (const [args, pattern] of cases) {
      const r = await k8ts(...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
      assert.match(r.err, pattern, args.join(' '));
    }
  });

  it('exits 1 naming the cluster or node when it does not exist', async () => {
    for (const args of [['node', 'kill', 'cp-1', '--name', 'ghost'], ['node', 'start', 'cp-1', '--name', 'ghost'], ['etcd', 'snapshot', 'save', join(root, 's.db'), '--name', 'ghost']]) {
      const r = await k8ts(...args);
      assert.equal(r.code, 1, args.join(' '));
      assert.match(r.err, /^error: there is no cluster "ghost" in /m, args.join(' '));
    }
  });

  it('exits 2 for unknown commands, flags and extra arguments', async () => {
    for (const args of [['bogus'], ['up', '--bogus'], ['up', 'extra'], []]) {
      const r = await k8ts(...args);
      assert.equal(r.code, 2, args.join(' '));
      assert.notEqual(r.err, '');
    }
  });

  it('exits 0 for help', async () => {
    const r = await k8ts('--help');
    assert.equal(r.code, 0);
    for (const command of ['up', 'down', 'status', 'kubeconfig', 'server', 'controller-manager']) assert.match(r.out, new RegExp(`^  ${command} `, 'm'));
    const up = await k8ts('up', '--help');
    assert.equal(up.code, 0);
    assert.match(up.out, /--no-merge-kubeconfig/);
  });

  it('exits 1 naming the cluster and the fix when it does not exist', async () => {
    for (const command of ['down', 'status', 'kubeconfig']) {
      const r = await k8ts(command, '--name', 'ghost');
      assert.equal(r.code, 1, command);
      assert.match(r.err, /^error: there is no cluster "ghost" in .*; `k8ts up --name ghost` creates it$/m, command);
    }
  });

  it('deleting a cluster that does not exist succeeds (deletion is idempotent)', async () => {
    const r = await k8ts('down', '--name', 'ghost', '--delete');
    assert.equal(r.code, 0);
    assert.match(r.out, /does not exist; nothing to delete/);
  });

  it('prints the kubeconfig path of an existing cluster', async () => {
    const dir = join(root, 'home', 'dev');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'cluster.json'), JSON.stringify({ name: 'dev', topology: 'single', index: 1, apiServer: { address: '127.10.1.1', port: 6443 }, createdAt: '' }));
    writeFileSync(join(dir, 'kubeconfig'), 'apiVersion: v1\n');
    const r = await k8ts('kubeconfig', '--name', 'dev');
    assert.equal(r.code, 0);
    assert.equal(r.out, `${join(dir, 'kubeconfig')}\n`);
  });

  it('reports a stopped cluster as not healthy with exit code 1', async () => {
    const r = await k8ts('status', '--name', 'dev');
    assert.equal(r.code, 1);
    assert.match(r.out, /cluster dev: single node, apiserver https:\/\/127\.10\.1\.1:6443, stopped/);
    assert.match(r.out, /no processes recorded \(stopped\)/);
  });

  it('controller-manager: exits 2 naming the flag for bad values', async () => {
    const kubeconfig = join(root, 'cm-kubeconfig');
    writeFileSync(kubeconfig, 'apiVersion: v1\n');
    const cases: Array<[string[], RegExp]> = [
      [['controller-manager', '--kubeconfig', join(root, 'none')], /^error: --kubeconfig: cannot read/m],
      [['controller-manager', '--kubeconfig', kubeconfig, '--controllers', '*,-nope'], /^error: --controllers: Cannot select controller "nope": known controllers are namespace-controller, /m],
      [['controller-manager', '--kubeconfig', kubeconfig, '--node-monitor-grace-period', '10'], /^error: --node-monitor-grace-period must be a duration such as 10s/m],
      [['controller-manager', '--kubeconfig', kubeconfig, '--leader-elect', 'maybe'], /^error: --leader-elect must be true or false, got "maybe"$/m],
      [['controller-manager', '--kubeconfig', kubeconfig, '--leader-elect-lease-duration', '1500ms'], /^error: --leader-elect-lease-duration must be a whole number of seconds/m],
      [['controller-manager', '--kubeconfig', kubeconfig, '--leader-elect-renew-deadline', '5s'], /^error: --leader-elect-renew-deadline must be shorter than --leader-elect-lease-duration$/m],
      [['controller-manager', '--kubeconfig', kubeconfig, '--concurrent-deployment-syncs', '0'], /^error: --concurrent-deployment-syncs must be at least 1, got 0$/m],
      [['controller-manager', '--kubeconfig', kubeconfig, '--server', 'http://127.0.0.1:6443'], /^error: --server must be an https:\/\/ URL/m],
      [['controller-manager', '--kubeconfig', kubeconfig, '--root-ca-file', join(root, 'none')], /^error: --root-ca-file: cannot read/m],
      [['controller-manager', '--kubeconfig', kubeconfig, '--root-ca-file', kubeconfig], /^error: --root-ca-file: .*cm-kubeconfig holds no PEM certificate$/m],
    ];
    for (const [args, pattern] of cases) {
      const r = await k8ts(...args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.err, pattern, args.join(' '));
    }
  });
});
