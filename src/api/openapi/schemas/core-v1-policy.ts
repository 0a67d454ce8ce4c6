/** core/v1 namespace policies: ResourceQuota and LimitRange. */
import type { SchemaSet } from '../schema-types.ts';
import { apiPrefix, atomicList, kindWithList, obj, ref, resourceList, str, strings } from './dsl.ts';

const core = apiPrefix('', 'v1');

export const coreV1PolicySchemas: SchemaSet = {
  ...kindWithList({ group: '', version: 'v1', kind: 'ResourceQuota' }, 'Limits on the total resources of a namespace.', {
    spec: ref(`${core}ResourceQuotaSpec`, 'The limits.'),
    status: ref(`${core}ResourceQuotaStatus`, 'The limits and what is used.'),
  }),
  [`${core}ResourceQuotaSpec`]: obj('The limits of a quota.', {
    hard: resourceList('The most of each resource the namespace may use.'),
    scopes: strings('Scopes the quota applies to, such as `BestEffort`.'),
    scopeSelector: ref(`${core}ScopeSelector`, 'Scopes the quota applies to, as expressions.'),
  }),
  [`${core}ScopeSelector`]: obj(
    'Scope expressions, all of which must match.',
    { matchExpressions: atomicList(ref(`${core}ScopedResourceSelectorRequirement`), 'The expressions.') },
    { mapType: 'atomic' },
  ),
  [`${core}ScopedResourceSelectorRequirement`]: obj(
    'A scope and its values.',
    {
      scopeName: str('The scope, such as `PriorityClass`.'),
      operator: str('`In`, `NotIn`, `Exists` or `DoesNotExist`.'),
      values: strings('Values for In and NotIn.'),
    },
    { required: ['scopeName', 'operator'] },
  ),
  [`${core}ResourceQuotaStatus`]: obj('The limits of a quota and what is used.', {
    hard: resourceList('The enforced limits.'),
    used: resourceList('What the namespace uses now.'),
  }),

  ...kindWithList({ group: '', version: 'v1', kind: 'LimitRange' }, 'Bounds and defaults for the resources of containers, pods and claims of a namespace.', {
    spec: ref(`${core}LimitRangeSpec`, 'The bounds.'),
  }),
  [`${core}LimitRangeSpec`]: obj(
    'The bounds of a limit range.',
    { limits: atomicList(ref(`${core}LimitRangeItem`), 'One item per kind of object bounded.') },
    { required: ['limits'] },
  ),
  [`${core}LimitRangeItem`]: obj(
    'The bounds of one kind of object.',
    {
      type: str('`Container`, `Pod` or `PersistentVolumeClaim`.'),
      max: resourceList('Highest amounts.'),
      min: resourceList('Lowest amounts.'),
      default: resourceList('Limits of containers that give none.'),
      defaultRequest: resourceList('Requests of containers that give none.'),
      maxLimitRequestRatio: resourceList('Highest ratio of limit to request.'),
    },
    { required: ['type'] },
  ),
};
