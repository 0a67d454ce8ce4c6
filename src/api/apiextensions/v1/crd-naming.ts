/**
 * The names a CRD is served under, and its conditions. A CRD asks for names in `spec.names`;
 * the server accepts each one that no other resource of the same API group uses (the accepted
 * names of the group's other CRDs, and the group's built-in resources) and records them in
 * `status.acceptedNames`. A name that is taken is not accepted: the CRD keeps what it had and
 * gets `NamesAccepted=False` with the conflict (`"crontabs" is already in use`). Once its names
 * are accepted it is `Established` (served, and listed in discovery), and stays so.
 *
 * These functions compute the next status from the current one; the apiserver's CRD controller
 * writes it when it differs.
 */
import {
  crdCondition,
  ESTABLISHED,
  NAMES_ACCEPTED,
  TERMINATING,
  type ConditionStatus,
  type CustomResourceDefinition,
  type CustomResourceDefinitionCondition,
  type CustomResourceDefinitionNames,
  type CustomResourceDefinitionStatus,
} from './types.ts';

/** Names another resource of the same group holds. */
export interface TakenNames {
  /** Resource names: plurals, singulars and short names. */
  readonly resources: ReadonlySet<string>;
  /** Kinds and list kinds. */
  readonly kinds: ReadonlySet<string>;
}

/** The taken names of a group, from the names its other resources hold. */
export function takenNames(holders: Iterable<Partial<CustomResourceDefinitionNames>>): TakenNames {
  const resources = new Set<string>();
  const kinds = new Set<string>();
  for (const n of holders) {
    for (const r of [n.plural, n.singular, ...(n.shortNames ?? [])]) if (typeof r === 'string' && r !== '') resources.add(r);
    for (const k of [n.kind, n.listKind]) if (typeof k === 'string' && k !== '') kinds.add(k);
  }
  return { resources, kinds };
}

interface NamesResult {
  readonly acceptedNames: CustomResourceDefinitionNames;
  readonly status: ConditionStatus;
  readonly reason: string;
  readonly message: string;
}

/** Which requested names can be accepted, given the names the rest of the group holds. */
export function acceptNames(requested: CustomResourceDefinitionNames, accepted: Partial<CustomResourceDefinitionNames> | undefined, taken: TakenNames): NamesResult {
  const next: CustomResourceDefinitionNames = {
    plural: accepted?.plural ?? '',
    kind: accepted?.kind ?? '',
    ...(accepted?.singular !== undefined ? { singular: accepted.singular } : {}),
    ...(accepted?.listKind !== undefined ? { listKind: accepted.listKind } : {}),
    ...(accepted?.shortNames !== undefined ? { shortNames: accepted.shortNames } : {}),
  };
  let conflict: { reason: string; message: string } | undefined;
  const fail = (reason: string, message: string): void => {
    conflict ??= { reason, message };
  };
  const check = (name: string | undefined, current: string | undefined, set: ReadonlySet<string>): string | undefined =>
    name === undefined || name === current || !set.has(name) ? undefined : `${JSON.stringify(name)} is already in use`;

  const pluralErr = check(requested.plural, accepted?.plural, taken.resources);
  if (pluralErr !== undefined) fail('PluralConflict', pluralErr);
  else next.plural = requested.plural;

  const singularErr = check(requested.singular, accepted?.singular, taken.resources);
  if (singularErr !== undefined) fail('SingularConflict', singularErr);
  else if (requested.singular !== undefined) next.singular = requested.singular;

  const ours = new Set(accepted?.shortNames ?? []);
  const shortErrs = (requested.shortNames ?? []).filter((s) => !ours.has(s) && taken.resources.has(s)).map((s) => `${JSON.stringify(s)} is already in use`);
  if (shortErrs.length > 0) fail('ShortNamesConflict', shortErrs.join(', '));
  else if (requested.shortNames !== undefined) next.shortNames = requested.shortNames;
  else delete next.shortNames;

  const kindErr = check(requested.kind, accepted?.kind, taken.kinds);
  if (kindErr !== undefined) fail('KindConflict', kindErr);
  else next.kind = requested.kind;

  const listKindErr = check(requested.listKind, accepted?.listKind, taken.kinds);
  if (listKindErr !== undefined) fail('ListKindConflict', listKindErr);
  else if (requested.listKind !== undefined) next.listKind = requested.listKind;

  if (requested.categories !== undefined) next.categories = requested.categories;
  if (conflict !== undefined) return { acceptedNames: next, status: 'False', ...conflict };
  return { acceptedNames: next, status: 'True', reason: 'NoConflicts', message: 'no conflicts found' };
}

/**
 * Replaces (or adds) the condition of `condition.type`; lastTransitionTime changes only when
 * the status does.
 */
export function setCondition(
  conditions: readonly CustomResourceDefinitionCondition[],
  condition: Omit<CustomResourceDefinitionCondition, 'lastTransitionTime'>,
  now: string,
): CustomResourceDefinitionCondition[] {
  const old = conditions.find((c) => c.type === condition.type);
  const lastTransitionTime = old !== undefined && old.status === condition.status && old.lastTransitionTime !== undefined ? old.lastTransitionTime : now;
  const next = { ...condition, lastTransitionTime };
  return old === undefined ? [...conditions, next] : conditions.map((c) => (c.type === condition.type ? next : c));
}

/**
 * The status `crd` should have: accepted names and the NamesAccepted and Established conditions
 * (and Terminating once its deletion started), keeping storedVersions. `taken` holds the names
 * of the group's other resources; `now` stamps conditions that change.
 */
export function nextCrdStatus(crd: CustomResourceDefinition, taken: TakenNames, now: string): CustomResourceDefinitionStatus {
  const status = crd.status ?? {};
  const names = acceptNames(crd.spec.names, status.acceptedNames, taken);
  let conditions = setCondition(status.conditions ?? [], { type: NAMES_ACCEPTED, status: names.status, reason: names.reason, message: names.message }, now);
  const established = crdCondition(crd, ESTABLISHED);
  if (established?.status !== 'True') {
    conditions = setCondition(
      conditions,
      names.status === 'True'
        ? { type: ESTABLISHED, status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' }
        : { type: ESTABLISHED, status: 'False', reason: 'NotAccepted', message: 'not all names are accepted' },
      now,
    );
  }
  const next: CustomResourceDefinitionStatus = { ...status, acceptedNames: names.acceptedNames, conditions };
  if (crd.metadata.deletionTimestamp !== undefined && crdCondition(crd, TERMINATING) === undefined) {
    next.conditions = setCondition(next.conditions!, terminating('InstanceDeletionPending', 'CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon'), now);
  }
  return next;
}

/** The Terminating condition with a reason and message. */
export function terminating(reason: string, message: string): Omit<CustomResourceDefinitionCondition, 'lastTransitionTime'> {
  return { type: TERMINATING, status: 'True', reason, message };
}
