/**
 * meta/v1 messages every kind embeds (ObjectMeta, OwnerReference, ManagedFieldsEntry,
 * LabelSelector, Condition), and DeleteOptions, the body of a typed client's DELETE.
 */
import { int64, json, message, msg, msgs, optBool, optInt64, optStr, str, stringMap, strings, time, type MessageDescriptor } from '../descriptor.ts';

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1.';

export const ownerReference: MessageDescriptor = message(`${META}OwnerReference`, {
  5: str('apiVersion'),
  1: str('kind'),
  3: str('name'),
  4: str('uid'),
  6: optBool('controller'),
  7: optBool('blockOwnerDeletion'),
});

export const managedFieldsEntry: MessageDescriptor = message(`${META}ManagedFieldsEntry`, {
  1: str('manager'),
  2: str('operation'),
  3: str('apiVersion'),
  4: time('time'),
  6: str('fieldsType'),
  7: json('fieldsV1'),
  8: str('subresource'),
});

export const objectMeta: MessageDescriptor = message(`${META}ObjectMeta`, {
  1: str('name'),
  2: str('generateName'),
  3: str('namespace'),
  4: str('selfLink'),
  5: str('uid'),
  6: str('resourceVersion'),
  7: int64('generation'),
  8: time('creationTimestamp'),
  9: time('deletionTimestamp'),
  10: optInt64('deletionGracePeriodSeconds'),
  11: stringMap('labels'),
  12: stringMap('annotations'),
  13: msgs('ownerReferences', () => ownerReference),
  14: strings('finalizers'),
  17: msgs('managedFields', () => managedFieldsEntry),
});

export const labelSelectorRequirement: MessageDescriptor = message(`${META}LabelSelectorRequirement`, {
  1: str('key'),
  2: str('operator'),
  3: strings('values'),
});

export const labelSelector: MessageDescriptor = message(`${META}LabelSelector`, {
  1: stringMap('matchLabels'),
  2: msgs('matchExpressions', () => labelSelectorRequirement),
});

export const fieldSelectorRequirement: MessageDescriptor = message(`${META}FieldSelectorRequirement`, {
  1: str('key'),
  2: str('operator'),
  3: strings('values'),
});

export const condition: MessageDescriptor = message(`${META}Condition`, {
  1: str('type'),
  2: str('status'),
  3: int64('observedGeneration'),
  4: time('lastTransitionTime'),
  5: str('reason'),
  6: str('message'),
});

/** `metadata` of a top-level kind. */
export const metadataField = msg('metadata', () => objectMeta);

export const preconditions: MessageDescriptor = message(`${META}Preconditions`, {
  1: optStr('uid'),
  2: optStr('resourceVersion'),
});

export const deleteOptions: MessageDescriptor = message(`${META}DeleteOptions`, {
  1: optInt64('gracePeriodSeconds'),
  2: msg('preconditions', () => preconditions),
  3: optBool('orphanDependents'),
  4: optStr('propagationPolicy'),
  5: strings('dryRun'),
  6: optBool('ignoreStoreReadErrorWithClusterBreakingPotential'),
});
