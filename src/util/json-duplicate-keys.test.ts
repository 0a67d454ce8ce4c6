import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findDuplicateKeys } from './json-duplicate-keys.ts';

describe('findDuplicateKeys', () => {
  it('finds nothing in ordinary JSON', () => {
    assert.deepEqual(findDuplicateKeys('{"a":1,"b":{"a":2},"c":[{"a":1},{"a":2}]}'), []);
  });
  it('reports nested duplicates with their path', () => {
    assert.deepEqual(findDuplicateKeys('{"metadata":{"name":"a","name":"b"}}'), ['metadata.name']);
    assert.deepEqual(findDuplicateKeys('{"x":1,"x":2}'), ['x']);
    assert.deepEqual(findDuplicateKeys('{"l":[{"k":1},{"k":1,"k":2}]}'), ['l[1].k']);
  });
  it('is not fooled by keys inside strings or escaped quotes', () => {
    assert.deepEqual(findDuplicateKeys('{"a":"{\\"a\\":1,\\"a\\":2}","b":"x"}'), []);
    assert.deepEqual(findDuplicateKeys('{"a\\"b":1,"a\\"b":2}'), ['a"b']);
  });
});
