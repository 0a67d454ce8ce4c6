/** Timestamps as Kubernetes writes them into objects. */

/** RFC 3339 with second precision (`2025-01-01T00:00:00Z`), as metav1.Time serialises. */
export function formatTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A timestamp field in ms since the epoch, or undefined when absent or malformed. */
export function parseTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}
