/**
 * The create-only review kinds: authorization.k8s.io/v1 SelfSubjectAccessReview,
 * SubjectAccessReview, LocalSubjectAccessReview, SelfSubjectRulesReview, and
 * authentication.k8s.io/v1 SelfSubjectReview and TokenRequest.
 */
import type { SchemaSet } from '../schema-types.ts';
import { apiPrefix, atomicList, bool, int64, kind, map, META, obj, ref, str, strings, time } from './dsl.ts';

const authz = apiPrefix('authorization.k8s.io', 'v1');
const authn = apiPrefix('authentication.k8s.io', 'v1');
const AUTHZ = { group: 'authorization.k8s.io', version: 'v1' };
const AUTHN = { group: 'authentication.k8s.io', version: 'v1' };

const extra = map(strings(), 'Extra attributes of the user, as the authenticator set them.');

export const accessReviewSchemas: SchemaSet = {
  [`${authz}ResourceAttributes`]: obj('A request on a resource to check.', {
    namespace: str('Namespace of the request; empty for cluster-wide or all namespaces.'),
    verb: str('Verb such as `get`, `list`, `create`; `*` for all.'),
    group: str('API group of the resource; `*` for all.'),
    version: str('API version of the resource; `*` for all.'),
    resource: str('Resource such as `pods`; `*` for all.'),
    subresource: str('Subresource such as `log`.'),
    name: str('Name of the object; empty for all.'),
    fieldSelector: obj('A field selector the request is limited to.', { rawSelector: str('The selector as text.'), requirements: atomicList(ref(`${META}FieldSelectorRequirement`), 'The parsed requirements.') }),
    labelSelector: obj('A label selector the request is limited to.', { rawSelector: str('The selector as text.'), requirements: atomicList(ref(`${META}LabelSelectorRequirement`), 'The parsed requirements.') }),
  }),
  [`${META}FieldSelectorRequirement`]: obj(
    'One requirement of a field selector.',
    { key: str('The field.'), operator: str('`In`, `NotIn`, `Exists` or `DoesNotExist`.'), values: strings('The values.') },
    { required: ['key', 'operator'] },
  ),
  [`${authz}NonResourceAttributes`]: obj('A request on a non-resource path to check.', { path: str('The URL path.'), verb: str('The HTTP verb, lower case.') }),
  [`${authz}SubjectAccessReviewStatus`]: obj(
    'The answer.',
    {
      allowed: bool('Whether the request is allowed.'),
      denied: bool('Whether the request is explicitly denied.'),
      reason: str('Why.'),
      evaluationError: str('What went wrong while deciding, if anything.'),
    },
    { required: ['allowed'] },
  ),
  ...reviewKind('SelfSubjectAccessReview', 'Asks whether the requesting user may do something.', {
    resourceAttributes: ref(`${authz}ResourceAttributes`, 'The resource request to check.'),
    nonResourceAttributes: ref(`${authz}NonResourceAttributes`, 'The non-resource request to check.'),
  }),
  ...reviewKind('SubjectAccessReview', 'Asks whether a given user or group may do something.', subjectSpec()),
  ...reviewKind('LocalSubjectAccessReview', 'Asks whether a given user may do something in this namespace.', subjectSpec()),
  [`${authz}SelfSubjectRulesReview`]: kind({ ...AUTHZ, kind: 'SelfSubjectRulesReview' }, 'Lists what the requesting user may do in a namespace.', {
    spec: obj('The namespace to list the rules of.', { namespace: str('The namespace.') }),
    status: ref(`${authz}SubjectRulesReviewStatus`, 'The rules.'),
  }, ['spec']),
  [`${authz}SubjectRulesReviewStatus`]: obj(
    'What a user may do.',
    {
      resourceRules: atomicList(
        obj('Verbs allowed on resources.', { verbs: strings('Verbs.'), apiGroups: strings('API groups.'), resources: strings('Resources.'), resourceNames: strings('Object names.') }, { required: ['verbs'] }),
        'Rules on resources.',
      ),
      nonResourceRules: atomicList(obj('Verbs allowed on URL paths.', { verbs: strings('Verbs.'), nonResourceURLs: strings('URL paths.') }, { required: ['verbs'] }), 'Rules on non-resource paths.'),
      incomplete: bool('True when the list may miss rules the authorizer cannot enumerate.'),
      evaluationError: str('What went wrong while listing, if anything.'),
    },
    { required: ['resourceRules', 'nonResourceRules', 'incomplete'] },
  ),

  [`${authn}UserInfo`]: obj('A user as the server authenticated them.', {
    username: str('The user name.'),
    uid: str('A unique identifier of the user.'),
    groups: strings('The groups of the user.'),
    extra,
  }),
  [`${authn}SelfSubjectReview`]: kind({ ...AUTHN, kind: 'SelfSubjectReview' }, 'Tells the requesting user who the server takes them for.', {
    status: obj('The answer.', { userInfo: ref(`${authn}UserInfo`, 'The authenticated user.') }),
  }),
  [`${authn}TokenRequest`]: kind({ ...AUTHN, kind: 'TokenRequest' }, 'Requests a token for a service account.', {
    spec: obj(
      'The token wanted.',
      {
        audiences: strings('Who the token is for; the API server by default.'),
        expirationSeconds: int64('Requested lifetime in seconds.'),
        boundObjectRef: obj('An object the token is valid only as long as it exists.', {
          kind: str('`Pod` or `Secret`.'),
          apiVersion: str('API version of the object.'),
          name: str('Name of the object.'),
          uid: str('UID of the object.'),
        }),
      },
      { required: ['audiences'] },
    ),
    status: obj('The token.', { token: str('The signed token.'), expirationTimestamp: time('When it expires.') }, { required: ['token', 'expirationTimestamp'] }),
  }, ['spec']),
};

function subjectSpec(): Record<string, ReturnType<typeof ref>> {
  return {
    resourceAttributes: ref(`${authz}ResourceAttributes`, 'The resource request to check.'),
    nonResourceAttributes: ref(`${authz}NonResourceAttributes`, 'The non-resource request to check.'),
    user: str('The user to check for.'),
    groups: strings('The groups to check for.'),
    extra,
    uid: str('The UID of the user.'),
  };
}

function reviewKind(name: string, description: string, specFields: Record<string, ReturnType<typeof ref>>): SchemaSet {
  return {
    [`${authz}${name}`]: kind({ ...AUTHZ, kind: name }, description, {
      spec: ref(`${authz}${name}Spec`, 'The request to check.'),
      status: ref(`${authz}SubjectAccessReviewStatus`, 'The answer, filled in by the server.'),
    }, ['spec']),
    [`${authz}${name}Spec`]: obj('The request to check; exactly one of resourceAttributes and nonResourceAttributes.', specFields),
  };
}
