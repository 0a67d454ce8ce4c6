import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clusterKubeletDirs, nodeKubeletDir } from './cluster-pods.ts';
import { planHaRecord, resolveLayout } from './ha-plan.ts';
import type { ClusterRecord } from './cluster-record.ts';

describe('kubelet data directories of a cluster', () => {
  it('puts a single node’s pods under the cluster directory, HA control planes’ under their node, workers’ in their node directory', () => {
    const single: ClusterRecord = { name: 'dev', topology: 'single', index: 3, apiServer: { address: '127.10.3.1', port: 6443 }, createdAt: '' };
    assert.deepEqual(clusterKubeletDirs('/h/dev', single), ['/h/dev/kubelet']);
    const ha = planHaRecord('dev', 3, resolveLayout({ topology: 'external', controlPlanes: 2, workers: 1 }), new Date(0));
    assert.deepEqual(clusterKubeletDirs('/h/dev', ha), ['/h/dev/nodes/cp-1/kubelet', '/h/dev/nodes/cp-2/kubelet', '/h/dev/nodes/worker-1']);
    assert.equal(nodeKubeletDir('/h/dev', ha, ha.nodes!.find((n) => n.name === 'etcd-1')!), undefined, 'an etcd node runs no kubelet');
    assert.deepEqual(clusterKubeletDirs('/h/dev', undefined), ['/h/dev/kubelet'], 'without a readable record: the single node’s');
  });
});
