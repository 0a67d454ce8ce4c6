/**
 * DeleteOptions arrive in the body (kubectl) or as query parameters (client-node, curl); both
 * are accepted, the body winning. dryRun in the body matters: kubectl's `--dry-run=server`
 * sends it only there.
 */
import type { IncomingMessage } from 'node:http';
import { badRequest } from '../errors.ts';
import type { DeleteOptions } from '../registry/generic-store.ts';
import { mediaType, parseJsonObject, readBody } from '../http/request-body.ts';
import { unsupportedMediaType } from '../errors.ts';
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

export async function readDeleteOptions(req: IncomingMessage, q: URLSearchParams): Promise<ParsedDeleteOptions> {
  const body = await readBody(req);
  let opts: Record<string, unknown> = {};
  if (body.length > 0) {
    const type = mediaType(req);
    if (type !== '' && type !== 'application/json' && type !== '*/*') {
      throw unsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: application/json`);
    }
    opts = parseJsonObject(body, 'DeleteOptions');
  }
  const kind = opts['kind'];
  if (kind !== undefined && kind !== 'DeleteOptions') throw badRequest(`expected a DeleteOptions body, got kind ${JSON.stringify(kind)}`);

  const policy = opts['propagationPolicy'] ?? q.get('propagationPolicy') ?? undefined;
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
