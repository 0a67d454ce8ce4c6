/**
 * The error a patch raises when it cannot be applied. Its reason follows the apiserver:
 * Kubernetes answers 400 BadRequest for a malformed directive (`$retainKeys`,
 * `$setElementOrder/…`, `$deleteFromPrimitiveList/…` of the wrong shape, a patch that is not a
 * JSON object) and 422 for lists of lists. Every other failure (a list element without its
 * merge key, an unknown `$patch` value, elements of mixed types) escapes upstream as a plain
 * error, which the apiserver turns into a 500 carrying the message; k8ts reports those as 422
 * Invalid instead, since the request, not the server, is at fault.
 * Upstream: kubernetes/apiserver pkg/endpoints/handlers/patch.go `interpretStrategicMergePatchError`.
 */

export type PatchErrorReason = 'BadRequest' | 'Invalid';

export class PatchError extends Error {
  /** The Status reason to answer with. */
  readonly reason: PatchErrorReason;
  /** The HTTP status code matching `reason`: 400 or 422. */
  readonly code: 400 | 422;

  constructor(reason: PatchErrorReason, message: string) {
    super(message);
    this.name = 'PatchError';
    this.reason = reason;
    this.code = reason === 'BadRequest' ? 400 : 422;
  }
}
