/**
 * Errors the client raises. A server that answered gives an `ApiError` carrying its metav1
 * Status; a request that never got an answer from any endpoint gives a `ConnectionError`.
 */
import type { Status, StatusReason } from '../api/meta/types.ts';

/** The reason a server implies by a bare HTTP code when its body is not a Status. */
const reasonByCode: Readonly<Record<number, StatusReason>> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** Thrown when the apiserver answers with an error status; `status` is the decoded metav1 Status. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: Status;

  constructor(status: Status) {
    super(status.message ?? `the server responded with status ${status.code}`);
    this.status = status;
  }

  /** The HTTP status code (also `status.code`). */
  get code(): number {
    return this.status.code;
  }

  get reason(): StatusReason | undefined {
    return this.status.reason;
  }

  /**
   * Builds the error for an HTTP response: the body's Status when it is one, otherwise a Status
   * made from the code, with the body text as the message.
   */
  static fromResponse(statusCode: number, body: string): ApiError {
    try {
      const parsed = JSON.parse(body);
      if (parsed !== null && typeof parsed === 'object' && parsed.kind === 'Status') {
        return new ApiError({ ...parsed, code: typeof parsed.code === 'number' ? parsed.code : statusCode });
      }
    } catch {
      // not JSON: fall through to a synthesized Status
    }
    const status: Status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      code: statusCode,
      message: body.trim() !== '' ? body.trim().slice(0, 1024) : `the server responded with status ${statusCode}`,
    };
    const reason = reasonByCode[statusCode];
    if (reason !== undefined) status.reason = reason;
    return new ApiError(status);
  }
}

/**
 * Thrown when no endpoint gave an answer: every attempt failed at the transport level (refused,
 * reset, TLS failure, timeout). `cause` is the last attempt's error.
 */
export class ConnectionError extends Error {
  override name = 'ConnectionError';
  /** The endpoint of the last attempt. */
  readonly endpoint: string;

  constructor(message: string, endpoint: string, cause: unknown) {
    super(message, { cause });
    this.endpoint = endpoint;
  }
}

function hasCode(err: unknown, code: number): boolean {
  return err instanceof ApiError && err.code === code;
}

/** 404 NotFound. */
export function isNotFound(err: unknown): boolean {
  return hasCode(err, 404);
}

/** 409 AlreadyExists (a create hit an existing name). */
export function isAlreadyExists(err: unknown): boolean {
  return err instanceof ApiError && err.code === 409 && err.reason === 'AlreadyExists';
}

/** 409 Conflict (a compare-and-swap lost: the resourceVersion or a precondition did not match). */
export function isConflict(err: unknown): boolean {
  return err instanceof ApiError && err.code === 409 && err.reason !== 'AlreadyExists';
}

/** 410: the requested resourceVersion is too old (reason Expired or Gone); the caller must relist. */
export function isResourceExpired(err: unknown): boolean {
  return err instanceof ApiError && (err.code === 410 || err.reason === 'Expired' || err.reason === 'Gone');
}

/** 405 MethodNotAllowed (the resource does not support the verb). */
export function isMethodNotAllowed(err: unknown): boolean {
  return hasCode(err, 405);
}
