/**
 * ObjectMeta validation on create and update, with upstream's rules and messages: name or
 * generateName, name syntax per kind, namespace presence per scope, labels, annotations (keys
 * and a 256 KiB total), ownerReferences, finalizers, and the fields an update may not change.
 * Every check takes whatever a client sent and never throws: a value of the wrong JSON type
 * (labels that are a string, finalizers that are not a list) is one more field error. The
 * apiserver refuses such bodies before they get here (400, JSON types), but other callers
 * validate objects they did not decode.
 */
import type { FieldError, ObjectMeta, OwnerReference } from '../meta/types.ts';
import { deepEqual } from '../../util/deep-equal.ts';
import { asArray, isObject } from '../meta/shape.ts';
import { FIELD_IMMUTABLE, child, forbidden, formatValue, invalid, required, tooLong } from './field-errors.ts';
import { byteLength, isDNS1123Label, isLabelValue, isQualifiedName, type NameValidator } from './names.ts';

/** Upper bound of the summed byte length of all annotation keys and values. */
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export interface ObjectMetaRules {
  /** Whether the kind lives in namespaces (then a namespace is required; otherwise forbidden). */
  readonly namespaced: boolean;
  /** The kind's name rule (DNS-1123 subdomain for most kinds). */
  readonly nameValidator: NameValidator;
}

/** Whether an optional value is absent: undefined, or null (which decodes as unset). */
function isUnset(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}

/** Label keys must be qualified names and values label values; errors sit at `path`. */
export function validateLabels(labels: unknown, path: string): FieldError[] {
  if (isUnset(labels)) return [];
  if (!isObject(labels)) return [invalid(path, labels, 'must be a map of strings')];
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels)) {
    for (const msg of isQualifiedName(k)) errs.push(invalid(path, k, msg));
    if (typeof v !== 'string') {
      errs.push(invalid(path, v, 'label values must be strings'));
      continue;
    }
    for (const msg of isLabelValue(v)) errs.push(invalid(path, v, msg));
  }
  return errs;
}

