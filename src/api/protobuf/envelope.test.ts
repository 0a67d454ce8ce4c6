/**
 * The protobuf decoder, kind by kind: bodies are built field by field with the test writer (the
 * field numbers below are written from the Kubernetes API, independently of the descriptor
 * tables) and must decode to exactly the JSON object a client sending JSON would have sent.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeProtobufObject, decodeEnvelope } from './envelope.ts';
import { ProtobufDecodeError, ProtobufUnsupportedError } from './errors.ts';
import { protobufBody, ProtoWriter } from './testing/proto-writer.ts';

/** ObjectMeta: 1 name, 2 generateName, 3 namespace, 7 generation, 8 creationTimestamp, 11 labels, 12 annotations. */
function meta(w: ProtoWriter, m: { name?: string; namespace?: string; labels?: Record<string, string> }): void {
  w.message(1, (o) => {
    o.string(1, m.name ?? '').string(2, '').string(3, m.namespace ?? '').string(4, '').string(5, '').string(6, '').varint(7, 0);
    o.message(8, () => {}); // a zero creationTimestamp is an empty message
    for (const [k, v] of Object.entries(m.labels ?? {})) o.mapEntry(11, k, v);
  });
}

function decode(apiVersion: string, kind: string, build: (w: ProtoWriter) => unknown): unknown {
  const w = new ProtoWriter();
  build(w);
  return decodeProtobufObject(protobufBody(apiVersion, kind, w.finish()));
}

/** IntOrString: 1 type (0 int, 1 string), 2 intVal, 3 strVal. */
function intOrString(w: ProtoWriter, field: number, value: number | string): void {
  w.message(field, (v) => (typeof value === 'number' ? v.varint(1, 0).varint(2, value).string(3, '') : v.varint(1, 1).varint(2, 0).string(3, value)));
}

/** Container: 1 name, 2 image, 3 command, 6 ports, 7 env, 8 resources, 11 readinessProbe, 16 stdin, 17 stdinOnce, 18 tty. */
function container(w: ProtoWriter, field: number, c: { name: string; image: string; port?: number; command?: string[] }): void {
  w.message(field, (o) => {
    o.string(1, c.name).string(2, c.image);
    for (const arg of c.command ?? []) o.string(3, arg);
    o.string(5, '');
    if (c.port !== undefined) o.message(6, (p) => p.string(1, '').varint(2, 0).varint(3, c.port!).string(4, 'TCP').string(5, ''));
    o.message(8, () => {});
    o.string(13, '').string(14, '').varint(16, false).varint(17, false).varint(18, false);
  });
}

