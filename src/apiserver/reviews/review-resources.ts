/**
 * The answers to the review kinds, all from the request's authenticated user and the server's
 * Authorizer, so `kubectl auth can-i` says exactly what the server would do:
 *   - SelfSubjectAccessReview: may I …? (`kubectl auth can-i`)
 *   - SubjectAccessReview / LocalSubjectAccessReview: may this user or group …?
 *   - SelfSubjectRulesReview: what may I do in this namespace? (`kubectl auth can-i --list`)
 *   - SelfSubjectReview: who am I? (`kubectl auth whoami`)
 */
import { isObject, str, type JsonObject } from '../../api/meta/shape.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import { apiVersionOf, type ResourceType } from '../../api/resource-type.ts';
import {
  localSubjectAccessReviewType,
  selfSubjectAccessReviewType,
  selfSubjectReviewType,
  selfSubjectRulesReviewType,
  subjectAccessReviewType,
  validateAccessReviewSpec,
  validateLocalSubjectAccessReview,
  validateSubjectAccessReview,
} from '../../api/authorization/v1/reviews.ts';
import type { FieldError } from '../../api/meta/types.ts';
import type { UserInfo } from '../authn/authenticator.ts';
import type { AuthorizationAttributes, Authorizer } from '../authz/authorizer.ts';
import { badRequest, invalid } from '../errors.ts';
import type { CreateOnlyResource } from '../registry/api-registry.ts';

function check(type: ResourceType, obj: KubeObject, errs: readonly FieldError[]): void {
  if (errs.length > 0) throw invalid(type.group, type.kind, obj.metadata.name ?? '', errs);
}

/** The review as sent, with type metadata and the answer in `status`. */
function answer(type: ResourceType, obj: KubeObject, status: JsonObject): KubeObject {
  return { ...obj, apiVersion: apiVersionOf(type), kind: type.kind, metadata: { ...obj.metadata }, status };
}

/** The attributes a review spec asks about, for `user`. */
function reviewAttributes(spec: JsonObject, user: UserInfo, namespace?: string): AuthorizationAttributes {
  const base = { user, namespace: '', apiGroup: '', apiVersion: '', resource: '', subresource: '', name: '', path: '' };
  if (isObject(spec.resourceAttributes)) {
    const r = spec.resourceAttributes;
    return {
      ...base,
      resourceRequest: true,
      verb: str(r.verb),
      namespace: namespace ?? str(r.namespace),
      apiGroup: str(r.group),
      apiVersion: str(r.version),
      resource: str(r.resource),
      subresource: str(r.subresource),
      name: str(r.name),
    };
  }
  const n = isObject(spec.nonResourceAttributes) ? spec.nonResourceAttributes : {};
  return { ...base, resourceRequest: false, verb: str(n.verb), path: str(n.path) };
}

async function decide(authorizer: Authorizer, attributes: AuthorizationAttributes): Promise<JsonObject> {
  const d = await authorizer.authorize(attributes);
  const status: JsonObject = { allowed: d.decision === 'allow' };
  if (d.decision === 'deny') status.denied = true;
  if (d.reason !== '') status.reason = d.reason;
  if (d.evaluationError !== undefined && d.evaluationError !== '') status.evaluationError = d.evaluationError;
  return status;
}

/** The user a SubjectAccessReview asks about. */
function subjectOf(spec: JsonObject): UserInfo {
  const groups = Array.isArray(spec.groups) ? spec.groups.filter((g): g is string => typeof g === 'string') : [];
  const uid = str(spec.uid);
  return { name: str(spec.user), groups, ...(uid === '' ? {} : { uid }) };
}

function selfSubjectAccessReview(authorizer: Authorizer): CreateOnlyResource {
  const type = selfSubjectAccessReviewType;
  return {
    type,
    async create({ user, body }) {
      check(type, body, validateAccessReviewSpec(body));
      return answer(type, body, await decide(authorizer, reviewAttributes(body.spec as JsonObject, user)));
    },
  };
}

function subjectAccessReview(authorizer: Authorizer): CreateOnlyResource {
  const type = subjectAccessReviewType;
  return {
    type,
    async create({ body }) {
      check(type, body, validateSubjectAccessReview(body));
      const spec = body.spec as JsonObject;
      return answer(type, body, await decide(authorizer, reviewAttributes(spec, subjectOf(spec))));
    },
  };
}

function localSubjectAccessReview(authorizer: Authorizer): CreateOnlyResource {
  const type = localSubjectAccessReviewType;
  return {
    type,
    async create({ body, namespace }) {
      const bodyNamespace = body.metadata.namespace ?? '';
      if (bodyNamespace !== '' && bodyNamespace !== namespace) {
        throw badRequest(`the namespace of the object (${bodyNamespace}) does not match the namespace on the request (${namespace})`);
      }
      check(type, body, validateLocalSubjectAccessReview(body, namespace));
      const spec = body.spec as JsonObject;
      const reviewed = answer(type, body, await decide(authorizer, reviewAttributes(spec, subjectOf(spec), namespace)));
      reviewed.metadata.namespace = namespace;
      return reviewed;
    },
  };
}

function selfSubjectRulesReview(authorizer: Authorizer): CreateOnlyResource {
  const type = selfSubjectRulesReviewType;
  return {
    type,
    async create({ user, body }) {
      const spec = isObject(body.spec) ? body.spec : {};
      const namespace = str(spec.namespace);
      if (namespace === '') throw badRequest('no namespace on request: set spec.namespace');
      const rules = await authorizer.rulesFor(user, namespace);
      const status: JsonObject = {
        resourceRules: rules.resourceRules.map((r) => ({
          verbs: [...r.verbs],
          apiGroups: [...r.apiGroups],
          resources: [...r.resources],
          ...(r.resourceNames.length > 0 ? { resourceNames: [...r.resourceNames] } : {}),
        })),
        nonResourceRules: rules.nonResourceRules.map((r) => ({ verbs: [...r.verbs], nonResourceURLs: [...r.nonResourceURLs] })),
        incomplete: rules.incomplete,
      };
      if (rules.evaluationError !== undefined && rules.evaluationError !== '') status.evaluationError = rules.evaluationError;
      return answer(type, body, status);
    },
  };
}

const selfSubjectReview: CreateOnlyResource = {
  type: selfSubjectReviewType,
  async create({ user, body }) {
    const userInfo: JsonObject = { username: user.name, groups: [...user.groups] };
    if (user.uid !== undefined && user.uid !== '') userInfo.uid = user.uid;
    if (user.extra !== undefined && Object.keys(user.extra).length > 0) userInfo.extra = structuredClone(user.extra);
    return answer(selfSubjectReviewType, body, { userInfo });
  },
};

/** Every review resource, answering from `authorizer`. */
export function reviewResources(authorizer: Authorizer): CreateOnlyResource[] {
  return [
    selfSubjectAccessReview(authorizer),
    subjectAccessReview(authorizer),
    localSubjectAccessReview(authorizer),
    selfSubjectRulesReview(authorizer),
    selfSubjectReview,
  ];
}
