/**
 * Pods run by the single-node cluster's kubelet (node cp-1, process runtime), driven with the
 * real kubectl against `k8ts up`: a pod bound to cp-1 runs an HTTP server on its own IP behind a
 * readiness probe; `get -o wide`, `logs` (-f, --tail, --previous, -c), `exec` (output, -i with
 * stdin, the exit code), `delete` (the process is gone, checked by PID); `k8ts down` stops pods.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { PassThrough, Writable } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { eventually, startCliCluster, type CliCluster } from '../support/cli-cluster.ts';

const WEB_POD = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  nodeName: cp-1
  containers:
  - name: web
    image: python:3
    command: ["python3", "-m", "http.server", "--bind", "$(POD_IP)", "8080"]
    ports:
    - containerPort: 8080
    readinessProbe:
      httpGet: {path: /, port: 8080}
      periodSeconds: 1
  - name: sidecar
    image: busybox
    command: ["sh", "-c", "echo sidecar says hello; sleep 3600"]
`;

/** Whether `pid` is a live process (a zombie counts as gone). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX] /.test(stat);
  } catch {
    return false;
  }
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    httpGet(url, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

describe('pods on the single-node cluster, with kubectl', () => {
  let cluster: CliCluster;

  before(async () => {
    cluster = await startCliCluster(`e2e-kubelet-${process.pid}`);
  });
  after(async () => cluster?.stop());

  const kubectl = (args: string[], input?: string) => cluster.kubectl(args, input === undefined ? {} : { input });

  it('registers node cp-1 as Ready with the process runtime', async () => {
    const nodes = await eventually('node cp-1', async () => {
      const r = await kubectl(['get', 'nodes', '-o', 'wide']);
      return r.stdout.includes('cp-1') ? r : undefined;
    });
    assert.match(nodes.stdout, /cp-1\s+Ready\s+control-plane\s+\S+\s+v1\.32\.\S+\s+127\.10\.\d+\.1\s.*process:\/\//);
  });

  it('runs a pod bound to cp-1 until Running and Ready, reachable at its own IP', async () => {
    const created = await kubectl(['create', '-f', '-'], WEB_POD);
    assert.equal(created.code, 0, created.stderr);
    const wait = await cluster.kubectl(['wait', '--for=condition=Ready', 'pod/web', '--timeout=60s'], { timeoutMs: 90_000 });
    assert.equal(wait.code, 0, wait.stderr);
    const wide = await kubectl(['get', 'pods', '-o', 'wide']);
    assert.match(wide.stdout, /^web\s+2\/2\s+Running\s+0\s+\S+\s+127\.\d+\.1\.\d+\s+cp-1\s/m);
    const ip = (await kubectl(['get', 'pod', 'web', '-o', 'jsonpath={.status.podIP}'])).stdout;
    assert.equal(await httpStatus(`http://${ip}:8080/`), 200);
  });

  it('serves logs: plain, --tail, -c, and -f streaming', async () => {
    await eventually('the access log', async () => ((await kubectl(['logs', 'web', '-c', 'web'])).stdout.includes('"GET / HTTP/1.1" 200') ? true : undefined));
    const tail = await kubectl(['logs', 'web', '-c', 'web', '--tail=1']);
    assert.equal(tail.code, 0, tail.stderr);
    assert.equal(tail.stdout.trim().split('\n').length, 1);
    const sidecar = await kubectl(['logs', 'web', '-c', 'sidecar']);
    assert.equal(sidecar.stdout, 'sidecar says hello\n');
    const defaulted = await kubectl(['logs', 'web', '--tail=1']);
    assert.equal(defaulted.code, 0, defaulted.stderr);
    assert.match(defaulted.stderr, /Defaulted container "web" out of: web, sidecar/);

    const follower = cluster.spawnKubectl(['logs', '-f', 'web', '-c', 'web', '--tail=0']);
    let followed = '';
    follower.stdout!.on('data', (d: Buffer) => (followed += d.toString()));
    const ip = (await kubectl(['get', 'pod', 'web', '-o', 'jsonpath={.status.podIP}'])).stdout;
    // Requests keep coming until the follower (which starts at the end of the log) shows one.
    await eventually('the followed line', async () => {
      await httpStatus(`http://${ip}:8080/followed-path`);
      return followed.includes('GET /followed-path') ? true : undefined;
    });
    follower.kill();
  });

  it('execs: output, stdin with -i, and the exit code', async () => {
    const hi = await kubectl(['exec', 'web', '-c', 'web', '--', 'echo', 'hi']);
    assert.equal(hi.code, 0, hi.stderr);
    assert.equal(hi.stdout, 'hi\n');
    const cat = await kubectl(['exec', '-i', 'web', '-c', 'web', '--', 'cat'], 'some-stdin\n');
    assert.equal(cat.stdout, 'some-stdin\n');
    const three = await kubectl(['exec', 'web', '-c', 'web', '--', 'sh', '-c', 'exit 3']);
    assert.equal(three.code, 3);
    const env = await kubectl(['exec', 'web', '-c', 'web', '--', 'sh', '-c', 'echo $HOSTNAME']);
    assert.equal(env.stdout, 'web\n');
  });

  it('serves exec and logs to @kubernetes/client-node', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);
    kc.setCurrentContext(`k8ts-${cluster.name}`);
    let out = '';
    const stdout = new Writable({ write: (chunk: Buffer, _enc, done) => ((out += chunk.toString()), done()) });
    const stdin = new PassThrough();
    const status = await new Promise<k8s.V1Status>((resolve, reject) => {
      new k8s.Exec(kc).exec('default', 'web', 'web', ['sh', '-c', 'cat; exit 5'], stdout, null, stdin, false, resolve).then(() => stdin.end('via client-node\n'), reject);
    });
    assert.equal(out, 'via client-node\n');
    assert.equal(status.status, 'Failure');
    assert.equal(status.details?.causes?.[0]?.message, '5');

    let logged = '';
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => ((logged += chunk.toString()), done()) });
    // client-node pipes the response into the stream (it never calls a done callback).
    const finished = new Promise<void>((resolve) => sink.on('finish', () => resolve()));
    await new k8s.Log(kc).log('default', 'web', 'sidecar', sink, { follow: false });
    await finished;
    assert.equal(logged, 'sidecar says hello\n');
  });

  it('shows the previous instance of a restarted container with logs --previous', async () => {
    const run = await kubectl(['run', 'restarter', '--image=busybox', '--overrides={"spec":{"nodeName":"cp-1"}}', '--command', '--', 'sh', '-c', 'echo "run $(date +%s%N)"; sleep 1; exit 1']);
    assert.equal(run.code, 0, run.stderr);
    await eventually(
      'a restart',
      async () => (Number((await kubectl(['get', 'pod', 'restarter', '-o', 'jsonpath={.status.containerStatuses[0].restartCount}'])).stdout) >= 1 ? true : undefined),
      60_000,
    );
    const previous = await kubectl(['logs', 'restarter', '--previous']);
    assert.equal(previous.code, 0, previous.stderr);
    assert.match(previous.stdout, /^run \d+\n$/);
  });

  it('says why a pod without a command cannot run', async () => {
    await kubectl(['run', 'nginx', '--image=nginx:1.27', '--overrides={"spec":{"nodeName":"cp-1"}}']);
    const status = await eventually('the waiting reason', async () => {
      const r = await kubectl(['get', 'pod', 'nginx']);
      return r.stdout.includes('CommandRequired') ? r : undefined;
    });
    assert.match(status.stdout, /nginx\s+0\/1\s+CommandRequired/);
  });

  it('stops the process when the pod is deleted', async () => {
    const id = (await kubectl(['get', 'pod', 'web', '-o', 'jsonpath={.status.containerStatuses[?(@.name=="web")].containerID}'])).stdout;
    const pid = Number(id.replace('process://', ''));
    assert.ok(pid > 1 && alive(pid), `the container runs as pid ${pid}`);
    const deleted = await cluster.kubectl(['delete', 'pod', 'web', '--timeout=60s'], { timeoutMs: 90_000 });
    assert.equal(deleted.code, 0, deleted.stderr);
    await eventually('the process to be gone', async () => (alive(pid) ? undefined : true));
  });

  it('k8ts down stops every pod process', async () => {
    const sleeper = await kubectl(['run', 'sleeper', '--image=busybox', '--overrides={"spec":{"nodeName":"cp-1"}}', '--command', '--', 'sleep', '3600']);
    assert.equal(sleeper.code, 0, sleeper.stderr);
    const pid = await eventually('the sleeper to run', async () => {
      const cid = (await kubectl(['get', 'pod', 'sleeper', '-o', 'jsonpath={.status.containerStatuses[0].containerID}'])).stdout;
      return cid.startsWith('process://') ? Number(cid.slice('process://'.length)) : undefined;
    });
    const down = await cluster.k8ts(['down', '--name', cluster.name]);
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stderr, /stopped \d+ pod container/);
    await eventually('the pod process to be gone', async () => (alive(pid) ? undefined : true));
  });
});
