import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../client/index.ts';
import { waitFor } from '../client/testing/index.ts';
import { Proxier } from './proxier.ts';
import type { ProxiedPort } from './service-ports.ts';
import { connectAndGreet, freePort, startNamedBackend, type NamedBackend } from './testing/tcp-backends.ts';

/** Loopback addresses of this test run (a pseudo-random /24, so parallel runs rarely meet). */
const NET = `127.78.${(process.pid % 200) + 20}`;

function port(key: string, address: string, listenPort: number, backends: NamedBackend[], extra: Partial<ProxiedPort> = {}): ProxiedPort {
  return {
    key,
    namespace: 'default',
    service: key,
    portName: '',
    listen: [{ address, port: listenPort, scope: 'cluster', nodeLocal: false }],
    affinityTimeoutMs: undefined,
    backends: backends.map((b) => ({ ip: b.ip, port: b.port, nodeName: b.name.startsWith('local') ? 'me' : 'other' })),
    ...extra,
  };
}

describe('proxier', () => {
  let one: NamedBackend;
  let two: NamedBackend;
  const proxiers: Proxier[] = [];
  const newProxier = (): Proxier => {
    const p = new Proxier({ nodeName: 'me', logger: silentLogger, standbyRetryMs: 20 });
    proxiers.push(p);
    return p;
  };

  before(async () => {
    one = await startNamedBackend('one', `${NET}.11`);
    two = await startNamedBackend('two', `${NET}.12`);
  });
  after(async () => {
    for (const p of proxiers) p.stop();
    await one.close();
    await two.close();
  });

  it('follows endpoint changes without dropping open connections, refuses without endpoints, closes removed listeners', async () => {
    const proxier = newProxier();
    const vip = `${NET}.1`;
    const vport = await freePort(vip);
    proxier.sync([port('web', vip, vport, [one, two])]);
    await waitFor(() => proxier.listeners()[0]?.state === 'listening', 'the listener to bind');

    const first = await connectAndGreet(vip, vport);
    const second = await connectAndGreet(vip, vport);
    assert.deepEqual([first.name, second.name].sort(), ['one', 'two']);
    const onTwo = first.name === 'two' ? first : second;

    // Endpoint "two" goes away: its open connection keeps working, new ones avoid it.
    proxier.sync([port('web', vip, vport, [one])]);
    assert.equal(await onTwo.echo('still here'), 'still here');
    for (let i = 0; i < 4; i++) {
      const c = await connectAndGreet(vip, vport);
      assert.equal(c.name, 'one');
      c.socket.destroy();
    }

    // No endpoints: connections are refused (reset) at once; the listener stays.
    proxier.sync([port('web', vip, vport, [])]);
    const refused = await connectAndGreet(vip, vport);
    assert.equal(refused.name, undefined);
    assert.equal(proxier.listeners().length, 1);

    // The service port is gone: its listener closes; the relayed connection still lives.
    proxier.sync([]);
    assert.deepEqual(proxier.listeners(), []);
    await waitFor(async () => (await connectAndGreet(vip, vport)).name === undefined, 'the listener to close');
    assert.equal(await onTwo.echo('and now'), 'and now');
    first.socket.destroy();
    second.socket.destroy();
  });

  it('pins a client IP to one backend with ClientIP affinity, and spreads other clients', async () => {
    const proxier = newProxier();
    const vip = `${NET}.2`;
    const vport = await freePort(vip);
    proxier.sync([port('sticky', vip, vport, [one, two], { affinityTimeoutMs: 60_000 })]);
    await waitFor(() => proxier.listeners()[0]?.state === 'listening', 'the listener to bind');
    const names = new Set<string | undefined>();
    for (let i = 0; i < 5; i++) {
      const c = await connectAndGreet(vip, vport, `${NET}.101`);
      names.add(c.name);
      c.socket.destroy();
    }
    assert.equal(names.size, 1);
    const other = await connectAndGreet(vip, vport, `${NET}.102`);
    assert.notEqual(other.name, [...names][0]);
    other.socket.destroy();
  });

  it('tries the next backend when one refuses', async () => {
    const proxier = newProxier();
    const vip = `${NET}.3`;
    const vport = await freePort(vip);
    const dead = await startNamedBackend('dead', `${NET}.13`);
    await dead.close();
    proxier.sync([port('flaky', vip, vport, [dead, one])]);
    await waitFor(() => proxier.listeners()[0]?.state === 'listening', 'the listener to bind');
    for (let i = 0; i < 4; i++) {
      const c = await connectAndGreet(vip, vport);
      assert.equal(c.name, 'one');
      c.socket.destroy();
    }
  });

  it('node-local listeners use only endpoints on this node', async () => {
    const proxier = newProxier();
    const local = await startNamedBackend('local-a', `${NET}.14`);
    const vip = `${NET}.4`;
    const vport = await freePort(vip);
    const p = port('local', vip, vport, [one, local]);
    proxier.sync([{ ...p, listen: [{ ...p.listen[0]!, scope: 'node', nodeLocal: true }] }]);
    await waitFor(() => proxier.listeners()[0]?.state === 'listening', 'the listener to bind');
    for (let i = 0; i < 3; i++) {
      const c = await connectAndGreet(vip, vport);
      assert.equal(c.name, 'local-a');
      c.socket.destroy();
    }
    await local.close();
  });

  it('a second proxy stands by on a held address and takes over when the holder stops', async () => {
    const vip = `${NET}.5`;
    const vport = await freePort(vip);
    const holder = newProxier();
    const standby = newProxier();
    holder.sync([port('shared', vip, vport, [one])]);
    await waitFor(() => holder.listeners()[0]?.state === 'listening', 'the holder to bind');
    standby.sync([port('shared', vip, vport, [two])]);
    await waitFor(() => standby.listeners()[0]?.state === 'standby', 'the second proxy to stand by');
    assert.equal((await connectAndGreet(vip, vport)).name, 'one');

    holder.stop();
    await waitFor(() => standby.listeners()[0]?.state === 'listening', 'the standby to take over');
    const c = await connectAndGreet(vip, vport);
    assert.equal(c.name, 'two');
    c.socket.destroy();
  });
});
