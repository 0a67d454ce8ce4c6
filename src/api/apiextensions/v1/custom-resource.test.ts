import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../meta/types.ts';
import { compareVersionPriority } from '../../meta/version-priority.ts';
import { formatFieldError } from '../../validation/field-errors.ts';
import { customResourceSchemas } from './crd-openapi.ts';
import {
  customResourceFieldSelectors,
  customResourceGenerationChanged,
  customResourceScale,
  customResourceTable,
  customResourceType,
  customResourceValidator,
  deprecationWarning,
  normalizeCustomResource,
  valueAtFieldPath,
} from './custom-resource.ts';
import type { CustomResourceDefinition, CustomResourceDefinitionVersion } from './types.ts';

const schema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['cronSpec'],
      properties: { cronSpec: { type: 'string' }, replicas: { type: 'integer', default: 1, maximum: 10 }, color: { type: 'string' } },
    },
    status: { type: 'object', properties: { replicas: { type: 'integer' }, selector: { type: 'string' }, conditions: { type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } } },
  },
};

const v1: CustomResourceDefinitionVersion = {
  name: 'v1',
  served: true,
  storage: true,
  schema: { openAPIV3Schema: schema },
  subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' } },
  additionalPrinterColumns: [
    { name: 'Spec', type: 'string', jsonPath: '.spec.cronSpec' },
    { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
    { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    { name: 'Color', type: 'string', priority: 1, jsonPath: '.spec.color' },
  ],
  selectableFields: [{ jsonPath: '.spec.color' }],
};

const crd: CustomResourceDefinition = {
  metadata: { name: 'crontabs.stable.example.com' },
  spec: {
    group: 'stable.example.com',
    scope: 'Namespaced',
    names: { plural: 'crontabs', kind: 'CronTab' },
    versions: [v1, { name: 'v1beta1', served: true, storage: false, deprecated: true }, { name: 'v1alpha1', served: true, storage: false, deprecated: true, deprecationWarning: 'gone soon' }],
  },
  status: { acceptedNames: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', listKind: 'CronTabList', shortNames: ['ct'], categories: ['all'] } },
};

function cron(spec: Record<string, unknown>, extra: Partial<KubeObject> = {}): KubeObject {
  return { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'x', namespace: 'default', creationTimestamp: '2024-05-01T11:00:00Z' }, spec, ...extra };
}

describe('custom resources of a CRD version', () => {
  it('are typed from the accepted names', () => {
    assert.deepEqual(customResourceType(crd, 'v1'), {
      group: 'stable.example.com',
      version: 'v1',
      kind: 'CronTab',
      resource: 'crontabs',
      singular: 'crontab',
      listKind: 'CronTabList',
      namespaced: true,
      shortNames: ['ct'],
      categories: ['all'],
    });
  });

  it('are pruned and defaulted, then validated', () => {
    const obj = cron({ cronSpec: '* * * * *', junk: true });
    normalizeCustomResource(obj, schema);
    assert.deepEqual(obj.spec, { cronSpec: '* * * * *', replicas: 1 });
    const validator = customResourceValidator(schema, customResourceScale(v1.subresources!.scale!));
    assert.deepEqual(validator.validateCreate(obj), []);
    assert.deepEqual(validator.validateCreate(cron({ replicas: 11 })).map(formatFieldError), [
      'spec.cronSpec: Required value',
      'spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10',
    ]);
    assert.deepEqual(validator.validateCreate(cron({ cronSpec: 'x' }, { status: { replicas: -1 } })).map(formatFieldError), [
      'status.replicas: Invalid value: -1: should be a non-negative integer',
    ]);
  });

  it('ratchet validation on update: unchanged invalid fields do not block other changes', () => {
    const validator = customResourceValidator(schema, null);
    const old = cron({ cronSpec: 'x', replicas: 50 });
    const next = cron({ cronSpec: 'y', replicas: 50 });
    assert.deepEqual(validator.validateUpdate(next, old), []);
    assert.equal(validator.validateUpdate(cron({ cronSpec: 'y', replicas: 60 }), old).length, 1);
    assert.equal(validator.validateUpdate(cron({ replicas: 50 }), old).length, 1);
  });

  it('bump generation on any change but metadata', () => {
    const a = cron({ cronSpec: 'x' });
    assert.equal(customResourceGenerationChanged({ ...a, metadata: { ...a.metadata, labels: { a: 'b' } } }, a), false);
    assert.equal(customResourceGenerationChanged({ ...a, spec: { cronSpec: 'y' } }, a), true);
    assert.equal(customResourceGenerationChanged({ ...a, status: { replicas: 1 } }, a), true);
    assert.equal(customResourceGenerationChanged({ ...a, apiVersion: 'stable.example.com/v1beta1' }, a), false);
  });

  it('print their printer columns', () => {
    const table = customResourceTable(v1);
    assert.deepEqual(table.columns.map((c) => [c.name, c.type, c.priority]), [
      ['Spec', 'string', 0],
      ['Replicas', 'integer', 0],
      ['Ready', 'string', 0],
      ['Age', 'date', 0],
      ['Color', 'string', 1],
    ]);
    const obj = cron({ cronSpec: '*/5 * * * *', replicas: 2.7 }, { status: { conditions: [{ type: 'Ready', status: 'True' }] } });
    assert.deepEqual(table.row(obj, new Date('2024-05-01T12:00:00Z')), ['*/5 * * * *', 2, 'True', '60m', null]);
    const plain = customResourceTable({ name: 'v1', served: true, storage: true });
    assert.deepEqual(plain.columns.map((c) => c.name), ['Age']);
    assert.deepEqual(plain.row(obj, new Date('2024-05-01T11:00:30Z')), ['30s']);
  });

  it('scale through their scale paths', () => {
    const scale = customResourceScale(v1.subresources!.scale!);
    const obj = cron({ cronSpec: 'x' }, { status: { replicas: 2, selector: 'app=x' } });
    assert.equal(scale.specReplicas(obj), 0);
    assert.equal(scale.statusReplicas(obj), 2);
    assert.equal(scale.selector(obj), 'app=x');
    scale.setSpecReplicas(obj, 5);
    assert.equal(obj.spec.replicas, 5);
    const deep = customResourceScale({ specReplicasPath: '.spec.scaling.count', statusReplicasPath: '.status.count' });
    const empty = cron({});
    deep.setSpecReplicas(empty, 3);
    assert.deepEqual(empty.spec, { scaling: { count: 3 } });
  });

  it('select on their selectable fields', () => {
    const selectors = customResourceFieldSelectors(v1);
    assert.deepEqual(Object.keys(selectors), ['spec.color']);
    assert.equal(selectors['spec.color']!(cron({ color: 'blue' })), 'blue');
    assert.equal(selectors['spec.color']!(cron({})), undefined);
  });

  it('warn about deprecated versions', () => {
    assert.equal(deprecationWarning(crd, crd.spec.versions[0]!, compareVersionPriority), undefined);
    assert.equal(deprecationWarning(crd, crd.spec.versions[1]!, compareVersionPriority), 'stable.example.com/v1beta1 CronTab is deprecated; use stable.example.com/v1 CronTab');
    assert.equal(deprecationWarning(crd, crd.spec.versions[2]!, compareVersionPriority), 'gone soon');
  });

  it('find values at field paths', () => {
    assert.equal(valueAtFieldPath({ spec: { ports: [{ name: 'a' }, { name: 'b' }] } }, 'spec.ports[1].name'), 'b');
    assert.equal(valueAtFieldPath({ spec: {} }, 'spec.ports[1].name'), undefined);
  });

  it('publish OpenAPI schemas with the resource fields and the GVK', () => {
    const set = customResourceSchemas(customResourceType(crd, 'v1'), {
      ...schema,
      properties: { ...schema.properties, spec: { ...schema.properties.spec, properties: { ...schema.properties.spec.properties, opts: { type: 'object' } } } },
    });
    assert.deepEqual(Object.keys(set), ['com.example.stable.v1.CronTab', 'com.example.stable.v1.CronTabList']);
    const kind = set['com.example.stable.v1.CronTab'] as any;
    assert.deepEqual(kind['x-kubernetes-group-version-kind'], [{ group: 'stable.example.com', version: 'v1', kind: 'CronTab' }]);
    assert.deepEqual(Object.keys(kind.properties).sort(), ['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    assert.deepEqual(kind.properties.spec.properties.opts, { type: 'object', properties: {} });
    const list = set['com.example.stable.v1.CronTabList'] as any;
    assert.deepEqual(list['x-kubernetes-group-version-kind'], [{ group: 'stable.example.com', version: 'v1', kind: 'CronTabList' }]);
    assert.equal(list.properties.items.items.$ref, '#/components/schemas/com.example.stable.v1.CronTab');
  });
});
