/**
 * Query parameters of list and watch requests, parsed and validated with upstream's rules and
 * messages (resourceVersion, resourceVersionMatch, continue, limit, selectors, timeoutSeconds).
 */
import { badRequest, invalid } from '../errors.ts';

export type ResourceVersionMatch = '' | 'NotOlderThan' | 'Exact';

export interface ListOptions {
  /** undefined = unset (most recent, consistent); 0 = any; N = not older than N (or exactly N). */
  readonly resourceVersion: number | undefined;
  readonly resourceVersionMatch: ResourceVersionMatch;
  readonly limit: number;
  readonly continueToken: string;
  readonly labelSelector: string;
  readonly fieldSelector: string;
  readonly watch: boolean;
  readonly allowWatchBookmarks: boolean;
  /** Watch duration limit in seconds (undefined = the server's own). */
  readonly timeoutSeconds: number | undefined;
  readonly sendInitialEvents: boolean | undefined;
}

/** Parses a resourceVersion query value: '' → undefined; non-numeric → 400. */
export function parseResourceVersion(value: string | null): number | undefined {
  if (value === null || value === '') return undefined;
  if (!/^\d+$/.test(value)) throw badRequest(`invalid resource version: "${value}"`);
  return Number(value);
}

function flag(value: string | null): boolean {
  return value === 'true' || value === '1' || value === '';
}

function nonNegativeInt(q: URLSearchParams, name: string): number | undefined {
  const raw = q.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw)) throw badRequest(`invalid ${name} parameter: "${raw}" is not an integer`);
  const n = Number(raw);
  if (n < 0) throw badRequest(`invalid ${name} parameter: must be non-negative`);
  return n;
}

/**
 * `isWatch`: whether the request is a watch, which its path may say (`/api/v1/watch/…`);
 * by default its `watch` parameter says.
 */
export function parseListOptions(q: URLSearchParams, isWatch?: boolean): ListOptions {
  const resourceVersion = parseResourceVersion(q.get('resourceVersion'));
  const rvmRaw = q.get('resourceVersionMatch') ?? '';
  const continueToken = q.get('continue') ?? '';
  const watchRaw = q.get('watch');
  const watch = isWatch ?? (watchRaw !== null && flag(watchRaw));
  const sendInitialRaw = q.get('sendInitialEvents');
  const sendInitialEvents = sendInitialRaw === null ? undefined : flag(sendInitialRaw);
  const errors = [];

  if (rvmRaw !== '' && rvmRaw !== 'NotOlderThan' && rvmRaw !== 'Exact') {
    errors.push({
      type: 'FieldValueNotSupported' as const,
      field: 'resourceVersionMatch',
      value: rvmRaw,
      detail: 'supported values: "Exact", "NotOlderThan", ""',
    });
  }
  if (rvmRaw !== '' && !watch) {
    if (q.get('resourceVersion') === null || q.get('resourceVersion') === '') {
      errors.push({ type: 'FieldValueForbidden' as const, field: 'resourceVersionMatch', detail: 'resourceVersionMatch is forbidden unless resourceVersion is provided' });
    }
    if (continueToken !== '') {
      errors.push({ type: 'FieldValueForbidden' as const, field: 'resourceVersionMatch', detail: 'resourceVersionMatch is forbidden when continue is provided' });
    }
    if (rvmRaw === 'Exact' && resourceVersion === 0) {
      errors.push({ type: 'FieldValueForbidden' as const, field: 'resourceVersionMatch', detail: 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"' });
    }
  }
  if (watch && rvmRaw !== '' && sendInitialEvents === undefined) {
    errors.push({ type: 'FieldValueForbidden' as const, field: 'resourceVersionMatch', detail: 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided' });
  }
  if (sendInitialEvents !== undefined && !watch) {
    errors.push({ type: 'FieldValueForbidden' as const, field: 'sendInitialEvents', detail: 'sendInitialEvents is forbidden for list' });
  }
  if (watch && sendInitialEvents !== undefined && rvmRaw !== 'NotOlderThan') {
    errors.push({ type: 'FieldValueForbidden' as const, field: 'resourceVersionMatch', detail: 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan' });
  }
  if (errors.length > 0) throw invalid('meta.k8s.io', 'ListOptions', '', errors);

  if (continueToken !== '' && resourceVersion !== undefined && resourceVersion !== 0) {
    throw badRequest('specifying resource version is not allowed when using continue');
  }
  const allowWatchBookmarksRaw = q.get('allowWatchBookmarks');
  return {
    resourceVersion,
    resourceVersionMatch: rvmRaw as ResourceVersionMatch,
    limit: nonNegativeInt(q, 'limit') ?? 0,
    continueToken,
    labelSelector: q.get('labelSelector') ?? '',
    fieldSelector: q.get('fieldSelector') ?? '',
    watch,
    allowWatchBookmarks: allowWatchBookmarksRaw !== null && flag(allowWatchBookmarksRaw),
    timeoutSeconds: nonNegativeInt(q, 'timeoutSeconds'),
    sendInitialEvents,
  };
}
