import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../meta/types.ts';
import { formatFieldError, formatFieldErrors } from '../../validation/field-errors.ts';
import { defaultDeployment, deploymentTableColumns, deploymentTableRow, validateDeployment, validateDeploymentUpdate } from './deployment.ts';

function deployment(spec: Record<string, unknown>): KubeObject {
  const d: KubeObject = { metadata: { name: 'web', namespace: 'default', creationTimestamp: '2024-05-01T11:55:00Z' }, spec };
  defaultDeployment(d);
  return d;
}

const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } };

void test('defaults: 1 replica, RollingUpdate 25%/25%, 10 revisions, 600s deadline, pod defaults', () => {
  const d = deployment({ selector: { matchLabels: { app: 'web' } }, template });
  assert.equal(d.spec.replicas, 1);
  assert.deepEqual(d.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
  assert.equal(d.spec.revisionHistoryLimit, 10);
  assert.equal(d.spec.progressDeadlineSeconds, 600);
  assert.equal(d.spec.template.spec.restartPolicy, 'Always');
  assert.equal(d.spec.template.spec.containers[0].imagePullPolicy, 'IfNotPresent');
  assert.deepEqual(validateDeployment(d), []);
  const recreate = deployment({ strategy: { type: 'Recreate' }, replicas: 0, selector: { matchLabels: { app: 'web' } }, template });
  assert.deepEqual(recreate.spec.strategy, { type: 'Recreate' });
  assert.equal(recreate.spec.replicas, 0);
});

void test('a missing selector is required and then selects nothing, like upstream', () => {
  const errs = validateDeployment(deployment({ template }));
  assert.equal(
    formatFieldErrors('Deployment.apps', 'web', errs),
    'Deployment.apps "web" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`]',
  );
});

void test('the selector must match the template labels and not be empty', () => {
  assert.deepEqual(validateDeployment(deployment({ selector: { matchLabels: { app: 'api' } }, template })).map(formatFieldError), [
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
  ]);
  assert.deepEqual(validateDeployment(deployment({ selector: {}, template })).map(formatFieldError), ['spec.selector: Invalid value: {}: empty selector is invalid for deployment']);
});

void test('replicas, strategy and template rules', () => {
  const errs = validateDeployment(
    deployment({
      replicas: -1,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '0%' } },
      template: { ...template, spec: { ...template.spec, restartPolicy: 'Never' } },
    }),
  ).map(formatFieldError);
  assert.deepEqual(errs, [
    'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0',
  ]);
  assert.deepEqual(validateDeployment(deployment({ selector: { matchLabels: { app: 'web' } }, strategy: { type: 'Recreate', rollingUpdate: {} }, template })).map(formatFieldError), [
    "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
  ]);
  assert.deepEqual(
    validateDeployment(deployment({ selector: { matchLabels: { app: 'web' } }, strategy: { rollingUpdate: { maxUnavailable: '150%' } }, template })).map(formatFieldError),
    ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%'],
  );
  assert.match(validateDeployment(deployment({ selector: { matchLabels: { app: 'web' } }, template: { metadata: template.metadata, spec: { containers: [{ name: 'c' }] } } })).map(formatFieldError)[0]!, /^spec\.template\.spec\.containers\[0\]\.image: Required value$/);
});

void test('the selector is immutable', () => {
  const old = deployment({ selector: { matchLabels: { app: 'web' } }, template });
  const next = deployment({ selector: { matchLabels: { app: 'web', tier: 'x' } }, template: { ...template, metadata: { labels: { app: 'web', tier: 'x' } } } });
  assert.deepEqual(validateDeploymentUpdate(next, old).map(formatFieldError), ['spec.selector: Invalid value: {"matchLabels":{"app":"web","tier":"x"}}: field is immutable']);
  const scaled = structuredClone(old);
  scaled.spec.replicas = 5;
  assert.deepEqual(validateDeploymentUpdate(scaled, old), []);
});

void test('table row: READY n/m, UP-TO-DATE, AVAILABLE and the wide cells', () => {
  const d = deployment({ replicas: 3, selector: { matchLabels: { app: 'web' } }, template });
  d.status = { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 };
  const row = deploymentTableRow(d, new Date('2024-05-01T12:00:00Z'));
  assert.equal(row.length, deploymentTableColumns.length);
  assert.deepEqual(row, ['2/3', 3, 2, '5m', 'nginx', 'nginx:1.27', 'app=web']);
});