describe('decodeProtobufObject', () => {
  it('decodes a Namespace (kubectl create namespace)', () => {
    const obj = decode('v1', 'Namespace', (w) => {
      meta(w, { name: 'team-a' });
      w.message(2, () => {});
      w.message(3, (s) => s.string(1, ''));
    });
    assert.deepEqual(obj, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' }, spec: {}, status: {} });
  });

  it('decodes a Deployment with its pod template, keeping an explicit replicas of 0', () => {
    const obj = decode('apps/v1', 'Deployment', (w) => {
      meta(w, { name: 'web', labels: { app: 'web' } });
      w.message(2, (spec) => {
        spec.varint(1, 0); // replicas: *int32, set to 0
        spec.message(2, (sel) => sel.mapEntry(1, 'app', 'web'));
        spec.message(3, (tpl) => {
          meta(tpl, { labels: { app: 'web' } });
          tpl.message(2, (pod) => {
            container(pod, 2, { name: 'nginx', image: 'nginx:1.27', port: 80, command: ['nginx', '-g', 'daemon off;'] });
            pod.string(3, '').string(6, '').varint(11, false).varint(12, false).varint(13, false);
          });
        });
        spec.message(4, (st) => st.string(1, 'RollingUpdate').message(2, (ru) => { intOrString(ru, 1, '25%'); intOrString(ru, 2, 1); }));
        spec.varint(5, 0).varint(7, false);
      });
      w.message(3, (s) => s.varint(1, 0).varint(2, 0));
    });
    assert.deepEqual(obj, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [{ name: 'nginx', image: 'nginx:1.27', command: ['nginx', '-g', 'daemon off;'], ports: [{ containerPort: 80, protocol: 'TCP' }], resources: {} }],
          },
        },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: 1 } },
      },
      status: {},
    });
  });

  it('decodes a ConfigMap and a Secret (bytes become base64)', () => {
    const cm = decode('v1', 'ConfigMap', (w) => {
      meta(w, { name: 'cfg', namespace: 'default' });
      w.mapEntry(2, 'mode', 'fast').mapEntry(2, 'empty', '');
      w.message(3, (e) => e.string(1, 'blob').bytes(2, Uint8Array.of(0, 1, 2)));
    });
    assert.deepEqual(cm, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: { mode: 'fast', empty: '' }, binaryData: { blob: 'AAEC' } });

    const secret = decode('v1', 'Secret', (w) => {
      meta(w, { name: 'creds' });
      w.message(2, (e) => e.string(1, 'password').bytes(2, new TextEncoder().encode('s3cr3t')));
      w.string(3, 'kubernetes.io/basic-auth');
      w.varint(5, true);
    });
    assert.deepEqual(secret, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds' },
      data: { password: Buffer.from('s3cr3t').toString('base64') },
      type: 'kubernetes.io/basic-auth',
      immutable: true,
    });
  });

  it('decodes a Service with int and named target ports and drops a zero nodePort', () => {
    const obj = decode('v1', 'Service', (w) => {
      meta(w, { name: 'web', labels: { app: 'web' } });
      w.message(2, (spec) => {
        spec.message(1, (p) => { p.string(1, '80-8080').string(2, 'TCP').varint(3, 80); intOrString(p, 4, 8080); p.varint(5, 0); });
        spec.message(1, (p) => { p.string(1, 'https').string(2, 'TCP').varint(3, 443); intOrString(p, 4, 'https'); p.varint(5, 30443); });
        spec.mapEntry(2, 'app', 'web');
        spec.string(3, '').string(4, 'NodePort').string(7, '').varint(12, 0).varint(13, false);
      });
      w.message(3, (s) => s.message(1, () => {}));
    });
    assert.deepEqual(obj, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        ports: [
          { name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 },
          { name: 'https', protocol: 'TCP', port: 443, targetPort: 'https', nodePort: 30443 },
        ],
        selector: { app: 'web' },
        type: 'NodePort',
      },
      status: { loadBalancer: {} },
    });
  });

  it('decodes a Job and a CronJob', () => {
    const jobSpec = (spec: ProtoWriter): void => {
      spec.message(6, (tpl) => {
        meta(tpl, {});
        tpl.message(2, (pod) => {
          container(pod, 2, { name: 'pi', image: 'perl', command: ['perl', '-e', 'print 1'] });
          pod.string(3, 'OnFailure');
        });
      });
      spec.varint(7, 4); // backoffLimit
    };
    const job = decode('batch/v1', 'Job', (w) => {
      meta(w, { name: 'pi' });
      w.message(2, jobSpec);
      w.message(3, (s) => s.varint(4, 0).varint(5, 0).varint(6, 0));
    });
    const expectedJobSpec = {
      template: { metadata: {}, spec: { containers: [{ name: 'pi', image: 'perl', command: ['perl', '-e', 'print 1'], resources: {} }], restartPolicy: 'OnFailure' } },
      backoffLimit: 4,
    };
    assert.deepEqual(job, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pi' }, spec: expectedJobSpec, status: {} });

    const cron = decode('batch/v1', 'CronJob', (w) => {
      meta(w, { name: 'tick' });
      w.message(2, (spec) => {
        spec.string(1, '*/5 * * * *').string(3, '').varint(4, false);
        spec.message(5, (jt) => { meta(jt, { name: 'tick' }); jt.message(2, jobSpec); });
      });
      w.message(3, () => {});
    });
    assert.deepEqual(cron, {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'tick' },
      spec: { schedule: '*/5 * * * *', suspend: false, jobTemplate: { metadata: { name: 'tick' }, spec: expectedJobSpec } },
      status: {},
    });
  });

  it('decodes a ServiceAccount', () => {
    const obj = decode('v1', 'ServiceAccount', (w) => {
      meta(w, { name: 'robot' });
      w.message(3, (r) => r.string(1, 'registry'));
      w.varint(4, false);
    });
    assert.deepEqual(obj, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot' }, imagePullSecrets: [{ name: 'registry' }], automountServiceAccountToken: false });
  });

  it('decodes Roles, ClusterRoles and their bindings', () => {
    const rule = (r: ProtoWriter): void => {
      r.string(1, 'get').string(1, 'list').string(2, '').string(3, 'pods').string(4, 'web-0');
    };
    const role = decode('rbac.authorization.k8s.io/v1', 'Role', (w) => {
      meta(w, { name: 'reader', namespace: 'default' });
      w.message(2, rule);
    });
    assert.deepEqual(role, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'reader', namespace: 'default' },
      rules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'], resourceNames: ['web-0'] }],
    });

    const clusterRole = decode('rbac.authorization.k8s.io/v1', 'ClusterRole', (w) => {
      meta(w, { name: 'aggregate' });
      w.message(3, (a) => a.message(1, (sel) => sel.mapEntry(1, 'rbac.example.com/aggregate', 'true')));
    });
    assert.deepEqual(clusterRole, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'aggregate' },
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate': 'true' } }] },
    });

    for (const kind of ['RoleBinding', 'ClusterRoleBinding']) {
      const binding = decode('rbac.authorization.k8s.io/v1', kind, (w) => {
        meta(w, { name: 'read-pods' });
        w.message(2, (s) => s.string(1, 'User').string(2, 'rbac.authorization.k8s.io').string(3, 'jane').string(4, ''));
        w.message(2, (s) => s.string(1, 'ServiceAccount').string(2, '').string(3, 'robot').string(4, 'default'));
        w.message(3, (r) => r.string(1, 'rbac.authorization.k8s.io').string(2, 'ClusterRole').string(3, 'view'));
      });
      assert.deepEqual(binding, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind,
        metadata: { name: 'read-pods' },
        subjects: [
          { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'jane' },
          { kind: 'ServiceAccount', name: 'robot', namespace: 'default' },
        ],
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      });
    }
  });

  it('decodes the reviews kubectl auth sends', () => {
    const ssar = decode('authorization.k8s.io/v1', 'SelfSubjectAccessReview', (w) => {
      meta(w, {});
      w.message(2, (spec) => spec.message(1, (ra) => ra.string(1, 'default').string(2, 'create').string(3, '').string(4, '').string(5, 'pods').string(6, '').string(7, '')));
      w.message(3, (st) => st.varint(1, false).varint(4, false).string(2, '').string(3, ''));
    });
    assert.deepEqual(ssar, {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      metadata: {},
      spec: { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'pods' } },
      status: {},
    });

    const sar = decode('authorization.k8s.io/v1', 'SubjectAccessReview', (w) => {
      meta(w, {});
      w.message(2, (spec) => {
        spec.message(2, (nr) => nr.string(1, '/healthz').string(2, 'get'));
        spec.string(3, 'jane').string(4, 'devs');
        spec.message(5, (e) => e.string(1, 'scopes').message(2, (v) => v.string(1, 'a').string(1, 'b')));
      });
    });
    assert.deepEqual(sar, {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      metadata: {},
      spec: { nonResourceAttributes: { path: '/healthz', verb: 'get' }, user: 'jane', groups: ['devs'], extra: { scopes: ['a', 'b'] } },
    });

    const rules = decode('authorization.k8s.io/v1', 'SelfSubjectRulesReview', (w) => {
      meta(w, {});
      w.message(2, (spec) => spec.string(1, 'default'));
    });
    assert.deepEqual(rules, { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', metadata: {}, spec: { namespace: 'default' } });

    const whoami = decode('authentication.k8s.io/v1', 'SelfSubjectReview', (w) => {
      meta(w, {});
      w.message(2, (st) => st.message(1, (u) => u.string(1, '').string(2, '')));
    });
    assert.deepEqual(whoami, { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', metadata: {}, status: { userInfo: {} } });
  });

  it('decodes a TokenRequest (the bound object uid is `uid` in JSON)', () => {
    const obj = decode('authentication.k8s.io/v1', 'TokenRequest', (w) => {
      meta(w, { name: 'robot', namespace: 'default' });
      w.message(2, (spec) => {
        spec.string(1, 'https://kubernetes.default.svc');
        spec.varint(4, 3600);
        spec.message(3, (b) => b.string(1, 'Pod').string(2, 'v1').string(3, 'web').string(4, 'abc'));
      });
      w.message(3, (st) => st.string(1, '').message(2, () => {}));
    });
    assert.deepEqual(obj, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: { name: 'robot', namespace: 'default' },
      spec: { audiences: ['https://kubernetes.default.svc'], expirationSeconds: 3600, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web', uid: 'abc' } },
      status: {},
    });
  });

  it('decodes a Pod: inline volume sources, probes, times, negative and packed integers', () => {
    const obj = decode('v1', 'Pod', (w) => {
      w.message(1, (o) => {
        o.string(1, 'debugger').string(3, 'default');
        o.message(8, (t) => t.varint(1, 1700000000).varint(2, 5));
        o.message(13, (r) => r.string(5, 'apps/v1').string(1, 'ReplicaSet').string(3, 'web-1').string(4, 'u1').varint(6, true));
        o.message(17, (m) => m.string(1, 'kubectl').string(2, 'Update').string(6, 'FieldsV1').message(7, (f) => f.string(1, '{"f:metadata":{}}')));
      });
      w.message(2, (spec) => {
        spec.message(1, (v) => v.string(1, 'cfg').message(2, (src) => src.message(19, (cm) => cm.message(1, (ref) => ref.string(1, 'settings')).varint(3, 0o644))));
        spec.message(1, (v) => v.string(1, 'scratch').message(2, (src) => src.message(2, (ed) => ed.string(1, '').message(2, (q) => q.string(1, '1Gi')))));
        spec.message(2, (c) => {
          c.string(1, 'app').string(2, 'busybox');
          c.message(11, (p) => p.message(1, (h) => h.message(2, (g) => { g.string(1, '/healthz'); intOrString(g, 2, 8080); })).varint(2, 3).varint(3, 1));
          c.message(8, (r) => r.message(1, (e) => e.string(1, 'cpu').message(2, (q) => q.string(1, '500m'))));
          c.message(7, (e) => e.string(1, 'NODE').message(3, (src) => src.message(1, (f) => f.string(1, 'v1').string(2, 'spec.nodeName'))));
          c.varint(16, true);
        });
        spec.message(14, (sc) => sc.varint(2, -1).message(4, () => {}).raw([0x22, 0x02, 0x01, 0x02]));
        spec.varint(4, 0);
      });
    });
    assert.deepEqual(obj, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'debugger',
        namespace: 'default',
        creationTimestamp: '2023-11-14T22:13:20Z',
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'u1', controller: true }],
        managedFields: [{ manager: 'kubectl', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': {} } }],
      },
      spec: {
        volumes: [
          { name: 'cfg', configMap: { name: 'settings', defaultMode: 0o644 } },
          { name: 'scratch', emptyDir: { sizeLimit: '1Gi' } },
        ],
        containers: [
          {
            name: 'app',
            image: 'busybox',
            readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, initialDelaySeconds: 3, timeoutSeconds: 1 },
            resources: { limits: { cpu: '500m' } },
            env: [{ name: 'NODE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } }],
            stdin: true,
          },
        ],
        securityContext: { runAsUser: -1, supplementalGroups: [1, 2] },
        terminationGracePeriodSeconds: 0,
      },
    });
  });

  it('reads the envelope type and raw bytes', () => {
    const env = decodeEnvelope(protobufBody('v1', 'ConfigMap', Uint8Array.of(0x0a, 0x00)));
    assert.equal(env.apiVersion, 'v1');
    assert.equal(env.kind, 'ConfigMap');
    assert.deepEqual([...env.raw], [0x0a, 0x00]);
  });
});

