/**
 * The kubelet with the process runtime behind an in-process apiserver, all over HTTPS through the
 * client: pods run as processes and reach Running/Ready, logs and exec go through the apiserver
 * to the kubelet, crashing containers back off, deletion honours the grace period, a pod without
 * a command says why it cannot run, and a restarted kubelet adopts its containers.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { configMapType } from '../../src/api/core/v1/configmap.ts';
import { eventType } from '../../src/api/core/v1/event.ts';
import { podType } from '../../src/api/core/v1/pod.ts';
import { secretType } from '../../src/api/core/v1/secret.ts';
import { nodeType } from '../../src/api/core/v1/node.ts';
import { leaseType } from '../../src/api/coordination/v1/lease.ts';
import type { KubeObject } from '../../src/api/meta/types.ts';
import { waitFor } from '../../src/client/testing/index.ts';
import { execWebSocket, startKubeletCluster, type KubeletCluster } from '../support/kubelet-cluster.ts';

let cluster: KubeletCluster;
before(async () => {
  cluster = await startKubeletCluster({ crashLoopBackoff: { initialMs: 1000, maxMs: 4000 }, setupRetryMs: 1000, volumeRefreshMs: 1000 });
});
after(async () => cluster.close());

const NS = 'default';
type Pod = KubeObject & { status?: any };

function pods() {
  return cluster.clientset.resource<Pod>(podType);
}

async function createPod(name: string, spec: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<Pod> {
  return pods().create({ metadata: { name, namespace: NS, ...extra }, spec: { nodeName: cluster.nodeName, ...spec } });
}

async function waitForPod(name: string, what: string, ok: (p: Pod) => boolean, timeoutMs = 30_000): Promise<Pod> {
  let last: Pod | undefined;
  await waitFor(
    async () => {
      last = await pods().get(name, { namespace: NS });
      return ok(last);
    },
    `pod ${name}: ${what}`,
    timeoutMs,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; last status: ${JSON.stringify(last?.status)}`);
  });
  return last!;
}

const isReady = (p: Pod): boolean => (p.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');

/** GET through the apiserver with the admin certificate; resolves with status and body. */
function apiGet(path: string): Promise<{ status: number; body: string }> {
  const url = new URL(path, cluster.api.url);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ca: cluster.tls.ca, cert: cluster.tls.cert, key: cluster.tls.key }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function execUrl(pod: string, argv: string[], params: Record<string, string> = {}): string {
  const url = new URL(`/api/v1/namespaces/${NS}/pods/${pod}/exec`, cluster.api.url.replace('https:', 'wss:'));
  for (const a of argv) url.searchParams.append('command', a);
  for (const [k, v] of Object.entries({ stdout: 'true', stderr: 'true', ...params })) url.searchParams.set(k, v);
  return url.toString();
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('kubelet (process runtime) through the apiserver', () => {
  it('registers its node with capacity, addresses, nodeInfo and conditions, and renews its lease', async () => {
    const node = await cluster.clientset.resource(nodeType).get(cluster.nodeName);
    assert.equal(node.metadata.labels?.['kubernetes.io/hostname'], cluster.nodeName);
    assert.equal(node.metadata.labels?.['kubernetes.io/os'], 'linux');
    assert.equal(node.spec.podCIDR, '127.88.1.0/24');
    assert.deepEqual(node.status.addresses, [
      { type: 'InternalIP', address: '127.0.0.1' },
      { type: 'Hostname', address: cluster.nodeName },
    ]);
    assert.equal(node.status.capacity.pods, '110');
    assert.match(node.status.nodeInfo.kubeletVersion, /^v1\.32\./);
    assert.match(node.status.nodeInfo.containerRuntimeVersion, /^process:\/\//);
    assert.ok(node.status.daemonEndpoints.kubeletEndpoint.Port > 0);
    const types = node.status.conditions.map((c: any) => `${c.type}=${c.status}`).sort();
    assert.deepEqual(types, ['DiskPressure=False', 'MemoryPressure=False', 'PIDPressure=False', 'Ready=True']);
    const leases = cluster.clientset.resource(leaseType);
    const first = await leases.get(cluster.nodeName, { namespace: 'kube-node-lease' });
    assert.equal(first.spec.holderIdentity, cluster.nodeName);
    await waitFor(async () => (await leases.get(cluster.nodeName, { namespace: 'kube-node-lease' })).spec.renewTime !== first.spec.renewTime, 'the lease to be renewed');
  });

  it('runs a pod with a command until Running and Ready behind its readiness probe, reachable at its IP, with logs through pods/log', async () => {
    await createPod('web', {
      containers: [
        {
          name: 'web',
          image: 'python:3',
          command: ['python3', '-m', 'http.server', '--bind', '$(POD_IP)', '8080'],
          readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 },
        },
      ],
    });
    const pod = await waitForPod('web', 'Ready', isReady);
    assert.equal(pod.status.phase, 'Running');
    assert.match(pod.status.podIP, /^127\.88\.1\.\d+$/);
    assert.equal(pod.status.hostIP, '127.0.0.1');
    assert.equal(pod.status.containerStatuses[0].ready, true);
    assert.equal(pod.status.containerStatuses[0].started, true);
    assert.ok(pod.status.containerStatuses[0].state.running.startedAt);
    assert.equal(pod.status.qosClass, 'BestEffort');
    assert.deepEqual(pod.status.conditions.map((c: any) => c.type).sort(), ['ContainersReady', 'Initialized', 'PodReadyToStartContainers', 'PodScheduled', 'Ready']);

    const body = await new Promise<string>((resolve, reject) => {
      httpGet(`http://${pod.status.podIP}:8080/`, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve(text));
      }).on('error', reject);
    });
    assert.match(body, /Directory listing/);

    // The probes' and our request's access lines land in the container log.
    await waitFor(async () => (await apiGet(`/api/v1/namespaces/${NS}/pods/web/log`)).body.includes('"GET / HTTP/1.1" 200'), 'the access log');
    const tail = await apiGet(`/api/v1/namespaces/${NS}/pods/web/log?container=web&tailLines=1&timestamps=true`);
    assert.equal(tail.status, 200);
    assert.equal(tail.body.trim().split('\n').length, 1);
    assert.match(tail.body, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z /);
    const limited = await apiGet(`/api/v1/namespaces/${NS}/pods/web/log?limitBytes=5`);
    assert.equal(limited.body.length, 5);
  });

  it('follows a log, streaming lines as they are written', async () => {
    await createPod('ticker', { containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'i=0; while :; do echo tick $i; i=$((i+1)); sleep 0.2; done'] }] });
    await waitForPod('ticker', 'Running', (p) => p.status?.phase === 'Running');
    const lines: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const url = new URL(`/api/v1/namespaces/${NS}/pods/ticker/log?follow=true&tailLines=0`, cluster.api.url);
      const req = httpsRequest(url, { ca: cluster.tls.ca, cert: cluster.tls.cert, key: cluster.tls.key }, (res) => {
        assert.equal(res.statusCode, 200);
        res.on('data', (d: Buffer) => {
          lines.push(...d.toString().split('\n').filter((l) => l !== ''));
          if (lines.length >= 3) {
            req.destroy();
            resolve();
          }
        });
      });
      req.on('error', (err) => (lines.length >= 3 ? resolve() : reject(err)));
      req.end();
    });
    assert.match(lines[0]!, /^tick \d+$/);
    const n = Number(lines[0]!.split(' ')[1]);
    assert.equal(lines[1], `tick ${n + 1}`);
  });

  it('execs through the apiserver over WebSocket v5 and v4: output, stdin, and the exit code in the status', async () => {
    await waitForPod('web', 'Ready', isReady);
    const hi = await execWebSocket(execUrl('web', ['echo', 'hi']), cluster.tls);
    assert.equal(hi.stdout, 'hi\n');
    assert.equal(hi.status?.status, 'Success');

    const cat = await execWebSocket(execUrl('web', ['cat'], { stdin: 'true' }), cluster.tls, 'some-stdin\n');
    assert.equal(cat.stdout, 'some-stdin\n');
    assert.equal(cat.status?.status, 'Success');

    const three = await execWebSocket(execUrl('web', ['sh', '-c', 'echo err >&2; exit 3']), cluster.tls);
    assert.equal(three.stderr, 'err\n');
    assert.equal(three.status?.status, 'Failure');
    assert.equal(three.status?.reason, 'NonZeroExitCode');
    assert.deepEqual(three.status?.details?.causes, [{ reason: 'ExitCode', message: '3' }]);

    const env = await execWebSocket(execUrl('web', ['sh', '-c', 'echo $POD_IP $HOSTNAME']), cluster.tls, undefined, 'v4.channel.k8s.io');
    const pod = await pods().get('web', { namespace: NS });
    assert.equal(env.stdout, `${pod.status.podIP} web\n`);
  });

  it('execs commands that stop reading stdin early (head -c, a failing tar of kubectl cp): their output and exit code, and the kubelet lives on', async () => {
    await waitForPod('web', 'Ready', isReady);
    const big = 'z'.repeat(5_000_000);
    const head = await execWebSocket(execUrl('web', ['head', '-c', '10'], { stdin: 'true' }), cluster.tls, big);
    assert.equal(head.stdout, 'z'.repeat(10));
    assert.equal(head.status?.status, 'Success');
    const tar = await execWebSocket(execUrl('web', ['sh', '-c', 'exec 0<&-; echo "tar: /nonexistent-dir/sub: Cannot open" >&2; exit 2'], { stdin: 'true' }), cluster.tls, big);
    assert.equal(tar.stderr, 'tar: /nonexistent-dir/sub: Cannot open\n');
    assert.deepEqual(tar.status?.details?.causes, [{ reason: 'ExitCode', message: '2' }]);
    assert.equal((await execWebSocket(execUrl('web', ['echo', 'still here']), cluster.tls)).stdout, 'still here\n');
  });

  it('answers mistakes with a clear Status before reaching a kubelet', async () => {
    const unknown = await apiGet(`/api/v1/namespaces/${NS}/pods/web/log?container=nope`);
    assert.equal(unknown.status, 400);
    assert.equal(JSON.parse(unknown.body).message, 'container nope is not valid for pod web');
    const badTail = await apiGet(`/api/v1/namespaces/${NS}/pods/web/log?tailLines=-1`);
    assert.equal(badTail.status, 400);
    assert.match(JSON.parse(badTail.body).message, /tailLines: Invalid value: -1/);
    const missing = await apiGet(`/api/v1/namespaces/${NS}/pods/absent/log`);
    assert.equal(missing.status, 404);
    await pods().create({ metadata: { name: 'unscheduled', namespace: NS }, spec: { containers: [{ name: 'c', image: 'busybox', command: ['true'] }] } });
    const unscheduled = await apiGet(`/api/v1/namespaces/${NS}/pods/unscheduled/log`);
    assert.equal(unscheduled.status, 400);
    assert.equal(JSON.parse(unscheduled.body).message, 'pod unscheduled does not have a host assigned');
    const noUpgrade = await apiGet(`/api/v1/namespaces/${NS}/pods/web/exec?command=ls`);
    assert.equal(noUpgrade.status, 400);
    assert.equal(JSON.parse(noUpgrade.body).message, 'Upgrade request required');
    await assert.rejects(execWebSocket(execUrl('web', ['ls'], { container: 'nope' }), cluster.tls), /upgrade refused: 400 .*container nope is not valid for pod web/);
  });

  it('gives a container without a command a waiting reason that says why, never a silent success', async () => {
    await createPod('nginx', { containers: [{ name: 'nginx', image: 'nginx:1.27' }] });
    const pod = await waitForPod('nginx', 'the CommandRequired reason', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CommandRequired');
    assert.equal(pod.status.phase, 'Pending');
    assert.match(pod.status.containerStatuses[0].state.waiting.message, /process runtime runs a container's command and args .* ignores its image \("nginx:1\.27"\)/);
    const logs = await apiGet(`/api/v1/namespaces/${NS}/pods/nginx/log`);
    assert.equal(logs.status, 400);
    assert.equal(JSON.parse(logs.body).message, 'container "nginx" in pod "nginx" is waiting to start: CommandRequired');
  });

  it('restarts a crashing container with growing CrashLoopBackOff delays, and serves the previous instance log', async () => {
    await createPod('crash', { containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'echo "run at $(date +%s%N)"; exit 2'] }] });
    const pod = await waitForPod(
      'crash',
      'restartCount >= 2 in CrashLoopBackOff',
      (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2 && p.status.containerStatuses[0].state.waiting?.reason === 'CrashLoopBackOff',
    );
    const cs = pod.status.containerStatuses[0];
    assert.equal(pod.status.phase, 'Running');
    assert.match(cs.state.waiting.message, /^back-off \d+s restarting failed container=c pod=crash_default\(/);
    assert.equal(cs.lastState.terminated.exitCode, 2);
    assert.equal(cs.lastState.terminated.reason, 'Error');
    const previous = await apiGet(`/api/v1/namespaces/${NS}/pods/crash/log?previous=true`);
    assert.equal(previous.status, 200);
    assert.match(previous.body, /^run at \d+\n$/);
  });

  it('honours the grace period on deletion: SIGTERM, SIGKILL after the grace period, then the pod object goes', async () => {
    await createPod('stubborn', { terminationGracePeriodSeconds: 2, containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'trap "echo got TERM" TERM; echo started; while :; do sleep 0.1; done'] }] });
    const pod = await waitForPod('stubborn', 'Running', (p) => p.status?.phase === 'Running');
    const pid = Number(pod.status.containerStatuses[0].containerID.replace('process://', ''));
    await waitFor(async () => (await apiGet(`/api/v1/namespaces/${NS}/pods/stubborn/log`)).body.includes('started'), 'the trap to be set');
    const started = Date.now();
    await pods().delete('stubborn', { namespace: NS });
    const terminating = await pods().get('stubborn', { namespace: NS });
    assert.ok(terminating.metadata.deletionTimestamp);
    await waitFor(async () => {
      try {
        await pods().get('stubborn', { namespace: NS });
        return false;
      } catch {
        return true;
      }
    }, 'the pod object to be deleted', 30_000);
    const took = Date.now() - started;
    assert.ok(took >= 1500, `the kubelet waited for the grace period before killing (took ${took} ms)`);
    assert.equal(processAlive(pid), false, 'the container process is gone');
  });

  it('runs init containers in order before the main container, with configMap volumes and env', async () => {
    await cluster.clientset.resource({ group: '', version: 'v1', kind: 'ConfigMap', resource: 'configmaps', singular: 'configmap', listKind: 'ConfigMapList', namespaced: true, shortNames: [], categories: [] }).create({
      metadata: { name: 'settings', namespace: NS },
      data: { greeting: 'hello', 'app.conf': 'mode=fast\n' },
    });
    await createPod('staged', {
      volumes: [{ name: 'work', emptyDir: {} }, { name: 'config', configMap: { name: 'settings' } }],
      initContainers: [
        { name: 'one', image: 'busybox', command: ['sh', '-c', 'echo one >> $(K8TS_VOLUME_WORK)/order'], volumeMounts: [{ name: 'work', mountPath: '/work' }] },
        { name: 'two', image: 'busybox', command: ['sh', '-c', 'echo two >> "$K8TS_MOUNT_WORK/order"'], volumeMounts: [{ name: 'work', mountPath: '/work' }] },
      ],
      containers: [
        {
          name: 'main',
          image: 'busybox',
          command: ['sh', '-c', 'cat "$K8TS_MOUNT_WORK/order"; cat $(K8TS_VOLUME_CONFIG)/app.conf; echo "$GREETING"; sleep 30'],
          env: [{ name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'settings', key: 'greeting' } } }],
          volumeMounts: [{ name: 'work', mountPath: '/work' }, { name: 'config', mountPath: '/etc/app' }],
        },
      ],
    });
    const pod = await waitForPod('staged', 'Running', (p) => p.status?.phase === 'Running');
    assert.deepEqual(pod.status.initContainerStatuses.map((s: any) => [s.name, s.state.terminated?.exitCode]), [['one', 0], ['two', 0]]);
    await waitFor(async () => (await apiGet(`/api/v1/namespaces/${NS}/pods/staged/log?container=main`)).body === 'one\ntwo\nmode=fast\nhello\n', 'the main container output');
  });

  it('reads ConfigMaps and Secrets as they are now: for new pods, for the volumes of running ones, and for a pod waiting for one', async () => {
    const configMaps = cluster.clientset.resource(configMapType);
    const secrets = cluster.clientset.resource(secretType);
    const base64 = (text: string): string => Buffer.from(text).toString('base64');
    await configMaps.create({ metadata: { name: 'live', namespace: NS }, data: { v: 'one' } });
    await secrets.create({ metadata: { name: 'live', namespace: NS }, data: { v: base64('s-one') } });
    /** A pod with env from ConfigMap `envFrom` and the Secret, and volumes of ConfigMap `filesFrom` and the Secret. */
    const spec = (envFrom: string, filesFrom: string) => ({
      volumes: [{ name: 'cfg', configMap: { name: filesFrom } }, { name: 'sec', secret: { secretName: 'live' } }],
      containers: [
        {
          name: 'c',
          image: 'busybox',
          command: ['sleep', '3600'],
          env: [
            { name: 'CM', valueFrom: { configMapKeyRef: { name: envFrom, key: 'v' } } },
            { name: 'SECRET', valueFrom: { secretKeyRef: { name: 'live', key: 'v' } } },
          ],
          volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg' }, { name: 'sec', mountPath: '/etc/sec' }],
        },
      ],
    });
    /** The pod's env, then its volumes' files. */
    const seen = async (pod: string): Promise<string> =>
      (await execWebSocket(execUrl(pod, ['sh', '-c', 'echo "$CM $SECRET $(cat "$K8TS_VOLUME_CFG/v") $(cat "$K8TS_VOLUME_SEC/v")"']), cluster.tls)).stdout;
    const isRunning = (p: Pod): boolean => p.status?.phase === 'Running';

    await createPod('config-first', spec('live', 'live'));
    await waitForPod('config-first', 'Running', isRunning);
    assert.equal(await seen('config-first'), 'one s-one one s-one\n');

    await configMaps.patch('live', { data: { v: 'two' } }, { namespace: NS });
    await secrets.patch('live', { data: { v: base64('s-two') } }, { namespace: NS });
    await createPod('config-second', spec('live', 'live'));
    await waitForPod('config-second', 'Running', isRunning);
    assert.equal(await seen('config-second'), 'two s-two two s-two\n', 'a new pod gets the data as it is now');
    // The running pod keeps its env, and its volumes follow.
    await waitFor(async () => (await seen('config-first')) === 'one s-one two s-two\n', 'the volumes of the running pod to be refreshed', 20_000);

    // A pod whose volume's ConfigMap is missing waits for it, then for the one its env needs: each is retried until it exists.
    await createPod('config-waiting', spec('later-env', 'later-files'));
    const events = async (reason: string): Promise<string[]> =>
      (await cluster.clientset.resource(eventType).list({ namespace: NS })).items
        .filter((e: KubeObject) => e['reason'] === reason && (e['involvedObject'] as { name?: string }).name === 'config-waiting')
        .map((e: KubeObject) => String(e['message']));
    await waitFor(async () => (await events('FailedMount')).some((m) => m.includes('configmap "later-files" not found')), 'the missing volume ConfigMap to be reported');
    await configMaps.create({ metadata: { name: 'later-files', namespace: NS }, data: { v: 'files' } });
    await waitForPod('config-waiting', 'CreateContainerConfigError for the env ConfigMap', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError');
    await configMaps.create({ metadata: { name: 'later-env', namespace: NS }, data: { v: 'env' } });
    await waitForPod('config-waiting', 'Running once both ConfigMaps exist', isRunning);
    assert.equal(await seen('config-waiting'), 'env s-two files s-two\n');
  });

  it('serves /pods, /healthz, and only to the apiserver identity or system:masters', async () => {
    const call = (path: string, cert?: { certPem: string; keyPem: string }) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpsRequest(new URL(path, cluster.kubelet.url), { ca: cluster.tls.ca, ...(cert ? { cert: cert.certPem, key: cert.keyPem } : {}) }, (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });
    const kubeletClient = await cluster.plane.ca.issue({ commonName: 'kube-apiserver-kubelet-client', usages: ['client'] });
    const stranger = await cluster.plane.ca.issue({ commonName: 'alice', organizations: ['devs'], usages: ['client'] });
    const list = await call('/pods', kubeletClient);
    assert.equal(list.status, 200);
    assert.ok((JSON.parse(list.body) as { items: KubeObject[] }).items.some((p) => p.metadata.name === 'web'));
    assert.equal((await call('/healthz')).body, 'ok');
    assert.equal((await call('/pods')).status, 401);
    const forbidden = await call('/pods', stranger);
    assert.equal(forbidden.status, 403);
    assert.match(JSON.parse(forbidden.body).message, /user=alice/);
  });

  it('puts its node back to Ready when someone else marks it otherwise, and re-registers a deleted node', async () => {
    const nodes = cluster.clientset.resource(nodeType);
    await nodes.patch(
      cluster.nodeName,
      { status: { conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' }] } },
      { type: 'strategic', subresource: 'status' },
    );
    await waitFor(async () => (await nodes.get(cluster.nodeName)).status.conditions.some((c: any) => c.type === 'Ready' && c.status === 'True'), 'Ready to be restored');
    await nodes.delete(cluster.nodeName);
    await waitFor(async () => {
      try {
        return (await nodes.get(cluster.nodeName)).status.conditions.some((c: any) => c.type === 'Ready' && c.status === 'True');
      } catch {
        return false;
      }
    }, 'the node to be registered again');
  });

  it('adopts running containers after a kubelet restart, neither killing nor duplicating them, and removes pods deleted meanwhile', async () => {
    const before = await waitForPod('web', 'Ready', isReady);
    const containerID = before.status.containerStatuses[0].containerID;
    await createPod('doomed', { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '300'] }] });
    const doomed = await waitForPod('doomed', 'Running', (p) => p.status?.phase === 'Running');
    const doomedPid = Number(doomed.status.containerStatuses[0].containerID.replace('process://', ''));

    await cluster.kubelet.stop();
    assert.equal(processAlive(Number(containerID.replace('process://', ''))), true, 'a kubelet stop leaves containers running');
    // Deleted while the kubelet is away (force, as nobody will finish a graceful deletion).
    await pods().delete('doomed', { namespace: NS, gracePeriodSeconds: 0 });
    await cluster.restartKubelet();

    const after = await waitForPod('web', 'Ready after the restart', isReady);
    assert.equal(after.status.containerStatuses[0].containerID, containerID, 'the same process runs');
    assert.equal(after.status.containerStatuses[0].restartCount, before.status.containerStatuses[0].restartCount);
    await waitFor(() => !processAlive(doomedPid), 'the orphan of the deleted pod to be killed');
    assert.equal(existsSync(`${cluster.dataDir}/pods/${doomed.metadata.uid}`), false);
    const exec = await execWebSocket(execUrl('web', ['echo', 'still here']), cluster.tls);
    assert.equal(exec.stdout, 'still here\n');
  });
});
