import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../errors.ts';
import { parseListOptions } from '../registry/list-options.ts';
import { watchOfObject } from './watch.ts';

const options = (query: string) => parseListOptions(new URLSearchParams(query), true);

describe('watchOfObject()', () => {
  it('is a list watch selecting the name, the other options kept', () => {
    const watch = watchOfObject(options('resourceVersion=7&labelSelector=a%3Db'), 'x');
    assert.equal(watch.fieldSelector, 'metadata.name=x');
    assert.equal(watch.labelSelector, 'a=b');
    assert.equal(watch.resourceVersion, 7);
    assert.equal(watchOfObject(options(''), 'a,b=c').fieldSelector, 'metadata.name=a\\,b\\=c', 'the name is escaped');
  });

  it('keeps a field selector of the request that requires the same name', () => {
    const given = 'metadata.name==x,metadata.namespace=default';
    assert.equal(watchOfObject(options(`fieldSelector=${encodeURIComponent(given)}`), 'x').fieldSelector, given);
  });

  it('refuses a field selector that does not require that name, or does not parse (400)', () => {
    for (const selector of ['metadata.name=y', 'metadata.name!=x', 'metadata.namespace=default', 'no-operator']) {
      assert.throws(
        () => watchOfObject(options(`fieldSelector=${encodeURIComponent(selector)}`), 'x'),
        (err: unknown) => err instanceof ApiError && err.code === 400,
        selector,
      );
    }
  });
});
