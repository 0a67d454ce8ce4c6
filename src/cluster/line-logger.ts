/** A client Logger writing one line per message into a component's log function. */
import type { Logger } from '../client/index.ts';

export function lineLogger(log: (message: string) => void): Logger {
  const line = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
    log(`${level} ${msg}${fields === undefined ? '' : ` ${JSON.stringify(fields, (_k, v: unknown) => (v instanceof Error ? v.message : v))}`}`);
  return { info: line('info'), warn: line('warn'), error: line('error') };
}
