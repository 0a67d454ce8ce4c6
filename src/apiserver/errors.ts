/**
 * ApiError: an error that becomes a metav1.Status response. Every failure a client can see is
 * one of these; anything else thrown inside a handler is an internal error (500) and is logged.
 * Constructors follow the upstream conventions: `details.kind` is the resource plural for
 * NotFound/AlreadyExists/Conflict and the Kind for Invalid; messages name `<resource>.<group>`.
 */
import type { FieldError, Status, StatusCause, StatusDetails, StatusReason } from '../api/meta/types.ts';

export class ApiError extends Error {
  override name = 'ApiError';
  readonly code: number;
  readonly reason: StatusReason;
  readonly details: StatusDetails | undefined;
  /** Extra response headers (e.g. Retry-After). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: number, reason: StatusReason, message: string, details?: StatusDetails, headers: Record<string, string> = {}) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
    this.headers = headers;
  }

  /** The metav1.Status body for this error. */
  toStatus(): Status {
    const status: Status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details !== undefined) status.details = this.details;
    return status;
  }
}

/** Identifies a resource in messages: `deployments.apps`, or `pods` for the core group. */
export interface ResourceRef {
  readonly group: string;
  readonly resource: string;
}

export function qualifiedResource(ref: ResourceRef): string {
  return ref.group === '' ? ref.resource : `${ref.resource}.${ref.group}`;
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

export function forbidden(message: string, details?: StatusDetails): ApiError {
  return new ApiError(403, 'Forbidden', message, details);
}

export function notFound(ref: ResourceRef, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualifiedResource(ref)} "${name}" not found`, {
    name,
    group: ref.group,
    kind: ref.resource,
  });
}

/** 404 for a path that names no API at all. */
export function pathNotFound(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function methodNotAllowed(method: string): ApiError {
  return new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${method})`, {});
}

export function notAcceptable(message: string): ApiError {
  return new ApiError(406, 'NotAcceptable', message);
}

export function alreadyExists(ref: ResourceRef, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualifiedResource(ref)} "${name}" already exists`, {
    name,
    group: ref.group,
    kind: ref.resource,
  });
}

export function conflict(ref: ResourceRef, name: string, why: string): ApiError {
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(ref)} "${name}": ${why}`, {
    name,
    group: ref.group,
    kind: ref.resource,
  });
}

/** Whether `err` is a 409 Conflict (a lost compare-and-swap, among others). */
export function isConflictError(err: unknown): boolean {
  return err instanceof ApiError && err.code === 409;
}

/** The standard optimistic-concurrency conflict. */
export function modifiedConflict(ref: ResourceRef, name: string): ApiError {
  return conflict(ref, name, 'the object has been modified; please apply your changes to the latest version and try again');
}

export function expired(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

export function gone(message: string): ApiError {
  return new ApiError(410, 'Gone', message);
}

export function tooLarge(limit: number): ApiError {
  return new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`);
}

export function unsupportedMediaType(message: string): ApiError {
  return new ApiError(415, 'UnsupportedMediaType', message);
}

export function tooManyRequests(message: string, retryAfterSeconds: number, headers: Record<string, string> = {}): ApiError {
  return new ApiError(429, 'TooManyRequests', message, { retryAfterSeconds }, { 'Retry-After': String(retryAfterSeconds), ...headers });
}

export function internalError(message: string): ApiError {
  return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`, {
    causes: [{ message }],
  });
}

export function serviceUnavailable(message: string): ApiError {
  return new ApiError(503, 'ServiceUnavailable', message, {}, { 'Retry-After': '1' });
}

export function timeout(message: string, retryAfterSeconds?: number): ApiError {
  const details: StatusDetails = {};
  if (retryAfterSeconds !== undefined) details.retryAfterSeconds = retryAfterSeconds;
  return new ApiError(504, 'Timeout', message, details);
}

function quote(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'null';
  // Values come from decoded JSON: objects, arrays, numbers, booleans and null all print as JSON.
  return JSON.stringify(value) ?? String(typeof value);
}

/** One field error rendered the way Kubernetes prints it, e.g. `spec.replicas: Invalid value: -1: must be ...`. */
export function fieldErrorText(e: FieldError): string {
  const detail = e.detail !== undefined && e.detail !== '' ? e.detail : '';
  switch (e.type) {
    case 'FieldValueRequired':
      return `${e.field}: Required value${detail ? `: ${detail}` : ''}`;
    case 'FieldValueForbidden':
      return `${e.field}: Forbidden${detail ? `: ${detail}` : ''}`;
    case 'FieldValueTooLong':
      return `${e.field}: Too long${detail ? `: ${detail}` : ''}`;
    case 'FieldValueTooMany':
      return `${e.field}: Too many${detail ? `: ${detail}` : ''}`;
    case 'FieldValueDuplicate':
      return `${e.field}: Duplicate value: ${quote(e.value)}`;
    case 'FieldValueNotSupported':
      return `${e.field}: Unsupported value: ${quote(e.value)}${detail ? `: ${detail}` : ''}`;
    case 'FieldValueTypeInvalid':
      return `${e.field}: Invalid value: ${quote(e.value)}${detail ? `: ${detail}` : ''}`;
    default:
      return `${e.field}: Invalid value: ${quote(e.value)}${detail ? `: ${detail}` : ''}`;
  }
}

/**
 * 422 Invalid for `kind` `name` (`kind` is the Kind, `qualifiedKind` e.g. `Deployment.apps`).
 * Message: `Deployment.apps "x" is invalid: <err>` or `... is invalid: [<err1>, <err2>]`.
 */
export function invalid(group: string, kind: string, name: string, errors: readonly FieldError[]): ApiError {
  const qualifiedKind = group === '' ? kind : `${kind}.${group}`;
  const texts = errors.map(fieldErrorText);
  const joined = texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`;
  const causes: StatusCause[] = errors.map((e) => ({
    reason: e.type,
    message: fieldErrorText(e).slice(e.field.length + 2),
    field: e.field,
  }));
  return new ApiError(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${joined}`, {
    name,
    group,
    kind,
    causes,
  });
}
