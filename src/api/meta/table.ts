/**
 * Column definitions for server-side Tables (`kubectl get`), in the shape of meta.k8s.io/v1
 * TableColumnDefinition. Each kind's module declares its columns and computes its row cells.
 */

export interface TableColumnSpec {
  readonly name: string;
  /** OpenAPI type: `string`, `integer`, `number`, `boolean`, `date`. */
  readonly type: string;
  readonly format?: string;
  readonly description?: string;
  /** 0 = shown by default; 1 = shown only with `-o wide`. */
  readonly priority: number;
}

/** A column shown by default. */
export function column(name: string, type: string, description: string): TableColumnSpec {
  return { name, type, description, priority: 0 };
}

/** A column shown only with `-o wide`. */
export function wideColumn(name: string, type: string, description: string): TableColumnSpec {
  return { name, type, description, priority: 1 };
}

/** The Age column every kind ends its default columns with. */
export const AGE_COLUMN: TableColumnSpec = column(
  'Age',
  'string',
  'Time since the object was created (from metadata.creationTimestamp).',
);

/** The Containers, Images and Selector columns workloads show with `-o wide`. */
export const CONTAINERS_COLUMN = wideColumn('Containers', 'string', 'Names of each container in the template.');
export const IMAGES_COLUMN = wideColumn('Images', 'string', 'Images referenced by each container in the template.');
export const SELECTOR_COLUMN = wideColumn('Selector', 'string', 'The label selector of the pods this object manages.');
