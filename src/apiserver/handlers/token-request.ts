/**
 * `POST …/serviceaccounts/<name>/token` (TokenRequest, `kubectl create token`): a signed token
 * for an existing service account, for the audiences asked (the apiserver by default), valid
 * for `expirationSeconds` (an hour by default, at least ten minutes), optionally bound to a pod
 * or secret so that deleting it revokes the token.
 */
import { isObject, str, type JsonObject } from '../../api/meta/shape.ts';
import type { FieldError } from '../../api/meta/types.ts';
import { invalid as invalidField, notSupported, required } from '../../api/validation/field-errors.ts';
import { TOKEN_ISSUER, type BoundObject, type ServiceAccountTokens } from '../authn/service-account-token.ts';
import { ApiError, badRequest, conflict, invalid, methodNotAllowed } from '../errors.ts';
import { formatTimestamp, type GenericStore } from '../registry/generic-store.ts';
import { writeJson } from '../http/respond.ts';
import type { ResourceRequestInfo } from '../request-info.ts';
import type { RequestContext } from './request-context.ts';
import { readObjectBody } from './resource.ts';

const GROUP = 'authentication.k8s.io';
const API_VERSION = `${GROUP}/v1`;
const DEFAULT_EXPIRATION_SECONDS = 3600;
const MIN_EXPIRATION_SECONDS = 600;
const MAX_EXPIRATION_SECONDS = 2 ** 32;

function validateSpec(spec: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  const seconds: unknown = spec.expirationSeconds;
  if (typeof seconds !== 'number' || !Number.isInteger(seconds)) errs.push(invalidField('spec.expirationSeconds', seconds, 'must be an integer'));
  else if (seconds < MIN_EXPIRATION_SECONDS) errs.push(invalidField('spec.expirationSeconds', seconds, 'may not specify a duration less than 10 minutes'));
  else if (seconds > MAX_EXPIRATION_SECONDS) errs.push(invalidField('spec.expirationSeconds', seconds, 'may not specify a duration larger than 2^32 seconds'));
  if (!Array.isArray(spec.audiences) || !spec.audiences.every((a) => typeof a === 'string' && a !== '')) {
    errs.push(invalidField('spec.audiences', spec.audiences, 'must be a list of non-empty strings'));
  }
  const ref: unknown = spec.boundObjectRef;
  if (isObject(ref)) {
    if (ref.kind !== 'Pod' && ref.kind !== 'Secret') errs.push(notSupported('spec.boundObjectRef.kind', ref.kind ?? '', ['Pod', 'Secret']));
    if (str(ref.apiVersion) !== 'v1') errs.push(notSupported('spec.boundObjectRef.apiVersion', ref.apiVersion ?? '', ['v1']));
    if (str(ref.name) === '') errs.push(required('spec.boundObjectRef.name'));
  }
  return errs;
}

/** The bound object, which must exist (with the uid given, if one is). */
async function boundObject(ctx: RequestContext, namespace: string, serviceAccount: string, ref: JsonObject): Promise<BoundObject> {
  const kind = ref.kind as 'Pod' | 'Secret';
  const served = ctx.registry.lookup('', 'v1', kind === 'Pod' ? 'pods' : 'secrets');
  const name = str(ref.name);
  let uid: string;
  try {
    const obj = await served!.store.getShared(namespace, name);
    // A pod's token is its own account's: binding another account's token to it would let
    // whoever may request tokens for a pod act as any account of the namespace.
    if (kind === 'Pod' && str((obj.spec as { serviceAccountName?: unknown } | undefined)?.serviceAccountName) !== serviceAccount) {
      throw badRequest(`cannot bind token for serviceaccount "${serviceAccount}" to pod running with different serviceaccount name.`);
    }
    uid = obj.metadata.uid ?? '';
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) {
      throw badRequest(`cannot bind token for serviceaccount "${serviceAccount}" to object of kind ${kind}: ${err.message}`);
    }
    throw err;
  }
  const wanted = str(ref.uid);
  if (wanted !== '' && wanted !== uid) {
    throw conflict({ group: '', resource: kind === 'Pod' ? 'pods' : 'secrets' }, name, `the UID in the bound object reference (${wanted}) does not match the UID in record (${uid}); the object might have been deleted and then recreated`);
  }
  return { kind, name, uid };
}

export async function handleTokenRequest(ctx: RequestContext, info: ResourceRequestInfo, store: GenericStore, namespace: string, tokens: ServiceAccountTokens): Promise<void> {
  if (info.verb !== 'create') throw methodNotAllowed(ctx.req.method ?? '');
  const obj = await readObjectBody(ctx);
  if ((obj.apiVersion ?? '') !== '' && obj.apiVersion !== API_VERSION) {
    throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${API_VERSION})`);
  }
  if ((obj.kind ?? '') !== '' && obj.kind !== 'TokenRequest') throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (TokenRequest)`);
  // Read only (getShared): a kubelet asks for a token per pod it starts.
  const serviceAccount = await store.getShared(namespace, info.name);
  const spec: JsonObject = isObject(obj.spec) ? { ...obj.spec } : {};
  if (!Array.isArray(spec.audiences) || spec.audiences.length === 0) spec.audiences = [TOKEN_ISSUER];
  if (spec.expirationSeconds === undefined || spec.expirationSeconds === null) spec.expirationSeconds = DEFAULT_EXPIRATION_SECONDS;
  const errs = validateSpec(spec);
  if (errs.length > 0) throw invalid(GROUP, 'TokenRequest', info.name, errs);
  const bound = isObject(spec.boundObjectRef) ? await boundObject(ctx, namespace, info.name, spec.boundObjectRef) : undefined;
  if (bound !== undefined) spec.boundObjectRef = { ...spec.boundObjectRef, uid: bound.uid };
  const now = new Date();
  const subject = { namespace, name: info.name, uid: serviceAccount.metadata.uid ?? '', ...(bound === undefined ? {} : { boundObject: bound }) };
  const issued = tokens.issue(subject, spec.audiences as string[], spec.expirationSeconds as number, now);
  writeJson(ctx.res, 201, {
    apiVersion: API_VERSION,
    kind: 'TokenRequest',
    metadata: { name: info.name, namespace, creationTimestamp: formatTimestamp(now) },
    spec,
    status: { token: issued.token, expirationTimestamp: formatTimestamp(issued.expiresAt) },
  });
}
