import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeWatchStream, WatchDecodeError } from './watch-decoder.ts';

async function* chunksOf(...parts: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield typeof p === 'string' ? Buffer.from(p) : p;
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('decodeWatchStream()', () => {
  it('joins events split across chunks and splits chunks holding several events', async () => {
    const a = '{"type":"ADDED","object":{"metadata":{"name":"a"}}}';
    const b = '{"type":"MODIFIED","object":{"metadata":{"name":"b"}}}';
    const events = await collect(decodeWatchStream(chunksOf(a.slice(0, 10), a.slice(10) + '\n' + b + '\n\n', '{"type":"DELETED",', '"object":{"metadata":{"name":"c"}}}\n')));
    assert.deepEqual(
      events.map((e) => [e.type, e.type === 'ERROR' ? '' : e.object.metadata.name]),
      [
        ['ADDED', 'a'],
        ['MODIFIED', 'b'],
        ['DELETED', 'c'],
      ],
    );
  });

  it('handles a multi-byte character split between chunks', async () => {
    const line = Buffer.from('{"type":"ADDED","object":{"metadata":{"name":"x","annotations":{"a":"héllo"}}}}\n');
    const cut = line.indexOf(0xc3) + 1; // inside the two-byte é
    const [ev] = await collect(decodeWatchStream(chunksOf(line.subarray(0, cut), line.subarray(cut))));
    assert.equal(ev?.type === 'ADDED' && ev.object.metadata.annotations?.a, 'héllo');
  });

  it('decodes a final event without a trailing newline and ERROR events', async () => {
    const events = await collect(decodeWatchStream(chunksOf('{"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired"}}')));
    assert.equal(events[0]?.type, 'ERROR');
    assert.equal(events[0]?.type === 'ERROR' && events[0].object.code, 410);
  });

  it('rejects lines that are not events', async () => {
    await assert.rejects(collect(decodeWatchStream(chunksOf('not json\n'))), WatchDecodeError);
    await assert.rejects(collect(decodeWatchStream(chunksOf('{"type":"NOPE","object":{}}\n'))), WatchDecodeError);
  });
});
