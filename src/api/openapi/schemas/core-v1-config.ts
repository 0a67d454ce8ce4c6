/** core/v1 configuration and identity kinds: ConfigMap, Secret, ServiceAccount, Namespace. */
import type { SchemaSet } from '../schema-types.ts';
import {
  apiPrefix, atomicList, bool, bytes, conditions, keyedList, kindWithList, map, obj, ref, str, strings, time,
} from './dsl.ts';

const core = apiPrefix('', 'v1');

export const coreV1ConfigSchemas: SchemaSet = {
  ...kindWithList({ group: '', version: 'v1', kind: 'ConfigMap' }, 'Non-secret configuration as key/value pairs, for pods to read as files or environment.', {
    data: map(str(), 'UTF-8 values by key.'),
    binaryData: map(bytes(), 'Binary values by key, base64-encoded.'),
    immutable: bool('Once true, the data can no longer change.'),
  }),
  ...kindWithList({ group: '', version: 'v1', kind: 'Secret' }, 'Sensitive data as key/value pairs, for pods to read as files or environment.', {
    data: map(bytes(), 'Values by key, base64-encoded.'),
    stringData: map(str(), 'Write-only plain-text values, merged into `data` on write.'),
    type: str('How the data is used, such as `Opaque` or `kubernetes.io/tls`.'),
    immutable: bool('Once true, the data can no longer change.'),
  }),
  ...kindWithList({ group: '', version: 'v1', kind: 'ServiceAccount' }, 'An identity for processes running in pods.', {
    secrets: keyedList(ref(`${core}ObjectReference`), 'name', 'Secrets pods of this account may use.'),
    imagePullSecrets: atomicList(ref(`${core}LocalObjectReference`), 'Registry credentials added to pods of this account.'),
    automountServiceAccountToken: bool('Whether pods mount a token of this account by default.'),
  }),
  ...kindWithList({ group: '', version: 'v1', kind: 'Namespace' }, 'A scope for names; most objects live in one.', {
    spec: ref(`${core}NamespaceSpec`, 'The desired behaviour of the namespace.'),
    status: ref(`${core}NamespaceStatus`, 'The observed state of the namespace.'),
  }),
  [`${core}NamespaceSpec`]: obj('The desired behaviour of a namespace.', {
    finalizers: strings('Cleanup steps that must finish before the namespace is removed.'),
  }),
  [`${core}NamespaceStatus`]: obj('The observed state of a namespace.', {
    phase: str('`Active` or `Terminating`.'),
    conditions: conditions(`${core}NamespaceCondition`, 'Conditions of the namespace.'),
  }),
  [`${core}NamespaceCondition`]: obj(
    'One condition of a namespace.',
    {
      type: str('Kind of condition.'),
      status: str('`True`, `False` or `Unknown`.'),
      lastTransitionTime: time('When the status last changed.'),
      reason: str('Machine-readable reason.'),
      message: str('Human-readable details.'),
    },
    { required: ['type', 'status'] },
  ),
};
