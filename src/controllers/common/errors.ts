/** Error text for conditions and logs. */

/** The message of an Error, or the value as text. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : JSON.stringify(err);
}
