/**
 * An applied configuration (or an object) that server-side apply cannot work with: a keyed
 * list element without its key, duplicate keys, managedFields in the configuration. The reason
 * is the Status reason to answer with: 400 BadRequest for a malformed request, 422 Invalid for
 * content that does not fit the kind's schema.
 */
export type ApplyErrorReason = 'BadRequest' | 'Invalid';

export class ApplyError extends Error {
  readonly reason: ApplyErrorReason;
  readonly code: 400 | 422;

  constructor(reason: ApplyErrorReason, message: string) {
    super(message);
    this.name = 'ApplyError';
    this.reason = reason;
    this.code = reason === 'BadRequest' ? 400 : 422;
  }
}
