/** scheduling.k8s.io/v1 PriorityClass. */
import type { SchemaSet } from '../schema-types.ts';
import { bool, int32, kindWithList, str } from './dsl.ts';

export const schedulingV1Schemas: SchemaSet = {
  ...kindWithList(
    { group: 'scheduling.k8s.io', version: 'v1', kind: 'PriorityClass' },
    'A named priority that pods take by their spec.priorityClassName.',
    {
      value: int32('The priority of pods of this class; user classes go up to 1000000000.'),
      globalDefault: bool('Whether pods without a class get this one.'),
      description: str('When to use the class.'),
      preemptionPolicy: str('`PreemptLowerPriority` (default) or `Never`. Immutable.'),
    },
    ['value'],
  ),
};
