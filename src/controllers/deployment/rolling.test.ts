import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newRsReplicas, proportionalShares, resolveFenceposts } from './rolling.js';
import { rankPodsForDeletion } from '../replicaset/ranking.js';

describe('rolling update arithmetic', () => {
  it('rounds surge up and unavailability down, never both zero', () => {
    for (const [surge, unav, desired, want] of [
      ['25%', '25%', 10, { surge: 3, unavailable: 2 }],
      ['25%', '25%', 1, { surge: 1, unavailable: 0 }],
      [0, 0, 5, { surge: 0, unavailable: 1 }],
      [2, '50%', 3, { surge: 2, unavailable: 1 }],
    ] as const) {
      assert.deepEqual(resolveFenceposts(surge, unav, desired), want, `${surge}/${unav}/${desired}`);
    }
  });

  it('scales the new ReplicaSet within the surge', () => {
    assert.equal(newRsReplicas(3, 1, 3, 0), 1);
    assert.equal(newRsReplicas(3, 1, 4, 1), 1);
    assert.equal(newRsReplicas(10, 3, 10, 0), 3);
    assert.equal(newRsReplicas(3, 5, 3, 0), 3);
  });

  it('shares a scale proportionally and exactly', () => {
    assert.deepEqual(proportionalShares([6, 3], 3), [2, 1]);
    assert.deepEqual(proportionalShares([5, 5], 1), [1, 0]);
    assert.deepEqual(proportionalShares([6, 3], -3), [-2, -1]);
    assert.equal(proportionalShares([7, 2, 1], 5).reduce((a, b) => a + b, 0), 5);
  });
});

describe('ReplicaSet deletion ranking', () => {
  const pod = (name: string, o: { node?: string; phase?: string; ready?: boolean; restarts?: number; created?: string }) => ({
    metadata: { name, creationTimestamp: o.created ?? '2026-01-01T00:00:00Z' },
    spec: o.node ? { nodeName: o.node } : {},
    status: {
      phase: o.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: o.ready ? 'True' : 'False', lastTransitionTime: '2026-01-01T00:00:00Z' }],
      containerStatuses: [{ restartCount: o.restarts ?? 0 }],
    },
  });
  it('deletes unscheduled, pending, unready, restarting and newer pods first', () => {
    const ranked = rankPodsForDeletion(
      [
        pod('ready', { node: 'n', ready: true }),
        pod('unscheduled', { phase: 'Pending' }),
        pod('pending', { node: 'n', phase: 'Pending' }),
        pod('unready', { node: 'n' }),
        pod('restarts', { node: 'n', restarts: 3 }),
        pod('newer', { node: 'n', created: '2026-02-01T00:00:00Z' }),
      ],
      0,
    ).map((p) => p.metadata!.name);
    assert.deepEqual(ranked, ['unscheduled', 'pending', 'restarts', 'newer', 'unready', 'ready']);
  });
});
