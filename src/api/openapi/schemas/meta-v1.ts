/**
 * meta.k8s.io/v1 schemas shared by every kind: object and list metadata, Status, label
 * selectors, conditions, DeleteOptions, and the scalar formats (Time, IntOrString, Quantity).
 */
import type { SchemaSet } from '../schema-types.ts';
import { atomicList, bool, INT_OR_STRING, int32, int64, keyedList, loose, map, META, obj, QUANTITY, ref, str, stringSet, strings, time } from './dsl.ts';

/** Group/versions whose DeleteOptions k8ts accepts (a DELETE body may name any of them). */
const DELETE_OPTIONS_GROUP_VERSIONS: readonly (readonly [string, string])[] = [
  ['', 'v1'],
  ['apps', 'v1'],
  ['autoscaling', 'v1'],
  ['batch', 'v1'],
  ['coordination.k8s.io', 'v1'],
  ['discovery.k8s.io', 'v1'],
  ['policy', 'v1'],
];

export const metaV1Schemas: SchemaSet = {
  [`${META}Time`]: { type: 'string', format: 'date-time', description: 'A timestamp in RFC 3339 form, to the second, in UTC.' },
  [`${META}MicroTime`]: { type: 'string', format: 'date-time', description: 'A timestamp in RFC 3339 form with microseconds.' },
  [INT_OR_STRING]: {
    type: 'string',
    format: 'int-or-string',
    description: 'Either an integer or a string (a port number or a port name, a count or a percentage).',
    'x-kubernetes-int-or-string': true,
  },
  [QUANTITY]: {
    type: 'string',
    format: 'quantity',
    description: 'A fixed-point amount with an optional suffix: `500m` CPU, `128Mi` memory, `2`.',
    'x-kubernetes-int-or-string': true,
  },
  [`${META}FieldsV1`]: { type: 'object', description: 'The set of fields a manager owns, in the fields-v1 trie format.' },
  [`${META}Patch`]: { type: 'object', description: 'The body of a PATCH request; its format depends on the content type.' },

  [`${META}ObjectMeta`]: obj('Metadata every persisted object carries.', {
    name: str('Unique name within the namespace (or cluster, for cluster-scoped kinds). Cannot be changed.'),
    generateName: str('Prefix from which the server generates a unique name when `name` is empty.'),
    namespace: str('The namespace the object lives in; empty for cluster-scoped kinds.'),
    selfLink: str('Deprecated; not set.'),
    uid: str('Unique identifier the server assigns at creation; never reused.'),
    resourceVersion: str('Opaque version of the object, used for optimistic concurrency and watches.'),
    generation: int64('Sequence number of the desired state; bumped when the spec changes.'),
    creationTimestamp: time('When the object was created (set by the server).'),
    deletionTimestamp: time('When deletion was requested; the object goes once its finalizers are done.'),
    deletionGracePeriodSeconds: int64('Seconds the object has left to terminate gracefully once deletion started.'),
    labels: map(str(), 'Key/value pairs used to select and group objects.'),
    annotations: map(str(), 'Key/value pairs for tools and extensions; not used for selection.'),
    ownerReferences: keyedList(ref(`${META}OwnerReference`), 'uid', 'Objects this one depends on; the garbage collector removes it when they are gone.'),
    finalizers: stringSet('Names of pending cleanup steps; deletion completes when the list is empty.'),
    managedFields: atomicList(ref(`${META}ManagedFieldsEntry`), 'Which manager owns which fields (server-side apply).'),
  }),
  [`${META}OwnerReference`]: obj(
    'A reference to an owning object in the same namespace.',
    {
      apiVersion: str('API version of the owner.'),
      kind: str('Kind of the owner.'),
      name: str('Name of the owner.'),
      uid: str('UID of the owner.'),
      controller: bool('True when the owner is the managing controller.'),
      blockOwnerDeletion: bool('With foreground deletion, the owner is not removed until this object is gone.'),
    },
    { required: ['apiVersion', 'kind', 'name', 'uid'], mapType: 'atomic' },
  ),
  [`${META}ManagedFieldsEntry`]: obj('The fields one manager owns, and how it last wrote them.', {
    manager: str('Name of the manager (the fieldManager of its requests).'),
    operation: str('`Apply` or `Update`.'),
    apiVersion: str('The version the fields are expressed in.'),
    time: time('When the manager last changed these fields.'),
    fieldsType: str('Format of fieldsV1; always `FieldsV1`.'),
    fieldsV1: ref(`${META}FieldsV1`, 'The owned fields.'),
    subresource: str('The subresource written through, if any.'),
  }),
  [`${META}ListMeta`]: obj('Metadata of a list response.', {
    selfLink: str('Deprecated; not set.'),
    resourceVersion: str('The version of the collection this list reflects; watch from here.'),
    continue: str('Token for the next page when the list was limited.'),
    remainingItemCount: int64('How many items are left after this page, when known.'),
  }),
  [`${META}Status`]: {
    ...obj('The outcome of a request that does not return an object, and every error.', {
      apiVersion: str('The versioned schema of this representation.'),
      kind: str('Always `Status`.'),
      metadata: ref(`${META}ListMeta`, 'Standard list metadata.'),
      status: str('`Success` or `Failure`.'),
      message: str('Human-readable description of the outcome.'),
      reason: str('Machine-readable reason, such as `NotFound` or `Conflict`.'),
      details: ref(`${META}StatusDetails`, 'More about the object the outcome concerns.'),
      code: int32('The HTTP status code.'),
    }),
    'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'Status' }],
  },
  [`${META}StatusDetails`]: obj('Details of a Status.', {
    name: str('Name of the object concerned.'),
    group: str('API group of the object concerned.'),
    kind: str('Kind (or resource) of the object concerned.'),
    uid: str('UID of the object concerned.'),
    causes: atomicList(ref(`${META}StatusCause`), 'The individual problems, such as invalid fields.'),
    retryAfterSeconds: int32('Seconds to wait before retrying.'),
  }),
  [`${META}StatusCause`]: obj('One problem behind a failure.', {
    reason: str('Machine-readable cause, such as `FieldValueInvalid`.'),
    message: str('Human-readable description.'),
    field: str('Path of the field at fault, such as `spec.containers[0].name`.'),
  }),
  [`${META}LabelSelector`]: obj(
    'Selects objects by labels; all requirements must hold. An empty selector matches everything.',
    {
      matchLabels: map(str(), 'Labels that must be present with exactly these values.'),
      matchExpressions: atomicList(ref(`${META}LabelSelectorRequirement`), 'Set-based requirements on labels.'),
    },
    { mapType: 'atomic' },
  ),
  [`${META}LabelSelectorRequirement`]: obj(
    'A requirement on one label key.',
    {
      key: str('The label key.'),
      operator: str('`In`, `NotIn`, `Exists` or `DoesNotExist`.'),
      values: strings('Values for `In` and `NotIn`; empty for `Exists` and `DoesNotExist`.'),
    },
    { required: ['key', 'operator'] },
  ),
  [`${META}Condition`]: obj(
    'One aspect of an object state.',
    {
      type: str('Kind of condition, in CamelCase.'),
      status: str('`True`, `False` or `Unknown`.'),
      observedGeneration: int64('The generation the condition was computed from.'),
      lastTransitionTime: time('When the status last changed.'),
      reason: str('Machine-readable reason for the last transition, in CamelCase.'),
      message: str('Human-readable details of the last transition.'),
    },
    { required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'] },
  ),
  [`${META}Preconditions`]: obj('Conditions a delete must meet to proceed.', {
    resourceVersion: str('The object must have this resourceVersion.'),
    uid: str('The object must have this UID.'),
  }),
  [`${META}DeleteOptions`]: {
    ...obj('Options of a DELETE request.', {
      apiVersion: str('The versioned schema of this representation.'),
      kind: str('Always `DeleteOptions`.'),
      gracePeriodSeconds: int64('Seconds to allow for graceful termination; 0 deletes at once.'),
      preconditions: ref(`${META}Preconditions`, 'Conditions the object must meet for the delete to proceed.'),
      orphanDependents: bool('Deprecated; use propagationPolicy.'),
      propagationPolicy: str('What happens to dependents: `Orphan`, `Background` or `Foreground`.'),
      dryRun: strings('`All` to run every step without persisting.'),
      ignoreStoreReadErrorWithClusterBreakingPotential: bool('Deletes an object that cannot be read from storage.'),
    }),
    'x-kubernetes-group-version-kind': DELETE_OPTIONS_GROUP_VERSIONS.map(([group, version]) => ({ group, version, kind: 'DeleteOptions' })),
  },
  [`${META}WatchEvent`]: obj(
    'One event of a watch stream.',
    {
      type: str('`ADDED`, `MODIFIED`, `DELETED`, `BOOKMARK` or `ERROR`.'),
      object: loose('The object the event concerns (a Status for ERROR).'),
    },
    { required: ['type', 'object'] },
  ),
};

