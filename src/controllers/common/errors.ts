/** Error text for conditions, Events and logs, and the errors controllers tell apart. */
import { ApiError } from '../../client/index.ts';

/** The message of an Error, or the value as text. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : JSON.stringify(err);
}

/**
 * Whether a create failed because its namespace is being deleted (the apiserver's
 * NamespaceTerminating cause): every create there fails, so controllers record no Event for it.
 */
export function isNamespaceTerminating(err: unknown): boolean {
  return err instanceof ApiError && (err.status.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating');
}
