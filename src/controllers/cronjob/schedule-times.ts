/**
 * When a CronJob's schedule fires: the next minute after an instant whose wall-clock time in
 * the CronJob's time zone matches the five fields (day of month and day of week: either one,
 * when both are restricted, as cron has it), or the next interval of `@every`. Wall clocks are
 * read through Intl, so IANA zones and their daylight saving changes are honoured; without a
 * zone, the controller's local time applies, as upstream's does.
 */
import type { CronFields, ParsedSchedule } from '../../api/batch/v1/cron-schedule.ts';

const MINUTE = 60_000;
/** Give up looking for a match this far ahead (a schedule like Feb 30 never fires). */
const HORIZON_MS = 5 * 366 * 24 * 3600_000;

interface Wall {
  month: number;
  day: number;
  weekday: number;
  hour: number;
  minute: number;
}

const WEEKDAYS: Readonly<Record<string, number>> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** Reads wall-clock fields of instants in one zone. */
function wallReader(timeZone: string | undefined): (t: number) => Wall {
  const format = new Intl.DateTimeFormat('en-US', {
    ...(timeZone === undefined ? {} : { timeZone }),
    hourCycle: 'h23',
    month: 'numeric',
    day: 'numeric',
    weekday: 'short',
    hour: 'numeric',
    minute: 'numeric',
  });
  return (t) => {
    const parts: Record<string, string> = {};
    for (const p of format.formatToParts(new Date(t))) parts[p.type] = p.value;
    return { month: Number(parts.month), day: Number(parts.day), weekday: WEEKDAYS[parts.weekday ?? ''] ?? 0, hour: Number(parts.hour), minute: Number(parts.minute) };
  };
}

function dayMatches(f: CronFields, w: Wall): boolean {
  if (!f.month.has(w.month)) return false;
  const domAll = f.dayOfMonth.size === 31;
  const dowAll = f.dayOfWeek.size === 7;
  if (domAll || dowAll) return f.dayOfMonth.has(w.day) && f.dayOfWeek.has(w.weekday);
  return f.dayOfMonth.has(w.day) || f.dayOfWeek.has(w.weekday);
}

/**
 * The first firing strictly after `after` (ms since the epoch), or undefined when none comes
 * within five years. Whole days and hours that cannot match are skipped at once.
 */
export function nextFiring(schedule: ParsedSchedule, after: number, timeZone?: string): number | undefined {
  if (schedule.kind === 'every') return schedule.intervalMs > 0 ? Math.floor((after + schedule.intervalMs) / 1000) * 1000 : undefined;
  const f = schedule.fields;
  const wall = wallReader(timeZone);
  let t = Math.floor(after / MINUTE) * MINUTE + MINUTE;
  const end = after + HORIZON_MS;
  while (t <= end) {
    const w = wall(t);
    if (!dayMatches(f, w)) {
      t += ((23 - w.hour) * 60 + (60 - w.minute)) * MINUTE;
      continue;
    }
    if (!f.hour.has(w.hour)) {
      t += (60 - w.minute) * MINUTE;
      continue;
    }
    if (!f.minute.has(w.minute)) {
      t += MINUTE;
      continue;
    }
    return t;
  }
  return undefined;
}

function walk(schedule: ParsedSchedule, from: number, to: number, timeZone: string | undefined, cap: number): { latest: number | undefined; count: number } {
  let latest: number | undefined;
  let count = 0;
  for (let t = nextFiring(schedule, from, timeZone); t !== undefined && t <= to && count < cap; t = nextFiring(schedule, t, timeZone)) {
    latest = t;
    count++;
  }
  return { latest, count };
}

/** Tail windows searched for the latest firing once a window holds too many to walk. */
const TAILS_MS = [3600_000, 24 * 3600_000, 32 * 24 * 3600_000, 366 * 24 * 3600_000, HORIZON_MS];

/**
 * The latest firing in (`from`, `to`], and how many fell in that window (counted up to
 * `limit`; beyond it, the latest is found by searching ever longer windows ending at `to`).
 */
export function latestFiring(schedule: ParsedSchedule, from: number, to: number, timeZone?: string, limit = 100): { latest: number | undefined; missed: number } {
  const head = walk(schedule, from, to, timeZone, limit);
  if (head.count < limit) return { latest: head.latest, missed: head.count };
  for (const tail of TAILS_MS) {
    const { latest } = walk(schedule, Math.max(head.latest ?? from, to - tail), to, timeZone, 10_000);
    if (latest !== undefined) return { latest, missed: head.count };
  }
  return { latest: head.latest, missed: head.count };
}
