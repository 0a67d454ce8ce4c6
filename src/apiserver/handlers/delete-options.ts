/**
 * DeleteOptions arrive in the body (kubectl; JSON, or protobuf from its typed clients, e.g.
 * `kubectl drain`; YAML is accepted too) or as query parameters (client-node, curl); both are
 * accepted, the body winning. dryRun in the body matters: kubectl's `--dry-run=server` sends it
 * only there.
 */
import type { IncomingMessage } from 'node:http';
import { badRequest } from '../errors.ts';
import type { DeleteOptions } from '../registry/generic-store.ts';
import { readBody } from '../http/request-body.ts';
import { decodeObjectBody } from '../http/object-body.ts';
import { parseDryRun } from './request-context.ts';

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

export interface ParsedDeleteOptions extends DeleteOptions {
  readonly propagationPolicy: PropagationPolicy | undefined;
}

function optionalInt(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw badRequest(`${name} must be an integer, got ${JSON.stringify(value)}`);
  if (n < 0) throw badRequest(`${name} must be non-negative, got ${n}`);
  return n;
}

/** The policy the deprecated `orphanDependents` stands for. */
function orphanPolicy(orphan: unknown): PropagationPolicy | undefined {
  if (orphan === undefined) return undefined;
  if (orphan === true || orphan === 'true') return 'Orphan';
  if (orphan === false || orphan === 'false') return 'Background';
  throw badRequest(`orphanDependents must be true or false, got ${JSON.stringify(orphan)}`);
}

export async function readDeleteOptions(req: IncomingMessage, q: URLSearchParams): Promise<ParsedDeleteOptions> {
  const body = await readBody(req);
  let opts: Record<string, unknown> = {};
  if (body.length > 0) opts = (await decodeObjectBody(req, body, 'DeleteOptions')).obj;
  return parseDeleteOptions(opts, q);
}

/**
 * DeleteOptions from a decoded object (a DELETE's body, or the `deleteOptions` of an Eviction)
 * and the query parameters, the object winning.
 * @throws ApiError 400 for malformed options
 */
export function parseDeleteOptions(opts: Record<string, unknown>, q: URLSearchParams): ParsedDeleteOptions {
  const kind = opts['kind'];
  if (kind !== undefined && kind !== 'DeleteOptions') throw badRequest(`expected a DeleteOptions body, got kind ${JSON.stringify(kind)}`);

  const explicitPolicy = opts['propagationPolicy'] ?? q.get('propagationPolicy') ?? undefined;
  const orphan = opts['orphanDependents'] ?? q.get('orphanDependents') ?? undefined;
  if (explicitPolicy !== undefined && orphan !== undefined) throw badRequest('orphanDependents and propagationPolicy cannot both be set; use propagationPolicy');
  const policy = explicitPolicy ?? orphanPolicy(orphan);
  if (policy !== undefined && policy !== 'Background' && policy !== 'Foreground' && policy !== 'Orphan') {
    throw badRequest(`propagationPolicy must be one of "Background", "Foreground", "Orphan", got ${JSON.stringify(policy)}`);
  }
  const dryRunBody = opts['dryRun'];
  if (dryRunBody !== undefined && !Array.isArray(dryRunBody)) throw badRequest('dryRun must be a list');
  const dryRun = parseDryRun([...(dryRunBody ?? []), ...q.getAll('dryRun')]);
  const pre = opts['preconditions'];
  if (pre !== undefined && (typeof pre !== 'object' || pre === null)) throw badRequest('preconditions must be an object');
  const preconditions: { uid?: string; resourceVersion?: string } | undefined = pre;
  return {
    dryRun,
    gracePeriodSeconds: optionalInt(opts['gracePeriodSeconds'] ?? q.get('gracePeriodSeconds') ?? undefined, 'gracePeriodSeconds'),
    preconditions,
    propagationPolicy: policy,
  };
}
