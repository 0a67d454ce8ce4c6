/**
 * Server-side Table output (meta.k8s.io Table) for `kubectl get`: the Name column followed by
 * the strategy's columns, one row per object, each row carrying the object's metadata (or the
 * whole object with includeObject=Object, which `--sort-by` needs).
 */
import type { KubeObject, ListMeta } from '../../api/meta/types.ts';
import { badRequest } from '../errors.ts';
import type { ResourceStrategy, TableColumn } from './strategy.ts';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface Table {
  kind: 'Table';
  apiVersion: string;
  metadata: ListMeta;
  columnDefinitions?: TableColumn[];
  rows: Array<{ cells: unknown[]; object?: unknown }>;
}

const NAME_COLUMN: TableColumn = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'The name of the object, unique among objects of its kind in its namespace.',
  priority: 0,
};

/** Parses the includeObject query parameter (default Metadata). */
export function parseIncludeObject(value: string | null): IncludeObject {
  if (value === null || value === '' || value === 'Metadata') return 'Metadata';
  if (value === 'None' || value === 'Object') return value;
  throw badRequest(`includeObject must be one of None, Metadata, Object; got "${value}"`);
}

export function tableColumns(strategy: ResourceStrategy): TableColumn[] {
  return [NAME_COLUMN, ...strategy.tableColumns];
}

function rowObject(obj: KubeObject, include: IncludeObject, tableVersion: string): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${tableVersion}`, metadata: obj.metadata };
}

/** Builds a Table of `objects`; `withColumns` false omits columnDefinitions (later watch events). */
export function buildTable(
  strategy: ResourceStrategy,
  objects: readonly KubeObject[],
  listMeta: ListMeta,
  options: { include: IncludeObject; version: 'v1' | 'v1beta1'; withColumns: boolean; now: Date },
): Table {
  const table: Table = {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${options.version}`,
    metadata: listMeta,
    rows: objects.map((obj) => {
      const row: { cells: unknown[]; object?: unknown } = { cells: [obj.metadata.name ?? '', ...strategy.tableRow(obj, options.now)] };
      const object = rowObject(obj, options.include, options.version);
      if (object !== undefined) row.object = object;
      return row;
    }),
  };
  if (options.withColumns) table.columnDefinitions = tableColumns(strategy);
  return table;
}
