import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Fifo } from './fifo.ts';

describe('Fifo', () => {
  it('hands items out in the order they came, across compactions, and is empty after', () => {
    const fifo = new Fifo<number>();
    assert.equal(fifo.shift(), undefined);
    let next = 0;
    const out: number[] = [];
    // Interleave pushes and shifts so that the consumed front is dropped several times.
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 300; i++) fifo.push(next++);
      for (let i = 0; i < 200; i++) out.push(fifo.shift()!);
    }
    assert.equal(fifo.length, next - out.length);
    for (let v = fifo.shift(); v !== undefined; v = fifo.shift()) out.push(v);
    assert.deepEqual(out, Array.from({ length: next }, (_, i) => i));
    assert.equal(fifo.length, 0);
    fifo.push(7);
    assert.equal(fifo.shift(), 7);
  });
});
