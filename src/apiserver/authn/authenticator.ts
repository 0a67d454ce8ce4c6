/**
 * Authentication: who is making the request. Client certificates signed by the cluster CA
 * (CN → user, O → groups) and bearer tokens from a static token file. Anonymous requests get
 * no user; the server lets them reach only the public paths (/version and health checks).
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { TokenFile } from './token-file.ts';

/** The authenticated identity of a request. */
export interface UserInfo {
  readonly name: string;
  readonly uid?: string;
  readonly groups: readonly string[];
}

/** Everyone authenticated gets this group, as in Kubernetes. */
const AUTHENTICATED_GROUP = 'system:authenticated';

export interface Authenticator {
  /** The user, or undefined when the request carries no valid credentials. */
  authenticate(req: IncomingMessage): UserInfo | undefined;
}

/** Reads the verified client certificate of the TLS connection. */
function fromClientCertificate(req: IncomingMessage): UserInfo | undefined {
  const socket = req.socket as TLSSocket;
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

/** Client certificate first, then `Authorization: Bearer <token>` against the token file. */
export function createAuthenticator(tokens: TokenFile | undefined): Authenticator {
  return {
    authenticate(req) {
      const header = req.headers.authorization;
      if (header !== undefined) {
        const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
        if (match === null || tokens === undefined) return undefined;
        const entry = tokens.lookup(match[1]!);
        if (entry === undefined) return undefined;
        return { name: entry.name, uid: entry.uid, groups: [...entry.groups, AUTHENTICATED_GROUP] };
      }
      return fromClientCertificate(req);
    },
  };
}
