/**
 * Bounded polling for tests whose progress crosses real sockets: checks `condition` every few
 * milliseconds and fails with `what` once the deadline passes. The deadline is generous on
 * purpose; passing never depends on it, only failing does.
 */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
