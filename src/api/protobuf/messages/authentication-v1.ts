/** authentication.k8s.io/v1 SelfSubjectReview (`kubectl auth whoami`) and TokenRequest (`kubectl create token`). */
import { message, msg, optInt64, str, stringListMap, strings, time, type MessageDescriptor } from '../descriptor.ts';
import { metadataField } from './meta-v1.ts';

const AUTHN = 'k8s.io.api.authentication.v1.';

export const userInfo: MessageDescriptor = message(`${AUTHN}UserInfo`, {
  1: str('username'),
  2: str('uid'),
  3: strings('groups'),
  4: stringListMap('extra'),
});

export const selfSubjectReview: MessageDescriptor = message(`${AUTHN}SelfSubjectReview`, {
  1: metadataField,
  2: msg('status', () => message(`${AUTHN}SelfSubjectReviewStatus`, { 1: msg('userInfo', () => userInfo) })),
});

/** The object a token is bound to; the wire name of `uid` is `uID`. */
export const boundObjectReference: MessageDescriptor = message(`${AUTHN}BoundObjectReference`, {
  1: str('kind'),
  2: str('apiVersion'),
  3: str('name'),
  4: str('uid'),
});

export const tokenRequest: MessageDescriptor = message(`${AUTHN}TokenRequest`, {
  1: metadataField,
  2: msg(
    'spec',
    () => message(`${AUTHN}TokenRequestSpec`, { 1: strings('audiences'), 4: optInt64('expirationSeconds'), 3: msg('boundObjectRef', () => boundObjectReference) }),
  ),
  3: msg('status', () => message(`${AUTHN}TokenRequestStatus`, { 1: str('token'), 2: time('expirationTimestamp') })),
});
