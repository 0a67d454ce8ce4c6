import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSet } from './field-set.ts';
import { decodeManagedFields, describeManager, encodeManagedFields, identityKey, isClearRequest, type Managed } from './managed-fields.ts';

const fields = FieldSet.of(['f:spec', 'f:replicas']);

void describe('managedFields entries', () => {
  void it('name managers as conflicts print them', () => {
    assert.equal(describeManager({ manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1' }), '"kubectl"');
    assert.equal(describeManager({ manager: 'kubectl-edit', operation: 'Update', apiVersion: 'apps/v1' }), '"kubectl-edit" using apps/v1');
    assert.equal(describeManager({ manager: 'kubectl', operation: 'Update', apiVersion: 'apps/v1', subresource: 'scale' }), '"kubectl" with subresource "scale" using apps/v1');
  });

  void it('identify an applier whatever version it applies in, an updater per version', () => {
    assert.equal(identityKey({ manager: 'ci', operation: 'Apply', apiVersion: 'v1' }), identityKey({ manager: 'ci', operation: 'Apply', apiVersion: 'v2' }));
    assert.notEqual(identityKey({ manager: 'ci', operation: 'Update', apiVersion: 'v1' }), identityKey({ manager: 'ci', operation: 'Update', apiVersion: 'v2' }));
    assert.notEqual(identityKey({ manager: 'ci', operation: 'Update', apiVersion: 'v1' }), identityKey({ manager: 'ci', operation: 'Apply', apiVersion: 'v1' }));
  });

  void it('encode Apply entries first, then by time and manager, dropping empty ones', () => {
    const managed: Managed = new Map();
    const add = (manager: string, operation: 'Apply' | 'Update', time: string | undefined, f = fields) =>
      managed.set(identityKey({ manager, operation, apiVersion: 'v1' }), { identity: { manager, operation, apiVersion: 'v1' }, fields: f, time });
    add('b', 'Update', '2024-01-01T00:00:02Z');
    add('a', 'Update', '2024-01-01T00:00:02Z');
    add('z', 'Update', '2024-01-01T00:00:01Z');
    add('late', 'Apply', '2024-01-01T00:00:09Z');
    add('empty', 'Update', '2024-01-01T00:00:00Z', FieldSet.EMPTY);
    assert.deepEqual(encodeManagedFields(managed).map((e) => e.manager), ['late', 'z', 'a', 'b']);
  });

  void it('decode what they encode, and reject malformed lists', () => {
    const entries = [{ manager: 'm', operation: 'Update', apiVersion: 'v1', time: '2024-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: fields.toFieldsV1() }];
    const managed = decodeManagedFields(entries)!;
    assert.deepEqual(encodeManagedFields(managed), entries);
    assert.equal(decodeManagedFields('x'), undefined);
    assert.equal(decodeManagedFields([{ manager: 'm' }]), undefined, 'no operation');
    assert.equal(decodeManagedFields([{ manager: 'm', operation: 'Update', fieldsType: 'FieldsV2' }]), undefined);
    assert.equal(decodeManagedFields([{ manager: 'm', operation: 'Update', fieldsV1: { 'f:a': 'x' } }]), undefined);
    assert.equal(decodeManagedFields(undefined)!.size, 0);
  });

  void it('recognise the request to clear them', () => {
    assert.equal(isClearRequest([{}]), true);
    assert.equal(isClearRequest([]), false);
    assert.equal(isClearRequest([{ manager: 'x' }]), false);
  });
});
