/**
 * The cron schedule syntax CronJobs accept (the standard five fields, as Kubernetes parses
 * them): minute hour day-of-month month day-of-week, each `*`, `?`, a number, a range `a-b`, a
 * step `…/n`, or a comma list of those; month and weekday names (JAN, SUN); and the
 * descriptors `@yearly` `@annually` `@monthly` `@weekly` `@daily` `@midnight` `@hourly` and
 * `@every <duration>`. Parsing yields the allowed values of each field, for whoever schedules
 * runs; errors read like upstream's.
 */

/** The allowed values of each field (descriptors expand to their five-field form). */
export interface CronFields {
  readonly minute: ReadonlySet<number>;
  readonly hour: ReadonlySet<number>;
  readonly dayOfMonth: ReadonlySet<number>;
  readonly month: ReadonlySet<number>;
  readonly dayOfWeek: ReadonlySet<number>;
}

export type ParsedSchedule =
  | { readonly kind: 'fields'; readonly fields: CronFields }
  | { readonly kind: 'every'; readonly intervalMs: number };

export type ParseResult = { readonly ok: true; readonly schedule: ParsedSchedule } | { readonly ok: false; readonly error: string };

interface Bounds {
  readonly min: number;
  readonly max: number;
  readonly names?: Readonly<Record<string, number>>;
}

const MONTHS = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const WEEKDAYS = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const FIELD_BOUNDS: readonly Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS },
  { min: 0, max: 6, names: WEEKDAYS },
];

const DESCRIPTORS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

class CronError extends Error {}

function parseNumber(text: string, bounds: Bounds): number {
  const named = bounds.names?.[text.toLowerCase()];
  if (named !== undefined) return named;
  if (!/^-?\d+$/.test(text)) throw new CronError(`failed to parse int from ${text}: invalid syntax`);
  const n = Number(text);
  if (n < 0) throw new CronError(`negative number (${n}) not allowed: ${text}`);
  return n;
}

/** One comma-separated part of a field: `*`, `n`, `a-b`, each optionally `/step`. */
function parseRange(expr: string, bounds: Bounds, into: Set<number>): void {
  const slash = expr.split('/');
  if (slash.length > 2) throw new CronError(`too many slashes: ${expr}`);
  const [rangeText, stepText] = slash as [string, string | undefined];
  const hyphen = rangeText.split('-');
  if (hyphen.length > 2) throw new CronError(`too many hyphens: ${expr}`);
  let start: number;
  let end: number;
  if (rangeText === '*' || rangeText === '?') {
    start = bounds.min;
    end = bounds.max;
  } else {
    start = parseNumber(hyphen[0]!, bounds);
    end = hyphen.length === 2 ? parseNumber(hyphen[1]!, bounds) : start;
  }
  let step = 1;
  if (stepText !== undefined) {
    step = parseNumber(stepText, { min: 0, max: 0 });
    if (step === 0) throw new CronError(`step of range should be a positive number: ${expr}`);
    // `n/step` runs from n to the end of the field.
    if (hyphen.length === 1 && rangeText !== '*' && rangeText !== '?') end = bounds.max;
  }
  if (start < bounds.min) throw new CronError(`beginning of range (${start}) below minimum (${bounds.min}): ${expr}`);
  if (end > bounds.max) throw new CronError(`end of range (${end}) above maximum (${bounds.max}): ${expr}`);
  if (start > end) throw new CronError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  for (let v = start; v <= end; v += step) into.add(v);
}

function parseField(text: string, bounds: Bounds): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(',')) parseRange(part, bounds, values);
  return values;
}

const DURATION_UNITS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go duration (`90s`, `1h30m`, `1.5h`) in milliseconds. */
function parseDuration(text: string): number {
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (const match of text.matchAll(re)) {
    total += Number(match[1]) * DURATION_UNITS[match[2]!]!;
    consumed += match[0].length;
  }
  if (text === '' || consumed !== text.length) throw new CronError(`failed to parse duration @every ${text}: time: invalid duration "${text}"`);
  return total;
}

/** Parses a schedule; the error, when there is one, is upstream's wording. */
export function parseCronSchedule(schedule: string): ParseResult {
  try {
    const spec = schedule.trim();
    if (spec === '') throw new CronError('empty spec string');
    if (spec.startsWith('@every ')) {
      return { ok: true, schedule: { kind: 'every', intervalMs: parseDuration(spec.slice('@every '.length).trim()) } };
    }
    const expanded = spec.startsWith('@') ? DESCRIPTORS[spec.toLowerCase()] : spec;
    if (expanded === undefined) throw new CronError(`unrecognized descriptor: ${spec}`);
    const parts = expanded.split(/\s+/);
    if (parts.length !== 5) throw new CronError(`expected exactly 5 fields, found ${parts.length}: [${parts.join(' ')}]`);
    const [minute, hour, dayOfMonth, month, dayOfWeek] = parts.map((p, i) => parseField(p, FIELD_BOUNDS[i]!)) as [
      Set<number>, Set<number>, Set<number>, Set<number>, Set<number>,
    ];
    return { ok: true, schedule: { kind: 'fields', fields: { minute, hour, dayOfMonth, month, dayOfWeek } } };
  } catch (err) {
    if (err instanceof CronError) return { ok: false, error: err.message };
    throw err;
  }
}
