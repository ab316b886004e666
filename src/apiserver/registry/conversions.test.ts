import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coreEventToEventsV1, eventsV1ToCoreEvent, hpaV1ToV2, hpaV2ToV1 } from './conversions.js';

describe('version conversions', () => {
  it('renames core/v1 Event fields to events.k8s.io/v1 and back', () => {
    const core = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e', namespace: 'default' },
      involvedObject: { kind: 'Pod', name: 'p' },
      reason: 'Scheduled',
      message: 'assigned',
      source: { component: 'scheduler' },
      count: 2,
      firstTimestamp: '2026-01-01T00:00:00Z',
      lastTimestamp: '2026-01-01T00:01:00Z',
      type: 'Normal',
      reportingComponent: 'default-scheduler',
    };
    const ev = coreEventToEventsV1(core) as Record<string, unknown>;
    assert.equal(ev.apiVersion, 'events.k8s.io/v1');
    assert.deepEqual(ev.regarding, { kind: 'Pod', name: 'p' });
    assert.equal(ev.note, 'assigned');
    assert.equal(ev.deprecatedCount, 2);
    assert.equal(ev.reportingController, 'default-scheduler');
    assert.equal('message' in ev, false);
    const back = eventsV1ToCoreEvent(ev) as Record<string, unknown>;
    assert.deepEqual({ ...back, eventTime: undefined }, { ...core, eventTime: undefined });
  });

  it('converts HPA v2 to v1 and back without losing other metrics', () => {
    const v2 = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'h', namespace: 'default' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        minReplicas: 1,
        maxReplicas: 5,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
          { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } },
        ],
      },
      status: { currentReplicas: 2, desiredReplicas: 3, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 70 } } }] },
    };
    const v1 = hpaV2ToV1(v2) as Record<string, any>;
    assert.equal(v1.spec.targetCPUUtilizationPercentage, 60);
    assert.equal(v1.status.currentCPUUtilizationPercentage, 70);
    assert.ok(v1.metadata.annotations['autoscaling.alpha.kubernetes.io/metrics'].includes('memory'));
    const again = hpaV1ToV2(v1) as Record<string, any>;
    assert.deepEqual(again.spec, v2.spec);
    assert.deepEqual(again.status, v2.status);
    assert.equal(again.metadata.annotations, undefined);
  });
});
