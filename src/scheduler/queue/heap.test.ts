import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Heap } from './heap.ts';

interface Item {
  key: string;
  v: number;
}

function heap(): Heap<Item> {
  return new Heap<Item>((i) => i.key, (a, b) => a.v < b.v);
}

test('Heap pops in order and supports update and delete by key', () => {
  const h = heap();
  const values = [5, 3, 9, 1, 7, 2, 8, 6, 4, 0];
  values.forEach((v, i) => h.push({ key: `k${i}`, v }));
  h.push({ key: 'k2', v: -1 }); // 9 → -1
  assert.deepEqual(h.delete('k0'), { key: 'k0', v: 5 });
  assert.equal(h.has('k0'), false);
  assert.equal(h.get('k4')?.v, 7);
  const out: number[] = [];
  for (let x = h.pop(); x !== undefined; x = h.pop()) out.push(x.v);
  assert.deepEqual(out, [-1, 0, 1, 2, 3, 4, 6, 7, 8]);
  assert.equal(h.size, 0);
});

test('Heap stays ordered under random operations', () => {
  const h = heap();
  const model = new Map<string, number>();
  let seed = 42;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let step = 0; step < 2000; step++) {
    const key = `k${rand(50)}`;
    const op = rand(3);
    if (op < 2) {
      const v = rand(1000);
      h.push({ key, v });
      model.set(key, v);
    } else {
      h.delete(key);
      model.delete(key);
    }
    const min = Math.min(...model.values());
    assert.equal(h.size, model.size);
    if (model.size > 0) assert.equal(h.peek()?.v, min);
  }
});
