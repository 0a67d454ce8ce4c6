import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { namespaceType } from '../../api/core/v1/namespace.ts';
import { serviceAccountType } from '../../api/core/v1/service-account.ts';
import { startControllers } from '../testing/harness.ts';
import { serviceAccountController } from './serviceaccount-controller.ts';

describe('serviceaccount controller', () => {
  it('creates a default ServiceAccount in every active namespace and restores it when deleted', async () => {
    const h = await startControllers([serviceAccountController], {
      seed: (api) => {
        api.put(namespaceType, { metadata: { name: 'default' } });
        api.put(namespaceType, { metadata: { name: 'going', deletionTimestamp: '2025-01-01T00:00:00Z', finalizers: ['x'] } });
      },
    });
    try {
      await h.until(() => h.api.get(serviceAccountType, 'default', 'default') !== undefined, 'the default account');
      h.api.put(namespaceType, { metadata: { name: 'team-a' } });
      await h.until(() => h.api.get(serviceAccountType, 'team-a', 'default') !== undefined, 'the account of a new namespace');
      h.api.delete(serviceAccountType, 'team-a', 'default');
      await h.until(() => h.api.get(serviceAccountType, 'team-a', 'default') !== undefined, 'the account put back');
      await h.quiesce();
      assert.equal(h.api.get(serviceAccountType, 'going', 'default'), undefined, 'none in a terminating namespace');
    } finally {
      await h.stop();
    }
  });
});
