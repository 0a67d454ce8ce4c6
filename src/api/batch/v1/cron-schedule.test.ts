import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCronSchedule, type CronFields } from './cron-schedule.ts';

function fields(schedule: string): CronFields {
  const r = parseCronSchedule(schedule);
  assert.ok(r.ok, `${schedule}: ${r.ok ? '' : r.error}`);
  assert.equal(r.schedule.kind, 'fields');
  return (r.schedule as { fields: CronFields }).fields;
}

function error(schedule: string): string {
  const r = parseCronSchedule(schedule);
  assert.ok(!r.ok, `${schedule} should not parse`);
  return r.error;
}

describe('parseCronSchedule', () => {
  it('parses lists, ranges, steps and wildcards', () => {
    const f = fields('*/15 9-17 1,15 * MON-FRI');
    assert.deepEqual([...f.minute], [0, 15, 30, 45]);
    assert.deepEqual([...f.hour], [9, 10, 11, 12, 13, 14, 15, 16, 17]);
    assert.deepEqual([...f.dayOfMonth], [1, 15]);
    assert.equal(f.month.size, 12);
    assert.deepEqual([...f.dayOfWeek], [1, 2, 3, 4, 5]);
  });

  it('runs `n/step` to the end of the field and accepts ? and names in any case', () => {
    const f = fields('5/20 0 ? jan,Dec sun');
    assert.deepEqual([...f.minute], [5, 25, 45]);
    assert.deepEqual([...f.month], [1, 12]);
    assert.deepEqual([...f.dayOfWeek], [0]);
  });

  it('expands descriptors and parses @every', () => {
    assert.deepEqual([...fields('@hourly').minute], [0]);
    assert.deepEqual([...fields('@weekly').dayOfWeek], [0]);
    const every = parseCronSchedule('@every 1h30m');
    assert.deepEqual(every, { ok: true, schedule: { kind: 'every', intervalMs: 5_400_000 } });
  });

  it('explains what is wrong', () => {
    assert.equal(error(''), 'empty spec string');
    assert.equal(error('* * *'), 'expected exactly 5 fields, found 3: [* * *]');
    assert.equal(error('61 * * * *'), 'end of range (61) above maximum (59): 61');
    assert.equal(error('* * 0 * *'), 'beginning of range (0) below minimum (1): 0');
    assert.equal(error('5-1 * * * *'), 'beginning of range (5) beyond end of range (1): 5-1');
    assert.equal(error('*/0 * * * *'), 'step of range should be a positive number: */0');
    assert.equal(error('x * * * *'), 'failed to parse int from x: invalid syntax');
    assert.equal(error('1-2-3 * * * *'), 'too many hyphens: 1-2-3');
    assert.equal(error('@sometimes'), 'unrecognized descriptor: @sometimes');
    assert.match(error('@every soon'), /failed to parse duration/);
  });
});
