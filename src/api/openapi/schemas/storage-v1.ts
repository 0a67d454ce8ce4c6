/** storage.k8s.io/v1 StorageClass. */
import type { SchemaSet } from '../schema-types.ts';
import { apiPrefix, atomicList, bool, kindWithList, map, obj, ref, str, strings } from './dsl.ts';

const core = apiPrefix('', 'v1');

export const storageV1Schemas: SchemaSet = {
  ...kindWithList(
    { group: 'storage.k8s.io', version: 'v1', kind: 'StorageClass' },
    'A class of storage and the provisioner of its volumes (no provisioner runs in k8ts).',
    {
      provisioner: str('The provisioner of volumes of this class. Immutable.'),
      parameters: map(str(), 'Settings for the provisioner. Immutable.'),
      reclaimPolicy: str('`Delete` (default) or `Retain`. Immutable.'),
      mountOptions: strings('Mount options of the volumes.'),
      allowVolumeExpansion: bool('Whether claims may grow.'),
      volumeBindingMode: str('`Immediate` (default) or `WaitForFirstConsumer`. Immutable.'),
      allowedTopologies: atomicList(ref(`${core}TopologySelectorTerm`), 'Where volumes may be provisioned.'),
    },
    ['provisioner'],
  ),
  [`${core}TopologySelectorTerm`]: obj(
    'Topology labels a term requires.',
    { matchLabelExpressions: atomicList(ref(`${core}TopologySelectorLabelRequirement`), 'Label requirements, all of which must hold.') },
    { mapType: 'atomic' },
  ),
  [`${core}TopologySelectorLabelRequirement`]: obj(
    'A topology label and its allowed values.',
    { key: str('The label key.'), values: strings('Allowed values.') },
    { required: ['key', 'values'] },
  ),
};
