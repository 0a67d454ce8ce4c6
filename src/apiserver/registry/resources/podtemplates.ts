/** PodTemplates: a pod template stored on its own; it has no spec, so generation follows the template. */
import { defaultPodTemplateObject, podTemplateTableColumns, podTemplateTableRow, podTemplateType, validatePodTemplateObject } from '../../../api/core/v1/pod-template.ts';
import { deepEqual } from '../../../util/deep-equal.ts';
import { defineStrategy } from '../define-strategy.ts';
import type { ResourceStrategy } from '../strategy.ts';

export const podTemplateStrategy: ResourceStrategy = defineStrategy({
  type: podTemplateType,
  applyDefaults: defaultPodTemplateObject,
  validateCreate: validatePodTemplateObject,
  validateUpdate: validatePodTemplateObject,
  changesGeneration: (obj, old) => !deepEqual(obj.template, old.template),
  tableColumns: podTemplateTableColumns,
  tableRow: podTemplateTableRow,
});
