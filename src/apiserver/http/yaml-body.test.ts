import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../errors.ts';
import { decodeYaml } from './yaml-body.ts';

describe('decodeYaml()', () => {
  it('reads YAML 1.1 scalars, but keeps timestamps the strings they are written as', async () => {
    const { value } = await decodeYaml('enabled: yes\nmode: 0644\nday: 2024-01-01\nat: 2024-01-01T10:00:00Z\nquoted: "2024-01-01"\n');
    assert.deepEqual(value, { enabled: true, mode: 420, day: '2024-01-01', at: '2024-01-01T10:00:00Z', quoted: '2024-01-01' });
  });

  it('reports repeated keys by path', async () => {
    const { duplicates } = await decodeYaml('metadata:\n  name: a\n  name: b\nlist:\n- k: 1\n  k: 2\n');
    assert.deepEqual(duplicates, ['metadata.name', 'list[0].k']);
  });

  it('refuses malformed YAML and several documents with 400', async () => {
    for (const text of ['a: [1, 2', 'a: b\n---\nc: d\n', 'a:\n\tb: c']) {
      await assert.rejects(decodeYaml(text), (err: unknown) => err instanceof ApiError && err.code === 400 && /^error decoding YAML: /.test(err.message), text);
    }
  });
});