describe('decodeProtobufObject refuses', () => {
  it('a body without the k8s prefix, as malformed', () => {
    assert.throws(() => decodeProtobufObject(Buffer.from('{"kind":"Pod"}')), ProtobufDecodeError);
  });

  it('truncated or corrupt messages, as malformed', () => {
    const body = protobufBody('v1', 'ConfigMap', new ProtoWriter().message(1, (o) => o.string(1, 'x')).finish());
    assert.throws(() => decodeProtobufObject(body.subarray(0, body.length - 1)), ProtobufDecodeError);
    const badVarint = protobufBody('v1', 'ConfigMap', Uint8Array.of(0x20, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01));
    assert.throws(() => decodeProtobufObject(badVarint), ProtobufDecodeError);
    const group = protobufBody('v1', 'ConfigMap', Uint8Array.of(0x0b));
    assert.throws(() => decodeProtobufObject(group), ProtobufDecodeError);
  });

  it('a field with the wrong wire type, as malformed', () => {
    const body = protobufBody('v1', 'ConfigMap', new ProtoWriter().varint(1, 5).finish());
    assert.throws(() => decodeProtobufObject(body), /expected length-delimited/);
  });

  it('an envelope without a kind, as malformed', () => {
    assert.throws(() => decodeProtobufObject(protobufBody('', '', new Uint8Array(0))), ProtobufDecodeError);
  });

  it('kinds it has no descriptor for, as unsupported, naming the kind', () => {
    assert.throws(
      () => decodeProtobufObject(protobufBody('autoscaling/v2', 'HorizontalPodAutoscaler', new Uint8Array(0))),
      (err: unknown) => err instanceof ProtobufUnsupportedError && /HorizontalPodAutoscaler \(autoscaling\/v2\)/.test(err.message),
    );
  });

  it('fields it has no descriptor for, as unsupported, naming the field path', () => {
    const body = protobufBody(
      'v1',
      'Pod',
      new ProtoWriter().message(2, (spec) => spec.message(1, (v) => v.string(1, 'disk').message(2, (src) => src.message(3, (gce) => gce.string(1, 'pd'))))).finish(),
    );
    assert.throws(
      () => decodeProtobufObject(body),
      (err: unknown) => err instanceof ProtobufUnsupportedError && /field number 3 of spec\.volumes\[0\] \(k8s\.io\.api\.core\.v1\.VolumeSource\)/.test(err.message),
    );
  });

  it('int64 values JSON cannot hold exactly', () => {
    const body = protobufBody('v1', 'Pod', new ProtoWriter().message(2, (spec) => spec.varint(4, 2n ** 60n)).finish());
    assert.throws(() => decodeProtobufObject(body), /out of the range/);
  });
});
