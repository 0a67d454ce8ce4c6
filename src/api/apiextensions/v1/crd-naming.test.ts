import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { acceptNames, nextCrdStatus, setCondition, takenNames } from './crd-naming.ts';
import type { CustomResourceDefinition } from './types.ts';

const NOW = '2024-05-01T12:00:00Z';
const LATER = '2024-05-01T13:00:00Z';

function crd(names: Partial<CustomResourceDefinition['spec']['names']> = {}): CustomResourceDefinition {
  return {
    metadata: { name: 'crontabs.stable.example.com' },
    spec: {
      group: 'stable.example.com',
      scope: 'Namespaced',
      names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', listKind: 'CronTabList', shortNames: ['ct'], ...names },
      versions: [{ name: 'v1', served: true, storage: true }],
    },
    status: { storedVersions: ['v1'] },
  };
}

const nothingTaken = takenNames([]);

describe('CRD names and conditions', () => {
  it('accepts free names and establishes the CRD', () => {
    const status = nextCrdStatus(crd(), nothingTaken, NOW);
    assert.deepEqual(status.acceptedNames, { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', listKind: 'CronTabList', shortNames: ['ct'] });
    assert.deepEqual(status.conditions, [
      { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: NOW },
      { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: NOW },
    ]);
    assert.deepEqual(status.storedVersions, ['v1']);
  });

  it('refuses names another resource of the group holds', () => {
    const taken = takenNames([{ plural: 'crontabs', kind: 'Other' }]);
    const status = nextCrdStatus(crd(), taken, NOW);
    assert.deepEqual(status.conditions?.[0], {
      type: 'NamesAccepted',
      status: 'False',
      reason: 'PluralConflict',
      message: '"crontabs" is already in use',
      lastTransitionTime: NOW,
    });
    assert.equal(status.conditions?.[1]?.status, 'False');
    assert.equal(status.acceptedNames?.plural, '');
    const shortTaken = acceptNames(crd().spec.names, undefined, takenNames([{ plural: 'others', shortNames: ['ct'] }]));
    assert.equal(shortTaken.reason, 'ShortNamesConflict');
    assert.equal(shortTaken.message, '"ct" is already in use');
    assert.equal(shortTaken.acceptedNames.plural, 'crontabs');
    assert.equal(acceptNames(crd().spec.names, undefined, takenNames([{ plural: 'x', kind: 'CronTab' }])).reason, 'KindConflict');
  });

  it('keeps names it already holds and stays established when a later change conflicts', () => {
    const first = crd();
    first.status = nextCrdStatus(first, nothingTaken, NOW);
    const changed = structuredClone(first);
    changed.spec.names.shortNames = ['ct', 'cr'];
    const status = nextCrdStatus(changed, takenNames([{ plural: 'crs', shortNames: ['cr'] }]), LATER);
    assert.deepEqual(status.acceptedNames?.shortNames, ['ct']);
    assert.equal(status.conditions?.find((c) => c.type === 'NamesAccepted')?.status, 'False');
    assert.deepEqual(status.conditions?.find((c) => c.type === 'Established'), first.status.conditions?.[1]);
  });

  it('is stable: the status it computes computes itself', () => {
    const obj = crd();
    obj.status = nextCrdStatus(obj, nothingTaken, NOW);
    assert.deepEqual(nextCrdStatus(obj, nothingTaken, LATER), obj.status);
  });

  it('marks a CRD being deleted as Terminating', () => {
    const obj = crd();
    obj.metadata.deletionTimestamp = NOW;
    assert.equal(nextCrdStatus(obj, nothingTaken, NOW).conditions?.find((c) => c.type === 'Terminating')?.reason, 'InstanceDeletionPending');
  });

  it('moves lastTransitionTime only when the status changes', () => {
    const start = setCondition([], { type: 'A', status: 'True', reason: 'R' }, NOW);
    assert.equal(setCondition(start, { type: 'A', status: 'True', reason: 'R2' }, LATER)[0]?.lastTransitionTime, NOW);
    assert.equal(setCondition(start, { type: 'A', status: 'False', reason: 'R' }, LATER)[0]?.lastTransitionTime, LATER);
  });
});
