import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { indexPathOf, parseIndex, timeAt } from './log-index.ts';
import { formatLogTimestamp, streamLog, type LogFollow, type LogReadOptions } from './log-reader.ts';

const root = mkdtempSync(join(tmpdir(), 'k8ts-log-reader-test-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

/** A log with lines written at known times: line i at t0 + i seconds. */
function log(lines: string[], t0 = Date.parse('2025-01-01T00:00:00Z')): string {
  const path = join(root, `${++n}.log`);
  writeFileSync(path, lines.map((l) => `${l}\n`).join(''));
  let size = 0;
  const idx = lines.map((l, i) => `${(size += l.length + 1)} ${t0 + i * 1000}`).join('\n');
  writeFileSync(indexPathOf(path), `${idx}\n`);
  return path;
}

async function read(path: string, opts: Partial<LogReadOptions>): Promise<string> {
  const sink = new PassThrough();
  let out = '';
  sink.on('data', (d: Buffer) => (out += d.toString()));
  await streamLog(path, sink, { timestamps: false, ...opts });
  return out;
}

describe('log index', () => {
  it('gives each byte the time of the first observation covering it', () => {
    const entries = parseIndex('10 100\n25 200\nbad line\n25 250\n40 300\n');
    assert.deepEqual(entries.map((e) => e.size), [10, 25, 40]);
    assert.equal(timeAt(entries, 0, 999), 100);
    assert.equal(timeAt(entries, 9, 999), 100);
    assert.equal(timeAt(entries, 10, 999), 200);
    assert.equal(timeAt(entries, 39, 999), 300);
    assert.equal(timeAt(entries, 40, 999), 999);
  });
});

describe('streamLog', () => {
  const lines = ['one', 'two', 'three', 'four'];

  it('returns everything, the last N lines, and nothing for tailLines=0', async () => {
    const path = log(lines);
    assert.equal(await read(path, {}), 'one\ntwo\nthree\nfour\n');
    assert.equal(await read(path, { tailLines: 2 }), 'three\nfour\n');
    assert.equal(await read(path, { tailLines: 0 }), '');
    assert.equal(await read(path, { tailLines: 10 }), 'one\ntwo\nthree\nfour\n');
  });

  it('filters by write time and prefixes RFC 3339 nanosecond timestamps', async () => {
    const path = log(lines);
    assert.equal(await read(path, { sinceMs: Date.parse('2025-01-01T00:00:02Z') }), 'three\nfour\n');
    assert.equal(await read(path, { timestamps: true, tailLines: 1 }), '2025-01-01T00:00:03.000000000Z four\n');
    assert.equal(formatLogTimestamp(Date.parse('2025-01-01T00:00:00.123Z')), '2025-01-01T00:00:00.123000000Z');
  });

  it('cuts the output at limitBytes, timestamps included', async () => {
    const path = log(lines);
    assert.equal(await read(path, { limitBytes: 6 }), 'one\ntw');
    assert.equal((await read(path, { limitBytes: 10, timestamps: true })).length, 10);
  });

  it('follows new lines until the instance ends, then returns', async () => {
    const path = log(['first']);
    let grow: () => void = () => undefined;
    let end!: () => void;
    const follow: LogFollow = { onGrowth: (l) => ((grow = l), () => undefined), ended: new Promise<void>((r) => (end = r)) };
    const sink = new PassThrough();
    const chunks: string[] = [];
    sink.on('data', (d: Buffer) => chunks.push(d.toString()));
    const done = streamLog(path, sink, { timestamps: false }, follow);
    await new Promise((r) => setImmediate(r));
    appendFileSync(path, 'second\nthird');
    grow();
    appendFileSync(path, ' (no newline)');
    end();
    await done;
    assert.equal(chunks.join(''), 'first\nsecond\nthird (no newline)');
  });
});
