/**
 * A mistake in how `k8ts` was called (a bad flag value, a missing file named by a flag): the
 * CLI prints its message and exits with code 2, where other failures exit with 1.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
