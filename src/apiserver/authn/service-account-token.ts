/**
 * Service account tokens: JWTs (ES256) the apiserver issues through TokenRequest
 * (`kubectl create token`) and accepts back as bearer tokens. The claims follow Kubernetes'
 * bound tokens: `sub` system:serviceaccount:<ns>:<name>, `aud`, `exp`/`iat`/`nbf`, and under
 * `kubernetes.io` the namespace, the service account (name, uid) and the pod or secret the token
 * is bound to. Verification checks signature, issuer, audience and time only; that the service
 * account (and bound object) still exist is the authenticator's check.
 */
import { createHash, createPrivateKey, createPublicKey, randomUUID, sign, verify, type KeyObject } from 'node:crypto';

/** The issuer and default audience of tokens, as kube-apiserver's defaults. */
export const TOKEN_ISSUER = 'https://kubernetes.default.svc.cluster.local';

/** An object a token is bound to: the token stops working when it is gone. */
export interface BoundObject {
  readonly kind: 'Pod' | 'Secret';
  readonly name: string;
  readonly uid: string;
}

export interface TokenSubject {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly boundObject?: BoundObject;
}

export interface TokenClaims extends TokenSubject {
  readonly audiences: readonly string[];
  /** Expiry, in seconds since the epoch. */
  readonly expiresAt: number;
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

/** Signs and verifies tokens with one key pair. */
export class ServiceAccountTokens {
  readonly #privateKey: KeyObject;
  readonly #publicKey: KeyObject;
  readonly #keyId: string;

  constructor(keys: { readonly privateKeyPem: string; readonly publicKeyPem: string }) {
    this.#privateKey = createPrivateKey(keys.privateKeyPem);
    this.#publicKey = createPublicKey(keys.publicKeyPem);
    this.#keyId = b64url(createHash('sha256').update(this.#publicKey.export({ type: 'spki', format: 'der' })).digest());
  }

  /** A signed token for `subject`, valid for `expirationSeconds` from `now`. */
  issue(subject: TokenSubject, audiences: readonly string[], expirationSeconds: number, now: Date): { token: string; expiresAt: Date } {
    const iat = Math.floor(now.getTime() / 1000);
    const exp = iat + expirationSeconds;
    const kubernetes: Record<string, unknown> = { namespace: subject.namespace, serviceaccount: { name: subject.name, uid: subject.uid } };
    if (subject.boundObject !== undefined) kubernetes[subject.boundObject.kind.toLowerCase()] = { name: subject.boundObject.name, uid: subject.boundObject.uid };
    const payload = {
      aud: [...audiences],
      exp,
      iat,
      iss: TOKEN_ISSUER,
      jti: randomUUID(),
      'kubernetes.io': kubernetes,
      nbf: iat,
      sub: serviceAccountUserName(subject.namespace, subject.name),
    };
    const signingInput = `${b64url(JSON.stringify({ alg: 'ES256', kid: this.#keyId }))}.${b64url(JSON.stringify(payload))}`;
    const signature = sign('sha256', Buffer.from(signingInput), { key: this.#privateKey, dsaEncoding: 'ieee-p1363' });
    return { token: `${signingInput}.${b64url(signature)}`, expiresAt: new Date(exp * 1000) };
  }

  /** The claims of a token this key signed, still valid at `now` and meant for `audience`; otherwise undefined. */
  verify(token: string, now: Date, audience = TOKEN_ISSUER): TokenClaims | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [header, payload, signature] = parts as [string, string, string];
    let head: unknown;
    let claims: any;
    try {
      head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    if (typeof head !== 'object' || head === null || (head as { alg?: unknown }).alg !== 'ES256') return undefined;
    const valid = verify('sha256', Buffer.from(`${header}.${payload}`), { key: this.#publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
    if (!valid || typeof claims !== 'object' || claims === null) return undefined;
    const nowSeconds = Math.floor(now.getTime() / 1000);
    if (claims.iss !== TOKEN_ISSUER || typeof claims.exp !== 'number' || claims.exp <= nowSeconds) return undefined;
    if (typeof claims.nbf === 'number' && claims.nbf > nowSeconds + 60) return undefined;
    const audiences: unknown[] = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.includes(audience)) return undefined;
    const k = claims['kubernetes.io'];
    const sa = k?.serviceaccount;
    if (typeof k?.namespace !== 'string' || typeof sa?.name !== 'string' || typeof sa?.uid !== 'string') return undefined;
    let boundObject: BoundObject | undefined;
    for (const kind of ['Pod', 'Secret'] as const) {
      const ref = k[kind.toLowerCase()];
      if (ref !== undefined) boundObject = { kind, name: String(ref?.name ?? ''), uid: String(ref?.uid ?? '') };
    }
    return {
      namespace: k.namespace,
      name: sa.name,
      uid: sa.uid,
      audiences: audiences.filter((a): a is string => typeof a === 'string'),
      expiresAt: claims.exp,
      ...(boundObject === undefined ? {} : { boundObject }),
    };
  }
}

/** The user name a service account authenticates as (what RBAC bindings of it match). */
export function serviceAccountUserName(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/** The user a service account authenticates as. */
export function serviceAccountUser(namespace: string, name: string, uid: string): { name: string; uid: string; groups: string[] } {
  return {
    name: serviceAccountUserName(namespace, name),
    uid,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
  };
}
