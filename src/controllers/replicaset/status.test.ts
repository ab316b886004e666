import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../apimachinery/index.js';
import { calculateStatus, serializeStatus, statusOf } from './status.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const ago = (s: number) => new Date(NOW - s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

const rs = (over: Record<string, unknown> = {}, status: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: 'r', namespace: 'ns', generation: 2 },
  spec: { replicas: 3, minReadySeconds: 10, selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'a', tier: 'web' } } }, ...over },
  status,
});

const pod = (labels: Record<string, string>, readySecondsAgo?: number): KubeObject => ({
  metadata: { name: 'p', labels },
  status: { phase: 'Running', conditions: readySecondsAgo === undefined ? [] : [{ type: 'Ready', status: 'True', lastTransitionTime: ago(readySecondsAgo) }] },
});

describe('calculateStatus', () => {
  it('counts pods, fully labelled pods, ready pods and pods ready for minReadySeconds', () => {
    const s = calculateStatus(rs(), [pod({ app: 'a', tier: 'web' }, 60), pod({ app: 'a' }, 5), pod({ app: 'a', tier: 'web', extra: 'x' })], undefined, NOW);
    assert.deepEqual({ ...s, conditions: undefined }, { replicas: 3, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 1, observedGeneration: 0, conditions: undefined });
  });

  it('adds ReplicaFailure FailedCreate or FailedDelete on an error and keeps an existing one', () => {
    const err = new Error('pods "x" is forbidden: nope');
    const created = calculateStatus(rs(), [pod({ app: 'a' })], err, NOW);
    assert.deepEqual(created.conditions, [{ type: 'ReplicaFailure', status: 'True', lastTransitionTime: ago(0), reason: 'FailedCreate', message: 'pods "x" is forbidden: nope' }]);
    const deleted = calculateStatus(rs({ replicas: 0 }), [pod({ app: 'a' })], new Error('unable to delete pods: boom'), NOW);
    assert.equal(deleted.conditions[0]!.reason, 'FailedDelete');
    const existing = { type: 'ReplicaFailure', status: 'True', lastTransitionTime: ago(100), reason: 'FailedCreate', message: 'old' };
    const kept = calculateStatus(rs({}, { conditions: [existing] }), [], new Error('new'), NOW);
    assert.deepEqual(kept.conditions, [existing], 'upstream keeps the first failure');
  });

  it('removes ReplicaFailure after a clean sync, keeping other conditions', () => {
    const other = { type: 'Other', status: 'True' };
    const s = calculateStatus(rs({}, { conditions: [{ type: 'ReplicaFailure', status: 'True' }, other] }), [], undefined, NOW);
    assert.deepEqual(s.conditions, [other]);
  });

  it('serializes like Go: replicas always, the rest only when set', () => {
    assert.deepEqual(serializeStatus(statusOf(rs())), { replicas: 0 });
    assert.deepEqual(serializeStatus({ ...statusOf(rs()), readyReplicas: 2, observedGeneration: 3 }), { replicas: 0, readyReplicas: 2, observedGeneration: 3 });
  });
});
