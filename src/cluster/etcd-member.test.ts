import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stopEtcdClusterInDir } from './etcd-layout.ts';
import { etcdArgs, stopByPidFile, type EtcdMemberConfig } from './etcd-member.ts';
import { etcdUnavailableReason, pollUntil, startTestEtcdCluster, type TestEtcdCluster } from './etcd-testing.ts';

const skip = etcdUnavailableReason();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

void test('etcdArgs() requires certificates from the etcd CA on both ports and sets loopback raft timing', () => {
  const config: EtcdMemberConfig = {
    name: 'm0',
    dataDir: '/d',
    clientUrl: 'https://127.0.9.1:2379',
    peerUrl: 'https://127.0.9.1:2380',
    initialCluster: 'm0=https://127.0.9.1:2380',
    initialClusterState: 'new',
    initialClusterToken: 't',
    tls: { caFile: '/ca', serverCertFile: '/s.crt', serverKeyFile: '/s.key', peerCertFile: '/p.crt', peerKeyFile: '/p.key' },
    logFile: '/log',
    pidFile: '/pid',
  };
  const args = etcdArgs(config);
  for (const flag of [
    '--client-cert-auth=true',
    '--trusted-ca-file=/ca',
    '--cert-file=/s.crt',
    '--key-file=/s.key',
    '--peer-client-cert-auth=true',
    '--peer-trusted-ca-file=/ca',
    '--peer-cert-file=/p.crt',
    '--peer-key-file=/p.key',
    '--peer-cert-allowed-cn=k8ts-etcd-peer',
    '--listen-client-urls=https://127.0.9.1:2379',
    '--listen-peer-urls=https://127.0.9.1:2380',
    '--initial-cluster-state=new',
    '--heartbeat-interval=50',
    '--election-timeout=500',
  ]) {
    assert.ok(args.includes(flag), `missing ${flag}`);
  }
  assert.ok(!args.some((a) => a.includes('http://')), 'no plain-HTTP listener');
  assert.ok(etcdArgs({ ...config, initialClusterState: 'existing' }).includes('--initial-cluster-state=existing'));
});

void describe('EtcdMember processes', { skip }, () => {
  let etcd: TestEtcdCluster;
  before(async () => {
    etcd = await startTestEtcdCluster(1, { detached: true });
  });
  after(async () => {
    await etcd?.dispose();
  });

  void test('stop() escalates to SIGKILL when SIGTERM is not acted on within the grace period', async () => {
    const [name] = etcd.cluster.memberNames;
    assert.ok(name !== undefined);
    const member = etcd.cluster.member(name);
    member.signal('SIGSTOP');
    await member.stop(200);
    assert.equal(member.exit?.signal, 'SIGKILL');
    assert.equal(member.running, false);
    assert.equal(existsSync(member.config.pidFile), false, 'the PID file goes with the process');
    await etcd.cluster.startMember(name);
  });

  void test('a detached member is stopped through its PID file; a PID file naming another process is not acted on', async () => {
    const [name] = etcd.cluster.memberNames;
    assert.ok(name !== undefined);
    const member = etcd.cluster.member(name);
    const pidFile = member.config.pidFile;
    const pid = Number(readFileSync(pidFile, 'utf8'));
    assert.equal(pid, member.pid);

    // A PID file naming a process that is not this member's etcd (a recycled PID: here, this
    // test process itself) is stale: nothing is signalled and the file is removed.
    const stale = join(etcd.cluster.memberDirOf(name), 'stale.pid');
    writeFileSync(stale, `${process.pid}\n`);
    assert.equal(await stopByPidFile(stale, member.config.dataDir), false);
    assert.equal(existsSync(stale), false);
    assert.ok(alive(pid));

    assert.deepEqual(await stopEtcdClusterInDir(etcd.cluster.dir), [name]);
    await pollUntil('the process is gone', () => !alive(pid));
    assert.equal(existsSync(pidFile), false);
  });
});
