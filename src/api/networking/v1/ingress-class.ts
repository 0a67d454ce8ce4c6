/**
 * IngressClasses (networking.k8s.io/v1, cluster-scoped): the controller that implements a class
 * of ingresses, and its parameters. The controller is required and immutable.
 */
import { translateTimestampSince } from '../../meta/age.ts';
import { isObject, str } from '../../meta/shape.ts';
import { AGE_COLUMN, column, type TableColumnSpec } from '../../meta/table.ts';
import type { FieldError, KubeObject } from '../../meta/types.ts';
import type { ResourceType } from '../../resource-type.ts';
import { FIELD_IMMUTABLE, invalid, notSupported, required, tooLong } from '../../validation/field-errors.ts';
import { isDNS1123Subdomain } from '../../validation/names.ts';

export const ingressClassType: ResourceType = {
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'IngressClass',
  resource: 'ingressclasses',
  singular: 'ingressclass',
  listKind: 'IngressClassList',
  namespaced: false,
  shortNames: [],
  categories: [],
};

const MAX_CONTROLLER_LENGTH = 250;
const SCOPES = ['Cluster', 'Namespace'];

/** `acme.io/ingress-controller`: a domain-prefixed path. */
function validateController(controller: string): FieldError[] {
  const path = 'spec.controller';
  if (controller === '') return [required(path)];
  if (controller.length > MAX_CONTROLLER_LENGTH) return [tooLong(path, MAX_CONTROLLER_LENGTH)];
  const slash = controller.indexOf('/');
  const domain = slash < 0 ? '' : controller.slice(0, slash);
  if (slash <= 0 || slash === controller.length - 1) return [invalid(path, controller, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  return isDNS1123Subdomain(domain).map((m) => invalid(path, controller, m));
}

export function validateIngressClass(obj: KubeObject): FieldError[] {
  const spec = isObject(obj.spec) ? obj.spec : {};
  const errs = validateController(str(spec.controller));
  const params: unknown = spec.parameters;
  if (isObject(params)) {
    if (str(params.kind) === '') errs.push(required('spec.parameters.kind'));
    if (str(params.name) === '') errs.push(required('spec.parameters.name'));
    if (typeof params.apiGroup === 'string' && params.apiGroup !== '') {
      errs.push(...isDNS1123Subdomain(params.apiGroup).map((m) => invalid('spec.parameters.apiGroup', params.apiGroup, m)));
    }
    const scope: unknown = params.scope;
    if (scope === undefined || scope === null) {
      if (params.namespace !== undefined && params.namespace !== null) errs.push(required('spec.parameters.scope', '`scope` must be set when `namespace` is set'));
    } else if (typeof scope !== 'string' || !SCOPES.includes(scope)) {
      errs.push(notSupported('spec.parameters.scope', scope, SCOPES));
    } else if (scope === 'Namespace' && str(params.namespace) === '') {
      errs.push(required('spec.parameters.namespace', '`parameters.scope` is set to "Namespace"'));
    } else if (scope === 'Cluster' && params.namespace !== undefined && params.namespace !== null) {
      errs.push(invalid('spec.parameters.namespace', params.namespace, '`namespace` is not allowed when `scope` is "Cluster"'));
    }
  }
  return errs;
}

export function validateIngressClassUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateIngressClass(obj);
  const controller = isObject(obj.spec) ? str(obj.spec.controller) : '';
  const oldController = isObject(old.spec) ? str(old.spec.controller) : '';
  if (controller !== oldController) errs.push(invalid('spec.controller', controller, FIELD_IMMUTABLE));
  return errs;
}

export const ingressClassTableColumns: readonly TableColumnSpec[] = [
  column('Controller', 'string', 'Controller that is responsible for handling this class.'),
  column('Parameters', 'string', 'A reference to a resource with additional parameters.'),
  AGE_COLUMN,
];

export function ingressClassTableRow(obj: KubeObject, now: Date): unknown[] {
  const spec = isObject(obj.spec) ? obj.spec : {};
  const params: unknown = spec.parameters;
  let parameters = '<none>';
  if (isObject(params)) {
    parameters = `${str(params.kind)}/${str(params.name)}`;
    if (typeof params.apiGroup === 'string') parameters = `${params.apiGroup}/${parameters}`;
  }
  return [str(spec.controller), parameters, translateTimestampSince(obj.metadata.creationTimestamp, now)];
}

