import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCronSchedule, type ParsedSchedule } from '../../api/batch/v1/cron-schedule.ts';
import { latestFiring, nextFiring } from './schedule-times.ts';

function schedule(text: string): ParsedSchedule {
  const parsed = parseCronSchedule(text);
  assert.ok(parsed.ok, text);
  return parsed.schedule;
}
const at = (iso: string): number => Date.parse(iso);
const iso = (t: number | undefined): string | undefined => (t === undefined ? undefined : new Date(t).toISOString());

describe('cron firing times', () => {
  it('finds the next matching minute, strictly after the given time', () => {
    assert.equal(iso(nextFiring(schedule('*/15 * * * *'), at('2025-01-01T10:07:30Z'), 'UTC')), '2025-01-01T10:15:00.000Z');
    assert.equal(iso(nextFiring(schedule('*/15 * * * *'), at('2025-01-01T10:15:00Z'), 'UTC')), '2025-01-01T10:30:00.000Z');
    assert.equal(iso(nextFiring(schedule('0 9 * * 1-5'), at('2025-01-03T10:00:00Z'), 'UTC')), '2025-01-06T09:00:00.000Z', 'Friday 10:00 → Monday 09:00');
    assert.equal(iso(nextFiring(schedule('@monthly'), at('2025-01-15T00:00:00Z'), 'UTC')), '2025-02-01T00:00:00.000Z');
  });

  it('fires on either the day of month or the weekday when both are restricted', () => {
    // The 13th, or any Friday: after Wed 2025-01-08, Friday the 10th comes first.
    assert.equal(iso(nextFiring(schedule('0 0 13 * 5'), at('2025-01-08T00:00:00Z'), 'UTC')), '2025-01-10T00:00:00.000Z');
    assert.equal(iso(nextFiring(schedule('0 0 13 * 5'), at('2025-01-11T00:00:00Z'), 'UTC')), '2025-01-13T00:00:00.000Z');
  });

  it('reads the schedule in the CronJob time zone, across daylight saving changes', () => {
    assert.equal(iso(nextFiring(schedule('0 9 * * *'), at('2025-01-10T00:00:00Z'), 'America/New_York')), '2025-01-10T14:00:00.000Z');
    assert.equal(iso(nextFiring(schedule('0 9 * * *'), at('2025-07-10T00:00:00Z'), 'America/New_York')), '2025-07-10T13:00:00.000Z');
  });

  it('handles @every and schedules that never fire', () => {
    assert.equal(iso(nextFiring(schedule('@every 90s'), at('2025-01-01T00:00:00Z'))), '2025-01-01T00:01:30.000Z');
    assert.equal(nextFiring(schedule('0 0 30 2 *'), at('2025-01-01T00:00:00Z'), 'UTC'), undefined);
  });

  it('finds the latest firing of a long window without walking every one', () => {
    const { latest, missed } = latestFiring(schedule('* * * * *'), at('2024-01-01T00:00:00Z'), at('2025-01-01T00:00:30Z'), 'UTC');
    assert.equal(iso(latest), '2025-01-01T00:00:00.000Z');
    assert.equal(missed, 100);
    assert.deepEqual(latestFiring(schedule('0 * * * *'), at('2025-01-01T00:30:00Z'), at('2025-01-01T03:10:00Z'), 'UTC'), { latest: at('2025-01-01T03:00:00Z'), missed: 3 });
    assert.equal(latestFiring(schedule('0 0 1 1 *'), at('2025-01-02T00:00:00Z'), at('2025-06-01T00:00:00Z'), 'UTC').latest, undefined);
  });
});
