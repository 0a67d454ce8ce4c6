import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../meta/types.ts';
import { formatFieldError } from '../../validation/field-errors.ts';
import { CONTROLLER_UID_LABEL, defaultJob, jobFieldSelectors, jobTableColumns, jobTableRow, prepareJobForCreate, validateJob, validateJobUpdate } from './job.ts';

function job(spec: Record<string, unknown>): KubeObject {
  const j: KubeObject = { metadata: { name: 'pi', namespace: 'default', uid: 'uid-1', creationTimestamp: '2024-05-01T11:00:00Z' }, spec };
  prepareJobForCreate(j);
  defaultJob(j);
  return j;
}

const template = { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl:5' }] } };

void test('defaults and the generated selector', () => {
  const j = job({ template });
  assert.equal(j.spec.completions, 1);
  assert.equal(j.spec.parallelism, 1);
  assert.equal(j.spec.backoffLimit, 6);
  assert.equal(j.spec.completionMode, 'NonIndexed');
  assert.equal(j.spec.suspend, false);
  assert.deepEqual(j.spec.selector, { matchLabels: { [CONTROLLER_UID_LABEL]: 'uid-1' } });
  assert.deepEqual(j.spec.template.metadata.labels, {
    'job-name': 'pi',
    'batch.kubernetes.io/job-name': 'pi',
    'controller-uid': 'uid-1',
    [CONTROLLER_UID_LABEL]: 'uid-1',
  });
  assert.deepEqual(j.metadata.labels, j.spec.template.metadata.labels);
  assert.deepEqual(j.status, {});
  assert.deepEqual(validateJob(j), []);
  assert.equal(job({ parallelism: 3, template }).spec.completions, undefined);
});

void test('the template must not restart Always', () => {
  const j = job({ template: { spec: { containers: [{ name: 'pi', image: 'perl:5' }] } } });
  assert.deepEqual(validateJob(j).map(formatFieldError), ['spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"']);
});

void test('a hand-written selector needs manualSelector', () => {
  const manual = job({ manualSelector: true, selector: { matchLabels: { app: 'pi' } }, template: { ...template, metadata: { labels: { app: 'pi' } } } });
  assert.deepEqual(validateJob(manual), []);
  const j = job({ template });
  j.spec.selector = { matchLabels: { app: 'x' } };
  assert.ok(validateJob(j).map(formatFieldError).includes('spec.selector: Invalid value: {"matchLabels":{"app":"x"}}: `selector` not auto-generated'));
});

void test('template, selector and completions are fixed after creation', () => {
  const old = job({ template });
  const next = structuredClone(old);
  next.spec.template.spec.containers[0].image = 'perl:6';
  next.spec.completions = 2;
  assert.deepEqual(
    validateJobUpdate(next, old).map((e) => e.field),
    ['spec.completions', 'spec.template'],
  );
  const suspended = structuredClone(old);
  suspended.spec.suspend = true;
  assert.deepEqual(validateJobUpdate(suspended, old), []);
});

void test('STATUS, COMPLETIONS and DURATION', () => {
  const now = new Date('2024-05-01T12:00:00Z');
  const j = job({ template });
  j.status = { startTime: '2024-05-01T11:00:00Z', completionTime: '2024-05-01T11:00:42Z', succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] };
  const row = jobTableRow(j, now);
  assert.equal(row.length, jobTableColumns.length);
  assert.deepEqual(row.slice(0, 4), ['Complete', '1/1', '42s', '60m']);
  const running = job({ parallelism: 3, completions: null, template });
  running.status = { startTime: '2024-05-01T11:59:00Z', succeeded: 0 };
  assert.deepEqual(jobTableRow(running, now).slice(0, 3), ['Running', '0/1 of 3', '60s']);
  assert.deepEqual(jobTableRow(job({ template }), now).slice(0, 3), ['Running', '0/1', '']);
  assert.equal(jobFieldSelectors['status.successful']!(j), '1');
});