/** Annotation keys are qualified names (case-insensitive), values strings; the total size is capped. */
export function validateAnnotations(annotations: unknown, path: string): FieldError[] {
  if (isUnset(annotations)) return [];
  if (!isObject(annotations)) return [invalid(path, annotations, 'must be a map of strings')];
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(invalid(path, k, msg));
    if (typeof v === 'string') total += byteLength(k) + byteLength(v);
    else errs.push(invalid(path, v, 'annotation values must be strings'));
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

function validateOwnerReference(ref: OwnerReference, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const apiVersion = typeof ref.apiVersion === 'string' ? ref.apiVersion : '';
  const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
  if (version === '') errs.push(invalid(child(path, 'apiVersion'), ref.apiVersion ?? '', 'version must not be empty'));
  if (!ref.kind) errs.push(invalid(child(path, 'kind'), ref.kind ?? '', 'must not be empty'));
  if (!ref.name) errs.push(invalid(child(path, 'name'), ref.name ?? '', 'must not be empty'));
  if (!ref.uid) errs.push(invalid(child(path, 'uid'), ref.uid ?? '', 'must not be empty'));
  if (apiVersion === 'v1' && ref.kind === 'Event') {
    errs.push(invalid(path, ref, '/v1, Kind=Event is disallowed from being an owner'));
  }
  return errs;
}

/** Each reference is complete, and at most one is the controller. */
export function validateOwnerReferences(refs: unknown, path: string): FieldError[] {
  if (isUnset(refs)) return [];
  if (!Array.isArray(refs)) return [invalid(path, refs, 'must be a list of objects')];
  const errs: FieldError[] = [];
  let controller = '';
  for (const ref of refs as unknown[]) {
    if (!isObject(ref)) {
      errs.push(invalid(path, ref, 'must be an object'));
      continue;
    }
    errs.push(...validateOwnerReference(ref as OwnerReference, path));
    if (ref.controller === true) {
      const current = `${ref.kind}/${ref.name}`;
      if (controller !== '') {
        errs.push(
          invalid(path, refs, `Only one reference can have Controller set to true. Found "true" in references for ${controller} and ${current}`),
        );
      } else {
        controller = current;
      }
    }
  }
  return errs;
}

/** Finalizers are qualified names; `orphan` and `foregroundDeletion` exclude each other. */
export function validateFinalizers(finalizers: unknown, path: string): FieldError[] {
  if (isUnset(finalizers)) return [];
  if (!Array.isArray(finalizers)) return [invalid(path, finalizers, 'must be a list of strings')];
  const errs: FieldError[] = [];
  for (const f of finalizers as unknown[]) {
    if (typeof f !== 'string') {
      errs.push(invalid(path, f, 'finalizers must be strings'));
      continue;
    }
    for (const msg of isQualifiedName(f)) errs.push(invalid(path, f, msg));
  }
  if (finalizers.includes('orphan') && finalizers.includes('foregroundDeletion')) {
    errs.push(invalid(path, finalizers, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

function validateCommon(meta: ObjectMeta, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const ns = meta.namespace ?? '';
  if (namespaced) {
    if (ns === '') errs.push(required('metadata.namespace'));
    else for (const msg of isDNS1123Label(ns)) errs.push(invalid('metadata.namespace', ns, msg));
  } else if (ns !== '') {
    errs.push(forbidden('metadata.namespace', 'not allowed on this type'));
  }
  if (typeof meta.generation === 'number' && meta.generation < 0) {
    errs.push(invalid('metadata.generation', meta.generation, 'must be greater than or equal to 0'));
  }
  errs.push(...validateLabels(meta.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(meta.annotations, 'metadata.annotations'));
  errs.push(...validateOwnerReferences(meta.ownerReferences, 'metadata.ownerReferences'));
  errs.push(...validateFinalizers(meta.finalizers, 'metadata.finalizers'));
  return errs;
}

/**
 * Validates the metadata of a new object (after any generateName was expanded into a name).
 */
export function validateObjectMeta(meta: ObjectMeta, rules: ObjectMetaRules): FieldError[] {
  const errs: FieldError[] = [];
  if (!isUnset(meta.generateName) && meta.generateName !== '') {
    for (const msg of rules.nameValidator(meta.generateName, true)) errs.push(invalid('metadata.generateName', meta.generateName, msg));
  }
  if (isUnset(meta.name) || meta.name === '') {
    errs.push(required('metadata.name', 'name or generateName is required'));
  } else {
    for (const msg of rules.nameValidator(meta.name, false)) errs.push(invalid('metadata.name', meta.name, msg));
  }
  errs.push(...validateCommon(meta, rules.namespaced));
  return errs;
}

function immutable(field: string, next: unknown, old: unknown): FieldError[] {
  return deepEqual(next ?? null, old ?? null) ? [] : [invalid(field, next ?? null, FIELD_IMMUTABLE)];
}

/**
 * Validates the metadata of an update: identity fields stay, generation never goes back, no
 * finalizer may be added once deletion started, and the mutable parts are well formed.
 */
export function validateObjectMetaUpdate(next: ObjectMeta, old: ObjectMeta): FieldError[] {
  const errs: FieldError[] = [];
  if (old.deletionTimestamp !== undefined) {
    const oldFinalizers = asArray(old.finalizers);
    const added = [...new Set(asArray(next.finalizers).filter((f) => !oldFinalizers.includes(f)))].map(String).sort();
    if (added.length > 0) {
      errs.push(
        forbidden(
          'metadata.finalizers',
          `no new finalizers can be added if the object is being deleted, found new finalizers ${formatValue(added)}`,
        ),
      );
    }
  }
  if ((next.generation ?? 0) < (old.generation ?? 0)) {
    errs.push(invalid('metadata.generation', next.generation ?? 0, 'must not be decremented'));
  }
  errs.push(...immutable('metadata.name', next.name, old.name));
  errs.push(...immutable('metadata.namespace', next.namespace, old.namespace));
  errs.push(...immutable('metadata.uid', next.uid, old.uid));
  errs.push(...immutable('metadata.creationTimestamp', next.creationTimestamp, old.creationTimestamp));
  errs.push(...immutable('metadata.deletionTimestamp', next.deletionTimestamp, old.deletionTimestamp));
  errs.push(...immutable('metadata.deletionGracePeriodSeconds', next.deletionGracePeriodSeconds, old.deletionGracePeriodSeconds));
  errs.push(...validateLabels(next.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(next.annotations, 'metadata.annotations'));
  errs.push(...validateOwnerReferences(next.ownerReferences, 'metadata.ownerReferences'));
  errs.push(...validateFinalizers(next.finalizers, 'metadata.finalizers'));
  return errs;
}
