import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../apimachinery/types.js';
import { Indexer, namespaceIndexFunc, NAMESPACE_INDEX } from '../../client/indexer.js';
import { Lister } from '../../client/lister.js';
import { findPort, rfc3339Nano, servicesToUpdateOnPodChange, shouldPodBeInEndpoints, TriggerTimeTracker } from './util.js';

const pod = (o: { labels?: Record<string, string>; rv?: string; ready?: string; ltt?: string; ip?: string; phase?: string; deleting?: boolean } = {}): KubeObject => ({
  metadata: { name: 'p', namespace: 'ns', resourceVersion: o.rv ?? '1', labels: o.labels ?? { app: 'a' }, deletionTimestamp: o.deleting ? '2026-01-01T00:00:00Z' : undefined },
  spec: { containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }] }] },
  status: { phase: o.phase ?? 'Running', podIP: o.ip ?? '10.0.0.1', conditions: [{ type: 'Ready', status: o.ready ?? 'True', lastTransitionTime: o.ltt ?? '2026-01-01T00:00:00Z' }] },
});

function services(): Lister {
  const idx = new Indexer({ indexers: { [NAMESPACE_INDEX]: namespaceIndexFunc } });
  for (const [name, app] of [
    ['svc-a', 'a'],
    ['svc-b', 'b'],
  ]) {
    idx.add({ metadata: { name, namespace: 'ns' }, spec: { selector: { app } } });
  }
  idx.add({ metadata: { name: 'no-selector', namespace: 'ns' }, spec: {} });
  return new Lister(idx);
}

describe('endpoint utilities', () => {
  it('findPort resolves named, numeric and absent target ports', () => {
    const p = pod();
    const cases: [Record<string, unknown>, number | undefined][] = [
      [{ port: 80, targetPort: 'http' }, 8080],
      [{ port: 53, targetPort: 'dns', protocol: 'UDP' }, 53],
      [{ port: 53, targetPort: 'dns', protocol: 'TCP' }, undefined],
      [{ port: 80, targetPort: 9000 }, 9000],
      [{ port: 80, targetPort: '9000' }, 9000],
      [{ port: 80 }, 80],
      [{ port: 80, targetPort: 'nope' }, undefined],
    ];
    for (const [sp, want] of cases) assert.equal(findPort(p, sp as { port: number }), want, JSON.stringify(sp));
  });

  it('shouldPodBeInEndpoints: terminal and IP-less pods never; terminating ones only when asked', () => {
    assert.equal(shouldPodBeInEndpoints(pod(), false), true);
    assert.equal(shouldPodBeInEndpoints(pod({ phase: 'Failed' }), true), false);
    assert.equal(shouldPodBeInEndpoints(pod({ ip: '' }), true), false);
    assert.equal(shouldPodBeInEndpoints(pod({ deleting: true }), false), false);
    assert.equal(shouldPodBeInEndpoints(pod({ deleting: true }), true), true);
  });

  it('servicesToUpdateOnPodChange: resyncs and irrelevant changes sync nothing; label moves sync both sides', () => {
    const s = services();
    assert.deepEqual([...servicesToUpdateOnPodChange(s, pod(), pod())], []);
    assert.deepEqual([...servicesToUpdateOnPodChange(s, pod(), pod({ rv: '2' }))], []);
    assert.deepEqual([...servicesToUpdateOnPodChange(s, pod(), pod({ rv: '2', ready: 'False' }))], ['ns/svc-a']);
    assert.deepEqual([...servicesToUpdateOnPodChange(s, pod(), pod({ rv: '2', labels: { app: 'b' } }))].sort(), ['ns/svc-a', 'ns/svc-b']);
    assert.deepEqual([...servicesToUpdateOnPodChange(s, pod(), pod({ rv: '2', labels: { app: 'a', x: 'y' } }))], []);
  });

  it('TriggerTimeTracker: creation time for a new Service, then the earliest changed trigger', () => {
    const t = new TriggerTimeTracker();
    const svc = { metadata: { name: 's', namespace: 'ns', creationTimestamp: '2026-01-01T00:00:00Z' } };
    const at = (s: string) => Date.parse(s);
    assert.equal(t.compute(svc, [pod({ ltt: '2026-01-01T00:00:05Z' })]), at('2026-01-01T00:00:00Z'));
    assert.equal(t.compute(svc, [pod({ ltt: '2026-01-01T00:00:05Z' })]), 0);
    assert.equal(t.compute(svc, [pod({ ltt: '2026-01-01T00:00:09Z' })]), at('2026-01-01T00:00:09Z'));
    t.deleteService('ns', 's');
    assert.equal(t.compute(svc, []), at('2026-01-01T00:00:00Z'));
  });

  it('formats times as Go RFC3339Nano', () => {
    assert.equal(rfc3339Nano(Date.parse('2026-01-01T00:00:00.000Z')), '2026-01-01T00:00:00Z');
    assert.equal(rfc3339Nano(Date.parse('2026-01-01T00:00:00.120Z')), '2026-01-01T00:00:00.12Z');
  });
});
