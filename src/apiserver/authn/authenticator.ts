/**
 * Authentication: who is making the request. Client certificates signed by the cluster CA
 * (CN → user, O → groups), bearer tokens from a static token file, and service account tokens
 * the server issued (while their service account, and the object they are bound to, exist).
 * Anonymous requests get no user; the server lets them reach only the public paths (/version
 * and health checks).
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { serviceAccountUser, type ServiceAccountTokens, type TokenClaims } from './service-account-token.ts';
import type { TokenFile } from './token-file.ts';

/** The authenticated identity of a request. */
export interface UserInfo {
  readonly name: string;
  readonly uid?: string;
  readonly groups: readonly string[];
  /** Further attributes (only impersonation sets them: `Impersonate-Extra-<key>`). */
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/** Everyone authenticated gets this group, as in Kubernetes. */
const AUTHENTICATED_GROUP = 'system:authenticated';

export interface Authenticator {
  /** The user, or undefined when the request carries no valid credentials. */
  authenticate(req: IncomingMessage): Promise<UserInfo | undefined>;
}

/** Service account tokens: how to verify them, and whether what they name still exists. */
export interface ServiceAccountTokenAuth {
  readonly tokens: ServiceAccountTokens;
  /** True when the service account (with the token's uid) and any bound object still exist. */
  stillValid(claims: TokenClaims): Promise<boolean>;
}

/**
 * The identity of each connection's client certificate, read once per connection: the
 * certificate cannot change on a connection (the server refuses TLS renegotiation), and
 * reading it costs more than the rest of a small GET.
 */
const certificateUsers = new WeakMap<TLSSocket, UserInfo | null>();

function fromClientCertificate(req: IncomingMessage): UserInfo | undefined {
  const socket = req.socket as TLSSocket;
  let user = certificateUsers.get(socket);
  if (user === undefined) {
    user = readClientCertificate(socket) ?? null;
    certificateUsers.set(socket, user);
  }
  return user ?? undefined;
}

/** Reads the verified client certificate of the TLS connection. */
function readClientCertificate(socket: TLSSocket): UserInfo | undefined {
  if (!socket.authorized) return undefined;
  const cert = socket.getPeerCertificate();
  if (cert === null || Object.keys(cert).length === 0) return undefined;
  const subject = cert.subject as unknown as Record<string, string | string[] | undefined>;
  const cn = subject['CN'];
  const name = Array.isArray(cn) ? cn[0] : cn;
  if (name === undefined || name === '') return undefined;
  const o = subject['O'];
  const orgs = o === undefined ? [] : Array.isArray(o) ? o : [o];
  return { name, groups: [...orgs, AUTHENTICATED_GROUP] };
}

/**
 * `Authorization: Bearer <token>` when present (the token file, then service account tokens),
 * else the client certificate.
 */
export function createAuthenticator(tokens: TokenFile | undefined, serviceAccounts?: ServiceAccountTokenAuth): Authenticator {
  return {
    async authenticate(req) {
      const header = req.headers.authorization;
      if (header === undefined) return fromClientCertificate(req);
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (match === null) return undefined;
      const token = match[1]!;
      const entry = tokens?.lookup(token);
      if (entry !== undefined) return { name: entry.name, uid: entry.uid, groups: [...entry.groups, AUTHENTICATED_GROUP] };
      const claims = serviceAccounts?.tokens.verify(token, new Date());
      if (claims === undefined || !(await serviceAccounts!.stillValid(claims))) return undefined;
      return serviceAccountUser(claims.namespace, claims.name, claims.uid);
    },
  };
}
