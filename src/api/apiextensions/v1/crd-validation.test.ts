import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../meta/types.ts';
import { formatFieldError } from '../../validation/field-errors.ts';
import { defaultCrd, recordStoredVersion } from './crd-defaults.ts';
import { crdWarnings, validateCrd, validateCrdUpdate } from './crd-validation.ts';

function crontabs(): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'crontabs.stable.example.com' },
    spec: {
      group: 'stable.example.com',
      scope: 'Namespaced',
      names: { plural: 'crontabs', kind: 'CronTab', shortNames: ['ct'], categories: ['all'] },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: { type: 'object', properties: { cronSpec: { type: 'string' }, replicas: { type: 'integer', default: 1 }, color: { type: 'string' } } },
                status: { type: 'object', properties: { replicas: { type: 'integer' } } },
              },
            },
          },
          subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
          additionalPrinterColumns: [{ name: 'Spec', type: 'string', jsonPath: '.spec.cronSpec' }],
          selectableFields: [{ jsonPath: '.spec.color' }],
        },
        { name: 'v1beta1', served: true, storage: false, deprecated: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } },
      ],
    },
  };
}

function problems(obj: KubeObject): string[] {
  defaultCrd(obj);
  return validateCrd(obj).map(formatFieldError);
}

function edit(change: (spec: any, obj: KubeObject) => void): KubeObject {
  const obj = crontabs();
  change(obj.spec, obj);
  return obj;
}

describe('CustomResourceDefinition defaults', () => {
  it('fills singular, listKind, conversion and the version flags', () => {
    const obj = edit((spec) => delete spec.versions[1].served);
    defaultCrd(obj);
    assert.equal(obj.spec.names.singular, 'crontab');
    assert.equal(obj.spec.names.listKind, 'CronTabList');
    assert.deepEqual(obj.spec.conversion, { strategy: 'None' });
    assert.equal(obj.spec.versions[1].served, false);
  });

  it('records every storage version in status.storedVersions', () => {
    const obj = crontabs();
    recordStoredVersion(obj, undefined);
    assert.deepEqual(obj.status.storedVersions, ['v1']);
    const next = edit((spec) => {
      spec.versions[0].storage = false;
      spec.versions[1].storage = true;
    });
    recordStoredVersion(next, obj);
    assert.deepEqual(next.status.storedVersions, ['v1', 'v1beta1']);
  });
});

