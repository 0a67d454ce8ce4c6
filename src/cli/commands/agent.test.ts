import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../main.ts';
import { parseLabels, parseTaints } from '../flags.ts';

describe('k8ts agent flags', () => {
  it('parses taints as key[=value]:Effect lists', () => {
    assert.deepEqual(parseTaints('node-role.kubernetes.io/control-plane:NoSchedule,dedicated=gpu:NoExecute', '--register-with-taints'), [
      { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
      { key: 'dedicated', value: 'gpu', effect: 'NoExecute' },
    ]);
    assert.deepEqual(parseTaints(undefined, '--register-with-taints'), []);
    assert.throws(() => parseTaints('a=b:Sometimes', '--register-with-taints'), /--register-with-taints: "a=b:Sometimes" is not key\[=value\]:Effect/);
  });

  it('parses labels as key=value lists, empty values allowed', () => {
    assert.deepEqual(parseLabels('tier=web,node-role.kubernetes.io/worker=', '--node-labels'), { tier: 'web', 'node-role.kubernetes.io/worker': '' });
    assert.throws(() => parseLabels('novalue', '--node-labels'), /--node-labels: "novalue" is not key=value/);
  });

  it('exits 2 naming the flag at fault', async () => {
    let err = '';
    const io = { out: () => undefined, err: (t: string) => (err += t), env: {} };
    assert.equal(await main(['agent', '--node-name', 'w'], io), 2);
    assert.match(err, /--kubeconfig is required/);
    err = '';
    assert.equal(await main(['agent', '--kubeconfig', '/nonexistent/kc'], io), 2);
    assert.match(err, /--kubeconfig: cannot read \/nonexistent\/kc/);
  });
});
