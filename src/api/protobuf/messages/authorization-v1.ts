/**
 * authorization.k8s.io/v1 reviews: SelfSubjectAccessReview (`kubectl auth can-i`),
 * SubjectAccessReview, LocalSubjectAccessReview and SelfSubjectRulesReview (`can-i --list`).
 */
import { bool, message, msg, msgs, str, stringListMap, strings, type MessageDescriptor } from '../descriptor.ts';
import { fieldSelectorRequirement, labelSelectorRequirement, metadataField } from './meta-v1.ts';

const AUTHZ = 'k8s.io.api.authorization.v1.';

export const resourceAttributes: MessageDescriptor = message(`${AUTHZ}ResourceAttributes`, {
  1: str('namespace'),
  2: str('verb'),
  3: str('group'),
  4: str('version'),
  5: str('resource'),
  6: str('subresource'),
  7: str('name'),
  8: msg('fieldSelector', () => message(`${AUTHZ}FieldSelectorAttributes`, { 1: str('rawSelector'), 2: msgs('requirements', () => fieldSelectorRequirement) })),
  9: msg('labelSelector', () => message(`${AUTHZ}LabelSelectorAttributes`, { 1: str('rawSelector'), 2: msgs('requirements', () => labelSelectorRequirement) })),
});

export const nonResourceAttributes: MessageDescriptor = message(`${AUTHZ}NonResourceAttributes`, { 1: str('path'), 2: str('verb') });

export const subjectAccessReviewStatus: MessageDescriptor = message(`${AUTHZ}SubjectAccessReviewStatus`, {
  1: bool('allowed'),
  4: bool('denied'),
  2: str('reason'),
  3: str('evaluationError'),
});

export const selfSubjectAccessReview: MessageDescriptor = message(`${AUTHZ}SelfSubjectAccessReview`, {
  1: metadataField,
  2: msg(
    'spec',
    () => message(`${AUTHZ}SelfSubjectAccessReviewSpec`, { 1: msg('resourceAttributes', () => resourceAttributes), 2: msg('nonResourceAttributes', () => nonResourceAttributes) }),
  ),
  3: msg('status', () => subjectAccessReviewStatus),
});

export const subjectAccessReviewSpec: MessageDescriptor = message(`${AUTHZ}SubjectAccessReviewSpec`, {
  1: msg('resourceAttributes', () => resourceAttributes),
  2: msg('nonResourceAttributes', () => nonResourceAttributes),
  3: str('user'),
  4: strings('groups'),
  5: stringListMap('extra'),
  6: str('uid'),
});

const subjectAccessReviewLike = (name: string): MessageDescriptor =>
  message(`${AUTHZ}${name}`, { 1: metadataField, 2: msg('spec', () => subjectAccessReviewSpec), 3: msg('status', () => subjectAccessReviewStatus) });
export const subjectAccessReview: MessageDescriptor = subjectAccessReviewLike('SubjectAccessReview');
export const localSubjectAccessReview: MessageDescriptor = subjectAccessReviewLike('LocalSubjectAccessReview');

export const subjectRulesReviewStatus: MessageDescriptor = message(`${AUTHZ}SubjectRulesReviewStatus`, {
  1: msgs('resourceRules', () =>
    message(`${AUTHZ}ResourceRule`, { 1: strings('verbs'), 2: strings('apiGroups'), 3: strings('resources'), 4: strings('resourceNames') }),
  ),
  2: msgs('nonResourceRules', () => message(`${AUTHZ}NonResourceRule`, { 1: strings('verbs'), 2: strings('nonResourceURLs') })),
  3: bool('incomplete'),
  4: str('evaluationError'),
});

export const selfSubjectRulesReview: MessageDescriptor = message(`${AUTHZ}SelfSubjectRulesReview`, {
  1: metadataField,
  2: msg('spec', () => message(`${AUTHZ}SelfSubjectRulesReviewSpec`, { 1: str('namespace') })),
  3: msg('status', () => subjectRulesReviewStatus),
});
