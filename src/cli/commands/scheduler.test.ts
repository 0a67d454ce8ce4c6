import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../main.ts';

const root = mkdtempSync(join(tmpdir(), 'k8ts-scheduler-cli-'));
after(() => rmSync(root, { recursive: true, force: true }));
const kubeconfig = join(root, 'kubeconfig');
writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\n');

async function k8ts(...args: string[]): Promise<{ code: number; err: string }> {
  let err = '';
  const code = await main(args, { out: () => {}, err: (t) => (err += t), env: { K8TS_HOME: join(root, 'home'), HOME: root } });
  return { code, err };
}

describe('k8ts scheduler', () => {
  it('exits 2 naming the flag for missing or bad flags', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /^error: --kubeconfig is required \(or set \$KUBECONFIG\)/m],
      [['--kubeconfig', join(root, 'missing')], /^error: --kubeconfig: cannot read .*no such file/m],
      [['--kubeconfig', kubeconfig, '--leader-elect=maybe'], /^error: --leader-elect must be true or false, got "maybe"$/m],
      [['--kubeconfig', kubeconfig, '--lease-duration', 'soon'], /^error: --lease-duration must be a duration such as 10s/m],
      [['--kubeconfig', kubeconfig, '--leader-elect-lease-duration', '1500ms'], /^error: --leader-elect-lease-duration must be a whole number of seconds/m],
      [['--kubeconfig', kubeconfig, '--renew-deadline', '3s'], /^error: --renew-deadline must be shorter than --leader-elect-lease-duration$/m],
      [['--kubeconfig', kubeconfig, '--leader-elect-retry-period', '2s'], /^error: --leader-elect-retry-period must be longer than 0s and shorter than --leader-elect-renew-deadline$/m],
      [['--kubeconfig', kubeconfig, '--lease-duration', '5s', '--leader-elect-lease-duration', '5s'], /^error: --leader-elect-lease-duration and --lease-duration are the same setting/m],
      [['--kubeconfig', kubeconfig, '--server', 'not a url'], /^error: --server must be an https:\/\/ URL/m],
      [['--kubeconfig', kubeconfig, '--percentage-of-nodes-to-score', '101'], /^error: --percentage-of-nodes-to-score must be an integer 0-100/m],
      [['--kubeconfig', kubeconfig], /^error: --kubeconfig: Cannot load kubeconfig/m],
    ];
    for (const [args, pattern] of cases) {
      const r = await k8ts('scheduler', ...args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.err, pattern, args.join(' '));
    }
  });
});
