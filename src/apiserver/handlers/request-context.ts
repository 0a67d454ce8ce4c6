/** What every handler receives about the request being served. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { UserInfo } from '../authn/authenticator.ts';
import type { ServiceAccountTokens } from '../authn/service-account-token.ts';
import type { KubeletClientConfig } from '../kubelet-connection.ts';
import type { ApiRegistry } from '../registry/api-registry.ts';
import { badRequest, invalid } from '../errors.ts';

export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly user: UserInfo;
  readonly registry: ApiRegistry;
  /** Issues service account tokens (serviceaccounts/token); undefined when the server has no signing key. */
  readonly serviceAccountTokens?: ServiceAccountTokens | undefined;
  /**
   * Set for connection-upgrade requests (WebSocket, SPDY): the raw connection and the bytes read
   * past the request head. A handler that takes the connection over detaches it from `res`;
   * otherwise `res` answers on it as usual and the connection is closed afterwards.
   */
  readonly upgrade?: { readonly socket: Duplex; readonly head: Buffer };
  /** How to reach kubelets (pods/log, exec, attach, portforward); undefined when not configured. */
  readonly kubelet?: KubeletClientConfig;
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

/** Upstream's limit on a field manager name. */
export const FIELD_MANAGER_MAX_LENGTH = 128;

/** The options kind named in errors about a write's query parameters. */
export type WriteOptionsKind = 'CreateOptions' | 'UpdateOptions' | 'PatchOptions';

/**
 * The manager a write is recorded under: the `fieldManager` parameter, or else the client's
 * User-Agent up to its first `/` (`kubectl/v1.32.4 (linux/amd64) …` → `kubectl`), as
 * upstream derives it. A name longer than 128 characters or with unprintable characters is
 * 422, and so is a missing one when `required` (apply patches).
 */
export function fieldManagerOf(req: IncomingMessage, q: URLSearchParams, kind: WriteOptionsKind, required = false): string {
  const given = q.get('fieldManager') ?? '';
  if (given === '' && required) {
    throw invalid('meta.k8s.io', kind, '', [{ type: 'FieldValueRequired', field: 'fieldManager', detail: 'is required for apply patch' }]);
  }
  if (given.length > FIELD_MANAGER_MAX_LENGTH) {
    throw invalid('meta.k8s.io', kind, '', [{ type: 'FieldValueTooLong', field: 'fieldManager', detail: `may not be more than ${FIELD_MANAGER_MAX_LENGTH} bytes` }]);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(given)) {
    throw invalid('meta.k8s.io', kind, '', [{ type: 'FieldValueInvalid', field: 'fieldManager', value: given, detail: 'must only contain printable characters' }]);
  }
  if (given !== '') return given;
  const agent = req.headers['user-agent'] ?? '';
  return agent.split('/')[0]!.slice(0, FIELD_MANAGER_MAX_LENGTH);
}

/** `force` is for apply patches only (422 on any other write, as upstream). */
export function parseForce(q: URLSearchParams, apply: boolean): boolean {
  const value = q.get('force');
  if (value === null) return false;
  if (!apply) throw invalid('meta.k8s.io', 'PatchOptions', '', [{ type: 'FieldValueForbidden', field: 'force', detail: 'may not be specified for non-apply patch' }]);
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0' || value === '') return false;
  throw badRequest(`force must be a boolean, got "${value}"`);
}
