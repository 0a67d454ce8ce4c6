/** What every handler receives about the request being served. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { UserInfo } from '../authn/authenticator.ts';
import type { ServiceAccountTokens } from '../authn/service-account-token.ts';
import type { ApiRegistry } from '../registry/api-registry.ts';
import { badRequest } from '../errors.ts';

export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly user: UserInfo;
  readonly registry: ApiRegistry;
  /** Issues service account tokens (serviceaccounts/token); undefined when the server has no signing key. */
  readonly serviceAccountTokens?: ServiceAccountTokens | undefined;
}

/** Parses `dryRun` (query, or the array in a DeleteOptions body): only `All` is valid. */
export function parseDryRun(values: readonly unknown[]): boolean {
  for (const v of values) {
    if (v !== 'All') throw badRequest(`invalid dry run value: ${JSON.stringify(v)}; the only supported value is "All"`);
  }
  return values.length > 0;
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** Parses `fieldValidation` (default Warn, as upstream's server default). */
export function parseFieldValidation(q: URLSearchParams): FieldValidation {
  const v = q.get('fieldValidation');
  if (v === null || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation must be one of "Ignore", "Warn" or "Strict", got "${v}"`);
}
