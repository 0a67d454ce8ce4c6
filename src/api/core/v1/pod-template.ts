/**
 * PodTemplates (core/v1): a stored pod template, as other objects embed one. Its template is
 * defaulted and validated like a workload's; CONTAINERS / IMAGES / POD LABELS columns.
 */
import { isObject } from '../../meta/shape.ts';
import { column, type TableColumnSpec } from '../../meta/table.ts';
import type { FieldError, KubeObject } from '../../meta/types.ts';
import type { ResourceType } from '../../resource-type.ts';
import { formatLabels } from '../../labels/index.ts';
import { containerCells } from '../../apps/v1/workload.ts';
import { defaultPodTemplate } from './pod-spec-defaults.ts';
import { validatePodTemplate } from './pod-spec-validation.ts';

export const podTemplateType: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'PodTemplate',
  resource: 'podtemplates',
  singular: 'podtemplate',
  listKind: 'PodTemplateList',
  namespaced: true,
  shortNames: [],
  categories: [],
};

export function defaultPodTemplateObject(obj: KubeObject): void {
  defaultPodTemplate(obj.template);
}

export function validatePodTemplateObject(obj: KubeObject): FieldError[] {
  return validatePodTemplate(obj.template, 'template');
}

export const podTemplateTableColumns: readonly TableColumnSpec[] = [
  column('Containers', 'string', 'Names of each container in the template.'),
  column('Images', 'string', 'Images referenced by each container in the template.'),
  column('Pod Labels', 'string', 'The labels of the pod template.'),
];

export function podTemplateTableRow(obj: KubeObject): unknown[] {
  const [names, images] = containerCells(obj);
  const template = isObject(obj.template) ? obj.template : {};
  const meta = isObject(template.metadata) ? template.metadata : {};
  return [names, images, formatLabels(isObject(meta.labels) ? meta.labels : {})];
}
