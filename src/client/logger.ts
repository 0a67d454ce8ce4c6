/**
 * The logging contract of client/ and the components built on it: levelled messages with
 * structured fields. Components pass their own implementation; the default writes one JSON line
 * per message to stderr.
 */

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

function errorFields(fields: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (fields === undefined) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = v instanceof Error ? v.message : v;
  return out;
}

/** Writes `{"level","msg",...fields}` lines to stderr. */
export const stderrLogger: Logger = {
  info: (msg, fields) => process.stderr.write(`${JSON.stringify({ level: 'info', msg, ...errorFields(fields) })}\n`),
  warn: (msg, fields) => process.stderr.write(`${JSON.stringify({ level: 'warn', msg, ...errorFields(fields) })}\n`),
  error: (msg, fields) => process.stderr.write(`${JSON.stringify({ level: 'error', msg, ...errorFields(fields) })}\n`),
};

/** Discards everything (tests). */
export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/**
 * A Logger that writes one text line per message through `write`: `<level> <message>` and the
 * fields as JSON (Errors by their message), for components whose output goes to a log file.
 */
export function lineLogger(write: (line: string) => void): Logger {
  const line = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
    write(`${level} ${msg}${fields === undefined ? '' : ` ${JSON.stringify(fields, (_k, v: unknown) => (v instanceof Error ? v.message : v))}`}`);
  return { info: line('info'), warn: line('warn'), error: line('error') };
}
