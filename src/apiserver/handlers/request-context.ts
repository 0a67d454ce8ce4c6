/** What every handler receives about the request being served. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { UserInfo } from '../authn/authenticator.ts';
import type { KubeletClientConfig } from '../kubelet-connection.ts';
import type { ApiRegistry } from '../registry/api-registry.ts';
import { badRequest } from '../errors.ts';

export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly user: UserInfo;
  readonly registry: ApiRegistry;
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