describe('CustomResourceDefinition validation', () => {
  it('accepts a complete CRD', () => {
    assert.deepEqual(problems(crontabs()), []);
  });

  it('requires the name to be <plural>.<group> and the group to be a domain', () => {
    assert.deepEqual(problems(edit((_spec, obj) => (obj.metadata.name = 'crontab.stable.example.com'))), [
      'metadata.name: Invalid value: "crontab.stable.example.com": must be spec.names.plural+"."+spec.group',
    ]);
    assert.deepEqual(
      problems(edit((spec, obj) => {
        spec.group = 'example';
        obj.metadata.name = 'crontabs.example';
      })),
      ['spec.group: Invalid value: "example": should be a domain with at least one dot'],
    );
    assert.match(
      problems(edit((spec, obj) => {
        spec.group = 'x.k8s.io';
        obj.metadata.name = 'crontabs.x.k8s.io';
      })).join('\n'),
      /metadata\.annotations\[api-approved\.kubernetes\.io\]: Required value: protected groups must have approval annotation/,
    );
  });

  it('checks scope and names', () => {
    assert.deepEqual(problems(edit((spec) => (spec.scope = 'Global'))), ['spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"']);
    assert.deepEqual(problems(edit((spec) => delete spec.scope)), ['spec.scope: Required value']);
    assert.deepEqual(
      problems(edit((spec) => {
        spec.names.shortNames = ['Bad_Name'];
        spec.names.listKind = 'CronTab';
      })),
      [
        'spec.names.shortNames[0]: Invalid value: "Bad_Name": a DNS-1035 label must consist of lower case alphanumeric characters or \'-\', start with an alphabetic character, and end with an alphanumeric character (e.g. \'my-name\',  or \'abc-123\', regex used for validation is \'[a-z]([-a-z0-9]*[a-z0-9])?\')',
        'spec.names.listKind: Invalid value: "CronTab": kind and listKind may not be the same',
      ],
    );
    assert.deepEqual(problems(edit((spec) => delete spec.names.kind)), ['spec.names.singular: Required value', 'spec.names.kind: Required value', 'spec.names.listKind: Required value']);
  });

  it('needs exactly one storage version, a served one, unique names and schemas', () => {
    const noStorage = problems(edit((spec) => (spec.versions[0].storage = false)));
    assert.equal(noStorage.length, 1);
    assert.match(noStorage[0]!, /^spec\.versions: Invalid value: .*: must have exactly one version marked as storage version$/);
    assert.match(
      problems(edit((spec) => spec.versions.forEach((v: any) => (v.served = false)))).join('\n'),
      /spec\.versions: Invalid value: .*: must have at least one served version/,
    );
    assert.match(problems(edit((spec) => (spec.versions[1].name = 'v1'))).join('\n'), /must contain unique version names/);
    assert.deepEqual(problems(edit((spec) => delete spec.versions[1].schema)), ['spec.versions[1].schema.openAPIV3Schema: Required value: schemas are required']);
    assert.deepEqual(problems(edit((spec) => (spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.x = {}))), [
      'spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[x].type: Required value: must not be empty for specified object fields',
    ]);
  });

  it('validates defaults against their schema', () => {
    assert.deepEqual(problems(edit((spec) => (spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.replicas.default = 'one'))), [
      'spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[replicas].default: Invalid value: "string": default in body must be of type integer: "string"',
    ]);
    assert.deepEqual(
      problems(edit((spec) => (spec.versions[0].schema.openAPIV3Schema.properties.spec.default = { cronSpec: 'x', extra: 1 }))),
      ['spec.versions[0].schema.openAPIV3Schema.properties[spec].default: Invalid value: {"cronSpec":"x","extra":1}: must not have unknown fields: extra'],
    );
  });

  it('checks subresources, printer columns and selectable fields', () => {
    assert.deepEqual(problems(edit((spec) => (spec.versions[0].subresources.scale.specReplicasPath = '.status.replicas'))), [
      'spec.versions[0].subresources.scale.specReplicasPath: Invalid value: ".status.replicas": should be a json path under .spec',
    ]);
    assert.deepEqual(problems(edit((spec) => delete spec.versions[0].subresources.scale.statusReplicasPath)), [
      'spec.versions[0].subresources.scale.statusReplicasPath: Required value',
    ]);
    assert.deepEqual(problems(edit((spec) => (spec.versions[0].additionalPrinterColumns = [{ name: 'X', type: 'timestamp', jsonPath: 'spec.x' }]))), [
      'spec.versions[0].additionalPrinterColumns[0].type: Invalid value: "timestamp": must be one of boolean,date,integer,number,string',
      'spec.versions[0].additionalPrinterColumns[0].jsonPath: Invalid value: "spec.x": must be a simple json path starting with .',
    ]);
    assert.match(problems(edit((spec) => (spec.versions[0].additionalPrinterColumns[0].jsonPath = '.spec..x'))).join(''), /must be a JSONPath k8ts can evaluate/);
    assert.deepEqual(problems(edit((spec) => (spec.versions[0].selectableFields = [{ jsonPath: '.spec.replicas' }, { jsonPath: '.spec.nope' }, { jsonPath: '.status' }]))), [
      'spec.versions[0].selectableFields[1].jsonPath: Invalid value: ".spec.nope": is an invalid path: does not refer to a field of the schema',
      'spec.versions[0].selectableFields[2].jsonPath: Invalid value: ".status": must point to a field of type string, boolean or integer. Enum string fields and strings with formats are allowed.',
    ]);
  });

  it('refuses webhook conversion with a clear message', () => {
    assert.deepEqual(problems(edit((spec) => (spec.conversion = { strategy: 'Webhook', webhook: { clientConfig: { url: 'https://x' } } }))), [
      'spec.conversion.strategy: Invalid value: "Webhook": k8ts does not call conversion webhooks; use strategy None (every served version then reads the stored object with only its apiVersion changed)',
    ]);
  });

  it('checks deprecation warnings', () => {
    assert.deepEqual(problems(edit((spec) => (spec.versions[0].deprecationWarning = 'old'))), [
      'spec.versions[0].deprecationWarning: Invalid value: "old": can only be set for deprecated versions',
    ]);
  });

  it('keeps stored versions in spec.versions', () => {
    const old = crontabs();
    defaultCrd(old);
    old.status = { storedVersions: ['v1', 'v1beta1'] };
    const next = structuredClone(old);
    next.spec.versions.pop();
    assert.deepEqual(validateCrdUpdate(next, old).map(formatFieldError), ['status.storedVersions[1]: Invalid value: "v1beta1": must appear in spec.versions']);
  });

  it('keeps group and plural, and scope and kind once established', () => {
    const old = crontabs();
    defaultCrd(old);
    old.status = { storedVersions: ['v1'], conditions: [{ type: 'Established', status: 'True' }] };
    const next = structuredClone(old);
    next.spec.scope = 'Cluster';
    next.spec.names.kind = 'Cron';
    next.spec.names.listKind = 'CronList';
    assert.deepEqual(validateCrdUpdate(next, old).map(formatFieldError), [
      'spec.scope: Invalid value: "Cluster": field is immutable',
      'spec.names.kind: Invalid value: "Cron": field is immutable',
    ]);
    delete old.status.conditions;
    assert.deepEqual(validateCrdUpdate(next, old), []);
  });

  it('never throws on garbage', () => {
    for (const spec of [null, 'x', { versions: 'x', names: 3 }, { versions: [null, 'x', { schema: 'y' }] }]) {
      const obj: KubeObject = { metadata: { name: 'a.b.c' }, spec };
      defaultCrd(obj);
      assert.ok(validateCrd(obj).length > 0);
    }
  });

  it('warns that CEL rules are not evaluated', () => {
    assert.deepEqual(crdWarnings(crontabs()), []);
    const withRules = edit((spec) => (spec.versions[0].schema.openAPIV3Schema.properties.spec['x-kubernetes-validations'] = [{ rule: 'self.replicas < 5' }]));
    assert.deepEqual(problems(withRules), []);
    assert.deepEqual(crdWarnings(withRules), [
      'x-kubernetes-validations rules are not evaluated by k8ts, objects are not checked against them: spec.versions[0].schema.openAPIV3Schema.properties[spec]',
    ]);
  });
});
