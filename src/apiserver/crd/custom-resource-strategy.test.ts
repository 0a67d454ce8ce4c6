import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CustomResourceDefinition } from '../../api/apiextensions/v1/types.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import { ApiError } from '../errors.ts';
import { customResourceStrategy } from './custom-resource-strategy.ts';

function crd(withStatus: boolean): CustomResourceDefinition {
  return {
    metadata: { name: 'crontabs.stable.example.com', uid: 'u1' },
    spec: {
      group: 'stable.example.com',
      scope: 'Namespaced',
      names: { plural: 'crontabs', kind: 'CronTab' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: false,
          schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { image: { type: 'string' } } }, status: { type: 'object', properties: { ok: { type: 'boolean' } } } } } },
          ...(withStatus ? { subresources: { status: {} } } : {}),
        },
        { name: 'v2', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } },
      ],
    },
    status: { acceptedNames: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', listKind: 'CronTabList' } },
  };
}

function obj(): KubeObject {
  return { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'a', namespace: 'default' }, spec: { image: 'x', junk: 1 }, status: { ok: true } };
}

describe('the custom resource strategy', () => {
  it('serves the version, stores in the storage version and refuses strategic merge patches', () => {
    const s = customResourceStrategy(crd(true), crd(true).spec.versions[0]!);
    assert.equal(s.type.version, 'v1');
    assert.equal(s.storageVersion, 'v2');
    assert.equal(s.strategicMergePatch, false);
    assert.equal(s.hasStatus, true);
    assert.equal(s.scale, null);
  });

  it('with a status subresource: drops status on create, keeps it on update, bumps generation on spec changes', () => {
    const s = customResourceStrategy(crd(true), crd(true).spec.versions[0]!);
    const created = obj();
    s.prepareForCreate(created);
    s.applyDefaults(created);
    assert.equal(created.status, undefined);
    assert.deepEqual(created.spec, { image: 'x' });
    const old = { ...created, status: { ok: false } };
    const next = { ...structuredClone(old), status: { ok: true } };
    s.prepareForUpdate(next, old);
    assert.deepEqual(next.status, { ok: false });
    assert.equal(s.changesGeneration(next, old), false);
    assert.equal(s.changesGeneration({ ...next, spec: { image: 'y' } }, old), true);
  });

  it('without a status subresource: status is part of the object and changes the generation', () => {
    const s = customResourceStrategy(crd(false), crd(false).spec.versions[0]!);
    const created = obj();
    s.prepareForCreate(created);
    assert.deepEqual(created.status, { ok: true });
    const next = { ...structuredClone(created), status: { ok: false } };
    s.prepareForUpdate(next, created);
    assert.deepEqual(next.status, { ok: false });
    assert.equal(s.changesGeneration(next, created), true);
  });

  it('refuses creates while the CRD is being deleted', () => {
    const terminating = crd(true);
    terminating.metadata.deletionTimestamp = '2024-05-01T12:00:00Z';
    const s = customResourceStrategy(terminating, terminating.spec.versions[0]!);
    assert.throws(() => s.prepareForCreate(obj()), (err: unknown) => err instanceof ApiError && err.code === 405 && /terminating/.test(err.message));
  });
});
