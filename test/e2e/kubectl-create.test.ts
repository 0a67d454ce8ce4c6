/**
 * The `kubectl create <generator>` commands, `create token`, `run`, `expose` and `auth
 * can-i|whoami` (with RBAC enforced) against a `k8ts up` cluster with the real kubectl 1.32. The generators and `auth`
 * send protobuf bodies (kubectl's typed clients do), so each created object is read back as JSON
 * to check that its fields came through the protobuf decoder.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { generateTestCerts } from '../../src/client/testing/test-certs.ts';
import { startCliCluster, type CliCluster } from '../support/cli-cluster.ts';

describe('kubectl create, run, expose and auth against k8ts', () => {
  let cluster: CliCluster;
  let dir: string;

  before(async () => {
    cluster = await startCliCluster(`e2e-create-${process.pid}`);
    dir = mkdtempSync(join(tmpdir(), 'k8ts-create-'));
  });
  after(async () => {
    await cluster?.stop();
  });

  /** Runs kubectl, which must succeed without any warning or error on stderr. */
  async function ok(args: string[]): Promise<string> {
    const r = await cluster.kubectl(args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /warning|error/i, `kubectl ${args.join(' ')} printed: ${r.stderr}`);
    return r.stdout;
  }

  /** `kubectl auth can-i <args>` turns yes (a new binding reaches the authorizer within milliseconds). */
  async function canEventually(args: string[]): Promise<void> {
    let answer = '';
    for (let i = 0; i < 50 && answer !== 'yes'; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      answer = (await cluster.kubectl(['auth', 'can-i', ...args])).stdout.trim();
    }
    assert.equal(answer, 'yes', `kubectl auth can-i ${args.join(' ')}`);
  }

  async function json(args: string[]): Promise<any> {
    return JSON.parse(await ok(['get', ...args, '-o', 'json']));
  }

  it('creates a namespace', async () => {
    assert.match(await ok(['create', 'namespace', 'team-a']), /namespace\/team-a created/);
    assert.equal((await json(['namespace', 'team-a'])).status.phase, 'Active');
  });

  it('creates a deployment with its replicas, image and port', async () => {
    assert.match(await ok(['create', 'deployment', 'hello', '--image=nginx:1.27', '--replicas=2', '--port=8080']), /deployment.apps\/hello created/);
    const d = await json(['deployment', 'hello']);
    assert.equal(d.spec.replicas, 2);
    assert.deepEqual(d.spec.selector, { matchLabels: { app: 'hello' } });
    const c = d.spec.template.spec.containers[0];
    assert.equal(c.image, 'nginx:1.27');
    assert.deepEqual(c.ports, [{ containerPort: 8080, protocol: 'TCP' }]);
  });

  it('creates configmaps and generic, tls and docker-registry secrets', async () => {
    writeFileSync(join(dir, 'app.properties'), 'mode=fast\n');
    await ok(['create', 'configmap', 'cfg', '--from-literal=a=b', `--from-file=${join(dir, 'app.properties')}`]);
    assert.deepEqual((await json(['configmap', 'cfg'])).data, { a: 'b', 'app.properties': 'mode=fast\n' });

    await ok(['create', 'secret', 'generic', 'creds', '--from-literal=password=s3cr3t']);
    const generic = await json(['secret', 'creds']);
    assert.equal(generic.type, 'Opaque');
    assert.equal(Buffer.from(generic.data.password, 'base64').toString(), 's3cr3t');

    const certs = await generateTestCerts();
    const tls = { cert: certs.serverCertPem, key: certs.serverKeyPem };
    writeFileSync(join(dir, 'tls.crt'), tls.cert);
    writeFileSync(join(dir, 'tls.key'), tls.key);
    await ok(['create', 'secret', 'tls', 'web-tls', `--cert=${join(dir, 'tls.crt')}`, `--key=${join(dir, 'tls.key')}`]);
    const tlsSecret = await json(['secret', 'web-tls']);
    assert.equal(tlsSecret.type, 'kubernetes.io/tls');
    assert.equal(Buffer.from(tlsSecret.data['tls.crt'], 'base64').toString(), tls.cert);

    await ok(['create', 'secret', 'docker-registry', 'reg', '--docker-server=registry.example.com', '--docker-username=u', '--docker-password=p']);
    const reg = await json(['secret', 'reg']);
    assert.equal(reg.type, 'kubernetes.io/dockerconfigjson');
    const config = JSON.parse(Buffer.from(reg.data['.dockerconfigjson'], 'base64').toString());
    assert.equal(config.auths['registry.example.com'].username, 'u');
  });

  it('creates clusterip and nodeport services with their ports', async () => {
    await ok(['create', 'service', 'clusterip', 'web', '--tcp=80:8080']);
    const web = await json(['service', 'web']);
    assert.equal(web.spec.type, 'ClusterIP');
    assert.deepEqual(web.spec.ports, [{ name: '80-8080', port: 80, protocol: 'TCP', targetPort: 8080 }]);
    assert.deepEqual(web.spec.selector, { app: 'web' });

    await ok(['create', 'service', 'nodeport', 'np', '--tcp=443:https']);
    const np = await json(['service', 'np']);
    assert.equal(np.spec.type, 'NodePort');
    assert.equal(np.spec.ports[0].targetPort, 'https');
  });

  it('creates jobs and cronjobs, and a job from a cronjob', async () => {
    await ok(['create', 'job', 'pi', '--image=perl:5', '--', 'perl', '-e', 'print 1']);
    const job = await json(['job', 'pi']);
    assert.deepEqual(job.spec.template.spec.containers[0].command, ['perl', '-e', 'print 1']);
    assert.equal(job.spec.template.spec.restartPolicy, 'Never');

    await ok(['create', 'cronjob', 'tick', '--image=busybox', '--schedule=*/5 * * * *', '--', 'echo', 'hi']);
    const cron = await json(['cronjob', 'tick']);
    assert.equal(cron.spec.schedule, '*/5 * * * *');
    assert.equal(cron.spec.concurrencyPolicy, 'Allow');
    assert.deepEqual(cron.spec.jobTemplate.spec.template.spec.containers[0].command, ['echo', 'hi']);
    assert.match(await ok(['get', 'cronjobs']), /^NAME\s+SCHEDULE\s+TIMEZONE\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+AGE\ntick\s+\*\/5 \* \* \* \*\s+<none>\s+False\s+0\s+<none>\s+\d+s\n$/);

    const bad = await cluster.kubectl(['create', 'cronjob', 'bad', '--image=busybox', '--schedule=* * *']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /spec.schedule: Invalid value: "\* \* \*": expected exactly 5 fields/);

    await ok(['create', 'job', 'manual', '--from=cronjob/tick']);
    const manual = await json(['job', 'manual']);
    assert.equal(manual.metadata.ownerReferences[0].kind, 'CronJob');
    assert.equal(manual.metadata.ownerReferences[0].controller, true);
  });

  it('creates service accounts, roles, cluster roles and their bindings', async () => {
    await ok(['create', 'serviceaccount', 'robot']);
    assert.equal((await json(['serviceaccount', 'robot'])).metadata.name, 'robot');

    await ok(['create', 'role', 'pod-reader', '--verb=get,list,watch', '--resource=pods,pods/log', '--resource-name=web-0']);
    const role = await json(['role', 'pod-reader']);
    assert.deepEqual(role.rules, [{ verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods', 'pods/log'], resourceNames: ['web-0'] }]);
    await ok(['create', 'rolebinding', 'read-pods', '--role=pod-reader', '--user=jane', '--serviceaccount=default:robot']);
    const rb = await json(['rolebinding', 'read-pods']);
    assert.deepEqual(rb.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' });
    assert.deepEqual(rb.subjects, [
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'jane' },
      { kind: 'ServiceAccount', name: 'robot', namespace: 'default' },
    ]);

    await ok(['create', 'clusterrole', 'node-reader', '--verb=get', '--resource=nodes', '--non-resource-url=/healthz']);
    const cr = await json(['clusterrole', 'node-reader']);
    assert.deepEqual(cr.rules, [{ verbs: ['get'], apiGroups: [''], resources: ['nodes'] }, { verbs: ['get'], nonResourceURLs: ['/healthz'] }]);
    await ok(['create', 'clusterrolebinding', 'read-nodes', '--clusterrole=node-reader', '--group=ops']);
    assert.deepEqual((await json(['clusterrolebinding', 'read-nodes'])).subjects, [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'ops' }]);

    const tables = await ok(['get', 'roles,rolebindings']);
    assert.match(tables, /^NAME\s+CREATED AT\nrole.rbac.authorization.k8s.io\/pod-reader\s+\d{4}-\d\d-\d\dT/m);
    assert.match(tables, /^NAME\s+ROLE\s+AGE\nrolebinding.rbac.authorization.k8s.io\/read-pods\s+Role\/pod-reader\s+\d+s$/m);
    const wide = await ok(['get', 'rolebinding', 'read-pods', '-o', 'wide']);
    assert.match(wide, /^read-pods\s+Role\/pod-reader\s+\d+s\s+jane\s+default:robot$/m);

    const badRole = await cluster.kubectl(['create', 'clusterrolebinding', 'bad', '--clusterrole=x', '--serviceaccount=robot']);
    assert.notEqual(badRole.code, 0, 'kubectl itself refuses a service account without a namespace');
  });

  it('creates service account tokens that authenticate as the service account', async () => {
    const token = (await ok(['create', 'token', 'robot', '--duration=1h'])).trim();
    assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    const who = await ok(['--token', token, 'auth', 'whoami']);
    assert.match(who, /^Username\s+system:serviceaccount:default:robot$/m);
    assert.match(who, /^Groups\s+\[system:serviceaccounts system:serviceaccounts:default system:authenticated\]$/m);
    const short = await cluster.kubectl(['create', 'token', 'robot', '--duration=1m']);
    assert.notEqual(short.code, 0);
    assert.match(short.stderr, /may not specify a duration less than 10 minutes/);
  });

  it('runs a pod and exposes a deployment', async () => {
    await ok(['run', 'tmp', '--image=busybox', '--restart=Never', '--labels=app=tmp', '--', 'sleep', '10']);
    const pod = await json(['pod', 'tmp']);
    assert.deepEqual(pod.spec.containers[0].args, ['sleep', '10']);
    assert.equal(pod.spec.restartPolicy, 'Never');

    assert.match(await ok(['expose', 'deployment', 'hello', '--port=80', '--target-port=8080', '--name=hello-svc']), /service\/hello-svc exposed/);
    const svc = await json(['service', 'hello-svc']);
    assert.deepEqual(svc.spec.selector, { app: 'hello' });
    assert.deepEqual(svc.spec.ports, [{ port: 80, protocol: 'TCP', targetPort: 8080 }]);
  });

  it('answers auth can-i for the admin, who may do anything', async () => {
    assert.equal((await ok(['auth', 'can-i', 'create', 'pods'])).trim(), 'yes');
    assert.equal((await ok(['auth', 'can-i', 'delete', 'deployments.apps', '-n', 'team-a'])).trim(), 'yes');
    assert.equal((await ok(['auth', 'can-i', 'get', '/healthz'])).trim(), 'yes');
    const list = await ok(['auth', 'can-i', '--list']);
    assert.match(list, /^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs\n\*\.\*\s+\[\]\s+\[\]\s+\[\*\]\n/);
  });

  it('enforces RBAC: the default roles, a RoleBinding to view, and refusals kubectl explains', async () => {
    const roles = await ok(['get', 'clusterroles', '-o', 'name']);
    for (const r of ['cluster-admin', 'admin', 'edit', 'view', 'system:discovery', 'system:node']) assert.match(roles, new RegExp(`^clusterrole.rbac.authorization.k8s.io/${r}$`, 'm'));
    await ok(['create', 'namespace', 'rbac-e2e']);
    const before = await cluster.kubectl(['auth', 'can-i', 'list', 'pods', '-n', 'rbac-e2e', '--as=jane']);
    assert.equal(before.code, 1, before.stderr);
    assert.equal(before.stdout.trim(), 'no');
    const refused = await cluster.kubectl(['get', 'pods', '-n', 'rbac-e2e', '--as=jane']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /Error from server \(Forbidden\): pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "rbac-e2e"/);

    await ok(['create', 'rolebinding', 'jane-views', '--clusterrole=view', '--user=jane', '-n', 'rbac-e2e']);
    await canEventually(['list', 'pods', '-n', 'rbac-e2e', '--as=jane']);
    await ok(['get', 'pods', '-n', 'rbac-e2e', '--as=jane']);
    assert.equal((await cluster.kubectl(['auth', 'can-i', 'create', 'deployments.apps', '-n', 'rbac-e2e', '--as=jane'])).stdout.trim(), 'no');
    assert.equal((await cluster.kubectl(['auth', 'can-i', 'get', 'secrets', '-n', 'rbac-e2e', '--as=jane'])).stdout.trim(), 'no', 'view does not read secrets');
    assert.equal((await cluster.kubectl(['auth', 'can-i', 'list', 'pods', '-n', 'default', '--as=jane'])).stdout.trim(), 'no');
    assert.match(await ok(['auth', 'can-i', '--list', '-n', 'rbac-e2e', '--as=jane']), /^pods\s+\[\]\s+\[\]\s+\[get list watch\]$/m);
  });

  it('lets a namespace admin hand out edit there, but not more than they hold', async () => {
    await ok(['create', 'namespace', 'rbac-team']);
    await ok(['create', 'rolebinding', 'jane-admin', '--clusterrole=admin', '--user=jane', '-n', 'rbac-team']);
    await canEventually(['create', 'rolebindings.rbac.authorization.k8s.io', '-n', 'rbac-team', '--as=jane']);
    await ok(['create', 'rolebinding', 'bob-edits', '--clusterrole=edit', '--user=bob', '-n', 'rbac-team', '--as=jane']);
    await canEventually(['create', 'deployments.apps', '-n', 'rbac-team', '--as=bob']);
    const promote = await cluster.kubectl(['create', 'rolebinding', 'jane-root', '--clusterrole=cluster-admin', '--user=jane', '-n', 'rbac-team', '--as=jane']);
    assert.notEqual(promote.code, 0);
    assert.match(promote.stderr, /rolebindings.rbac.authorization.k8s.io "jane-root" is forbidden: user "jane" \(groups=\["system:authenticated"\]\) is attempting to grant RBAC permissions not currently held/);
  });

  it('tells who the user is with auth whoami', async () => {
    const out = await ok(['auth', 'whoami']);
    assert.match(out, /^Username\s+kubernetes-admin$/m);
    assert.match(out, /^Groups\s+\[system:masters system:authenticated\]$/m);
    const as = await ok(['auth', 'whoami', '--as=bob', '--as-group=devs']);
    assert.match(as, /^Username\s+bob$/m);
    assert.match(as, /^Groups\s+\[devs system:authenticated\]$/m);
  });

  it('lists the review resources in discovery', async () => {
    const out = await ok(['api-resources', '--api-group=authorization.k8s.io', '-o', 'name']);
    assert.deepEqual(out.trim().split('\n').sort(), [
      'localsubjectaccessreviews.authorization.k8s.io',
      'selfsubjectaccessreviews.authorization.k8s.io',
      'selfsubjectrulesreviews.authorization.k8s.io',
      'subjectaccessreviews.authorization.k8s.io',
    ]);
  });
});

