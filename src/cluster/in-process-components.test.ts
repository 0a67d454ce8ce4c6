import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { selectInProcessComponents, startInProcessComponents, stopInProcessComponents, type InProcessComponent } from './in-process-components.ts';

const ctx = {
  apiServerUrl: 'https://127.0.0.1:1',
  apiServerUrls: ['https://127.0.0.1:1'],
  nodeName: 'cp-1',
  leaderElection: {},
  kubeconfigPath: '/k',
  tls: { caPem: 'ca', certPem: 'c', keyPem: 'k' },
};

function recorder(events: string[], name: string, failStart = false, failStop = false): InProcessComponent {
  return {
    name,
    async start(c) {
      if (failStart) throw new Error('boom');
      c.log('up');
      events.push(`start ${name}`);
      return {
        async stop() {
          events.push(`stop ${name}`);
          if (failStop) throw new Error('stuck');
        },
      };
    },
  };
}

describe('in-process components', () => {
  it('start in order and stop in reverse order, a failing stop not keeping the others running', async () => {
    const events: string[] = [];
    const logs: string[] = [];
    const started = await startInProcessComponents(ctx, (m) => logs.push(m), [recorder(events, 'a'), recorder(events, 'b', false, true), recorder(events, 'c')]);
    await stopInProcessComponents(started, (m) => logs.push(m));
    assert.deepEqual(events, ['start a', 'start b', 'start c', 'stop c', 'stop b', 'stop a']);
    assert.ok(logs.includes('a: up'));
    assert.ok(logs.includes('stopping b failed: stuck'));
  });

  it('stop those already started when one fails to start, and name it', async () => {
    const events: string[] = [];
    await assert.rejects(startInProcessComponents(ctx, () => {}, [recorder(events, 'a'), recorder(events, 'b', true), recorder(events, 'c')]), /cannot start b: boom/);
    assert.deepEqual(events, ['start a', 'stop a']);
  });
});

describe('selectInProcessComponents', () => {
  const known = [recorder([], 'a'), recorder([], 'b'), recorder([], 'c')];
  it('keeps the start order whatever the order asked, and takes none for none', () => {
    assert.deepEqual(selectInProcessComponents(['c', 'a'], known).map((c) => c.name), ['a', 'c']);
    assert.deepEqual(selectInProcessComponents(['none'], known), []);
  });
  it('names an unknown component and the known ones', () => {
    assert.throws(() => selectInProcessComponents(['a', 'x'], known), /unknown component "x"; known: a, b, c \(or none\)/);
  });
});
