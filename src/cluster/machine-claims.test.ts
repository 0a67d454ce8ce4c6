import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimedAndFree, claimIndexOnMachine, releaseIndexOnMachine } from './machine-claims.ts';

const root = mkdtempSync(join(tmpdir(), 'k8ts-machine-claims-test-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const fresh = (): string => join(root, `claims-${++counter}`);

describe('machine-wide address claims', () => {
  it('give an index to one cluster directory at a time, again to the same one, and free it on release', async () => {
    const dir = fresh();
    assert.equal(await claimIndexOnMachine(3, '/home-a/dev', dir), true);
    assert.equal(await claimIndexOnMachine(3, '/home-a/dev', dir), true);
    assert.equal(await claimIndexOnMachine(3, '/home-b/dev', dir), false);
    await releaseIndexOnMachine(3, '/home-b/dev', dir);
    assert.equal(await claimIndexOnMachine(3, '/home-b/dev', dir), false, 'only the holder releases');
    await releaseIndexOnMachine(3, '/home-a/dev', dir);
    assert.equal(await claimIndexOnMachine(3, '/home-b/dev', dir), true);
  });

  it('take over an old claim whose cluster no longer records the index, never a young one', async () => {
    const dir = fresh();
    const gone = join(root, 'gone-cluster');
    assert.equal(await claimIndexOnMachine(5, gone, dir), true);
    assert.equal(await claimIndexOnMachine(5, '/other', dir), false, 'a young claim is kept even without cluster.json');
    const old = new Date(Date.now() - 10 * 60_000);
    utimesSync(join(dir, '5'), old, old);
    assert.equal(await claimIndexOnMachine(5, '/other', dir), true);

    const live = join(root, 'live-cluster');
    mkdirSync(live);
    writeFileSync(join(live, 'cluster.json'), JSON.stringify({ index: 6 }));
    assert.equal(await claimIndexOnMachine(6, live, dir), true);
    utimesSync(join(dir, '6'), old, old);
    assert.equal(await claimIndexOnMachine(6, '/other', dir), false, 'an old claim of a cluster that still records it is kept');
  });

  it('claimedAndFree gives the claim back when the probe finds the addresses taken', async () => {
    const dir = fresh();
    const usable = claimedAndFree('/home-a/dev', async (i) => i !== 1, dir);
    assert.equal(await usable(1), false);
    assert.equal(await claimIndexOnMachine(1, '/home-b/x', dir), true, 'index 1 was given back');
    assert.equal(await usable(2), true);
    assert.equal(await claimIndexOnMachine(2, '/home-b/x', dir), false);
  });
});
