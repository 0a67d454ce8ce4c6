import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backendAddress, formatBackendsFile, parseBackend, parseBackendsText } from './backends.ts';

describe('backends', () => {
  it('parse name=ip:port and ip:port (IPv6 in brackets)', () => {
    assert.deepEqual(parseBackend('cp-1=127.10.1.1:6443'), { name: 'cp-1', host: '127.10.1.1', port: 6443 });
    assert.deepEqual(parseBackend('127.0.0.1:8443'), { name: '127.0.0.1:8443', host: '127.0.0.1', port: 8443 });
    assert.deepEqual(parseBackend('v6=[::1]:6443'), { name: 'v6', host: '::1', port: 6443 });
    assert.equal(backendAddress({ name: 'v6', host: '::1', port: 6443 }), '[::1]:6443');
  });

  it('refuse host names, bad ports and empty names, saying what is expected', () => {
    for (const bad of ['example.com:6443', '127.0.0.1', '127.0.0.1:0', '127.0.0.1:70000', '=127.0.0.1:1']) {
      assert.throws(() => parseBackend(bad), /a backend('s name)? .*(ip:port|empty)/, bad);
    }
  });

  it('a backends file round-trips, with comments and blank lines ignored, and line numbers in errors', () => {
    const backends = [
      { name: 'cp-1', host: '127.10.1.1', port: 6443 },
      { name: 'cp-2', host: '127.10.1.2', port: 6443 },
    ];
    const text = formatBackendsFile(backends);
    assert.deepEqual(parseBackendsText(`${text}\n# more\n\n`, 'f'), backends);
    assert.throws(() => parseBackendsText('cp-1 127.0.0.1:1\ncp-2 nowhere:1\n', '/x/backends'), /\/x\/backends line 2: /);
    assert.throws(() => parseBackendsText('cp-1 127.0.0.1:1\ncp-1 127.0.0.2:1\n', 'f'), /backend cp-1 is listed twice/);
  });
});
