import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../meta/types.ts';
import { formatFieldError } from '../../validation/field-errors.ts';
import { defaultPod, podFieldSelectors, podGracePeriodSeconds, podQOSClass, preparePodForCreate, validatePod, validatePodUpdate } from './pod.ts';
import { imageTag } from './pod-spec-defaults.ts';

function pod(spec: Record<string, unknown>, status?: Record<string, unknown>): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec, ...(status ? { status } : {}) };
}

function defaulted(spec: Record<string, unknown>): KubeObject {
  const p = pod(spec);
  defaultPod(p);
  return p;
}

function texts(errs: ReturnType<typeof validatePod>): string[] {
  return errs.map(formatFieldError);
}

void test('pod spec defaults match the v1 API', () => {
  const p = defaulted({ containers: [{ name: 'app', image: 'nginx', ports: [{ containerPort: 80 }], readinessProbe: { httpGet: { port: 80 } } }] });
  assert.equal(p.spec.restartPolicy, 'Always');
  assert.equal(p.spec.dnsPolicy, 'ClusterFirst');
  assert.equal(p.spec.terminationGracePeriodSeconds, 30);
  assert.equal(p.spec.schedulerName, 'default-scheduler');
  assert.deepEqual(p.spec.securityContext, {});
  assert.equal(p.spec.enableServiceLinks, true);
  const c = p.spec.containers[0];
  assert.equal(c.imagePullPolicy, 'Always');
  assert.equal(c.terminationMessagePath, '/dev/termination-log');
  assert.equal(c.terminationMessagePolicy, 'File');
  assert.deepEqual(c.resources, {});
  assert.equal(c.ports[0].protocol, 'TCP');
  assert.deepEqual(c.readinessProbe, { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
});

void test('image pull policy depends on the tag', () => {
  const policy = (image: string): string => defaulted({ containers: [{ name: 'c', image }] }).spec.containers[0].imagePullPolicy;
  assert.equal(policy('nginx'), 'Always');
  assert.equal(policy('nginx:latest'), 'Always');
  assert.equal(policy('nginx:1.27'), 'IfNotPresent');
  assert.equal(policy('registry:5000/team/app'), 'Always');
  assert.equal(policy('registry:5000/team/app:v2'), 'IfNotPresent');
  assert.equal(policy('nginx@sha256:abc'), 'IfNotPresent');
  assert.equal(imageTag('nginx:1.27@sha256:abc'), '1.27');
});

void test('explicit values are kept, requests default to limits, volumes get a source', () => {
  const p = defaulted({
    restartPolicy: 'Never',
    containers: [{ name: 'c', image: 'x:1', imagePullPolicy: 'Never', resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m' } } }],
    volumes: [{ name: 'scratch' }, { name: 'cfg', configMap: { name: 'c' } }],
  });
  assert.equal(p.spec.restartPolicy, 'Never');
  assert.equal(p.spec.containers[0].imagePullPolicy, 'Never');
  assert.deepEqual(p.spec.containers[0].resources.requests, { cpu: '500m', memory: '1Gi' });
  assert.deepEqual(p.spec.volumes[0], { name: 'scratch', emptyDir: {} });
  assert.equal(p.spec.volumes[1].configMap.defaultMode, 420);
});

void test('defaulting tolerates malformed input', () => {
  for (const spec of [{ containers: 'x' }, { containers: [null, 3] }, { volumes: {} }]) assert.doesNotThrow(() => defaulted(spec));
  assert.doesNotThrow(() => defaultPod({ metadata: {}, spec: 'nope' }));
});

void test('create starts the status over: Pending with the QoS class; default service account', () => {
  const p = pod({ containers: [{ name: 'c', image: 'x', resources: { limits: { cpu: '1', memory: '1Gi' } } }] }, { phase: 'Running', podIP: '1.2.3.4' });
  preparePodForCreate(p);
  assert.deepEqual(p.status, { phase: 'Pending', qosClass: 'Guaranteed' });
  assert.equal(p.spec.serviceAccountName, 'default');
  const gated = pod({ schedulingGates: [{ name: 'wait' }], containers: [{ name: 'c', image: 'x' }] });
  preparePodForCreate(gated);
  assert.equal(gated.status.conditions[0].reason, 'SchedulingGated');
});

void test('QoS classes', () => {
  assert.equal(podQOSClass({ containers: [{ name: 'c' }] }), 'BestEffort');
  assert.equal(podQOSClass({ containers: [{ resources: { requests: { cpu: '100m' } } }] }), 'Burstable');
  assert.equal(podQOSClass({ containers: [{ resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1000m', memory: '1Gi' } } }] }), 'Guaranteed');
  assert.equal(podQOSClass({ containers: [{ resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m' } } }] }), 'Burstable');
});

void test('a valid pod passes validation', () => {
  assert.deepEqual(validatePod(defaulted({ containers: [{ name: 'app', image: 'nginx', ports: [{ containerPort: 80, name: 'http' }] }] })), []);
});

void test('containers are required, with names and images', () => {
  assert.deepEqual(texts(validatePod(defaulted({ containers: [] }))), ['spec.containers: Required value']);
  assert.deepEqual(texts(validatePod(defaulted({ containers: [{}] }))), ['spec.containers[0].name: Required value', 'spec.containers[0].image: Required value']);
  assert.deepEqual(texts(validatePod(pod({}))), ['spec.containers: Required value', 'spec.restartPolicy: Required value']);
  assert.deepEqual(texts(validatePod(pod(undefined as never))), ['spec: Required value']);
});

void test('container names are DNS labels and unique', () => {
  const errs = texts(validatePod(defaulted({ containers: [{ name: 'Bad_Name', image: 'x' }, { name: 'a', image: 'x' }, { name: 'a', image: 'x' }] })));
  assert.match(errs[0]!, /^spec\.containers\[0\]\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 label must consist/);
  assert.equal(errs[1], 'spec.containers[2].name: Duplicate value: "a"');
});

void test('ports must be in range with a known protocol', () => {
  const errs = texts(validatePod(defaulted({ containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 70000 }, { containerPort: 80, protocol: 'HTTP' }, {}] }] })));
  assert.deepEqual(errs, [
    'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    'spec.containers[0].ports[1].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
    'spec.containers[0].ports[2].containerPort: Required value',
  ]);
});

void test('policies, volume mounts and env names are checked', () => {
  const errs = texts(
    validatePod(
      defaulted({
        restartPolicy: 'Sometimes',
        containers: [{ name: 'a', image: 'x', imagePullPolicy: 'Maybe', volumeMounts: [{ name: 'missing', mountPath: '/d' }], env: [{ name: 'A=B' }] }],
      }),
    ),
  );
  assert.ok(errs.includes('spec.containers[0].imagePullPolicy: Unsupported value: "Maybe": supported values: "Always", "IfNotPresent", "Never"'));
  assert.ok(errs.includes('spec.containers[0].volumeMounts[0].name: Not found: "missing"'));
  assert.ok(errs.includes('spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'));
  assert.ok(errs.some((e) => e.startsWith('spec.containers[0].env[0].name: Invalid value: "A=B"')));
});

void test('updates may change images but little else', () => {
  const old = defaulted({ containers: [{ name: 'a', image: 'nginx:1' }], tolerations: [{ key: 'k', operator: 'Exists' }] });
  const next = structuredClone(old);
  next.spec.containers[0].image = 'nginx:2';
  next.spec.tolerations.push({ key: 'k2', operator: 'Exists' });
  next.spec.activeDeadlineSeconds = 100;
  assert.deepEqual(validatePodUpdate(next, old), []);

  const moved = structuredClone(old);
  moved.spec.containers[0].ports = [{ containerPort: 81, protocol: 'TCP' }];
  moved.spec.restartPolicy = 'Never';
  const errs = texts(validatePodUpdate(moved, old));
  assert.equal(errs.length, 1);
  assert.ok(
    errs[0]!.startsWith(
      'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
    ),
  );
  assert.ok(errs[0]!.includes('spec.containers[0].ports'));
  assert.ok(errs[0]!.includes('spec.restartPolicy'));
});

void test('activeDeadlineSeconds may only shrink and never be removed', () => {
  const old = defaulted({ activeDeadlineSeconds: 100, containers: [{ name: 'a', image: 'x' }] });
  const longer = structuredClone(old);
  longer.spec.activeDeadlineSeconds = 200;
  assert.deepEqual(texts(validatePodUpdate(longer, old)), ['spec.activeDeadlineSeconds: Invalid value: 200: must be less than or equal to previous value']);
  const removed = structuredClone(old);
  delete removed.spec.activeDeadlineSeconds;
  assert.deepEqual(texts(validatePodUpdate(removed, old)), ['spec.activeDeadlineSeconds: Invalid value: null: must not update from a positive integer to nil value']);
});

void test('binding sets nodeName once; it cannot be moved afterwards', () => {
  const old = defaulted({ containers: [{ name: 'a', image: 'x' }] });
  const bound = structuredClone(old);
  bound.spec.nodeName = 'node-a';
  assert.deepEqual(validatePodUpdate(bound, old), []);
  const moved = structuredClone(bound);
  moved.spec.nodeName = 'node-b';
  assert.equal(validatePodUpdate(moved, bound).length, 1);
});

void test('grace period: requested, else the pod default; 0 when unscheduled or finished', () => {
  const scheduled = defaulted({ nodeName: 'n1', terminationGracePeriodSeconds: 45, containers: [{ name: 'a', image: 'x' }] });
  assert.equal(podGracePeriodSeconds(scheduled, undefined), 45);
  assert.equal(podGracePeriodSeconds(scheduled, 5), 5);
  assert.equal(podGracePeriodSeconds(scheduled, -3), 1);
  assert.equal(podGracePeriodSeconds(defaulted({ containers: [] }), 30), 0);
  assert.equal(podGracePeriodSeconds({ ...scheduled, status: { phase: 'Succeeded' } }, undefined), 0);
});

void test('field selectors read spec and status', () => {
  const p = pod({ nodeName: 'n1', restartPolicy: 'Always', schedulerName: 's', serviceAccountName: 'sa' }, { phase: 'Running', podIPs: [{ ip: '10.0.0.5' }] });
  assert.equal(podFieldSelectors['spec.nodeName']!(p), 'n1');
  assert.equal(podFieldSelectors['status.phase']!(p), 'Running');
  assert.equal(podFieldSelectors['status.podIP']!(p), '10.0.0.5');
  assert.equal(podFieldSelectors['spec.hostNetwork']!(p), 'false');
  assert.equal(podFieldSelectors['spec.serviceAccountName']!(p), 'sa');
});

void test('status IP fields are kept consistent', () => {
  const p = pod({ containers: [] }, { podIP: '10.1.1.1' });
  defaultPod(p);
  assert.deepEqual(p.status.podIPs, [{ ip: '10.1.1.1' }]);
});
