import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errors } from '../apimachinery/status.js';
import type { KubeObject } from '../apimachinery/types.js';
import { FakeClock } from '../util/clock.js';
import { FakeApiClient } from './fake-api-client.js';
import { EventRecorder, EVENTS, EventType, LruCache, sprintf, type CoreEvent, type EventRecorderOptions } from './event-recorder.js';

const T0 = Date.UTC(2026, 0, 1);

const pod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { namespace: 'web', name: 'frontend-1', uid: 'uid-1', resourceVersion: '42' },
};

function setup(opts: Partial<EventRecorderOptions> = {}) {
  const clock = new FakeClock(T0);
  const api = new FakeApiClient({ clock, kinds: { events: 'Event' } });
  const rec = new EventRecorder({ client: api, clock, component: 'test-controller', host: 'node-a', random: () => 0, ...opts });
  const ac = new AbortController();
  const running = rec.run(ac.signal);
  const stop = async () => {
    ac.abort();
    await running;
  };
  return { clock, api, rec, stop };
}

const events = (api: FakeApiClient, ns = 'web') => api.objects(EVENTS, ns) as CoreEvent[];

describe('EventRecorder', () => {
  it('writes a core/v1 Event with the upstream fields', async () => {
    const { api, rec, stop } = setup();
    rec.eventf(pod, EventType.Normal, 'Scheduled', 'Successfully assigned %s/%s to %s', 'web', 'frontend-1', 'node-a');
    await rec.whenIdle();
    const [ev] = events(api);
    assert.ok(ev);
    assert.equal(ev.metadata.name, `frontend-1.${(BigInt(T0) * 1_000_000n).toString(16)}`);
    assert.equal(ev.metadata.namespace, 'web');
    assert.deepEqual(ev.involvedObject, { kind: 'Pod', namespace: 'web', name: 'frontend-1', uid: 'uid-1', apiVersion: 'v1', resourceVersion: '42' });
    assert.equal(ev.message, 'Successfully assigned web/frontend-1 to node-a');
    assert.equal(ev.reason, 'Scheduled');
    assert.equal(ev.type, 'Normal');
    assert.deepEqual(ev.source, { component: 'test-controller', host: 'node-a' });
    assert.equal(ev.reportingComponent, 'test-controller');
    assert.equal(ev.reportingInstance, 'node-a');
    assert.equal(ev.firstTimestamp, '2026-01-01T00:00:00Z');
    assert.equal(ev.lastTimestamp, '2026-01-01T00:00:00Z');
    assert.equal(ev.count, 1);
    assert.equal(ev.eventTime, null);
    await stop();
  });

  it('events about cluster-scoped objects go to the default namespace; a fieldPath comes from a reference', async () => {
    const { api, rec, stop } = setup();
    rec.event({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a', uid: 'n1' } }, EventType.Warning, 'NodeNotReady', 'not ready');
    rec.event({ kind: 'Pod', namespace: 'web', name: 'frontend-1', fieldPath: 'spec.containers{app}' }, EventType.Normal, 'Pulled', 'pulled');
    await rec.whenIdle();
    assert.equal(events(api, 'default')[0]?.involvedObject.name, 'node-a');
    assert.equal(events(api)[0]?.involvedObject.fieldPath, 'spec.containers{app}');
    await stop();
  });

  it('the same event again patches count and lastTimestamp of one Event: 1 -> 2 -> 3', async () => {
    const { clock, api, rec, stop } = setup();
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      rec.eventf(pod, EventType.Warning, 'BackOff', 'Back-off restarting failed container %s', 'app');
      await rec.whenIdle();
      counts.push(events(api)[0]!.count);
      await clock.advance(60_000);
    }
    assert.deepEqual(counts, [1, 2, 3]);
    const all = events(api);
    assert.equal(all.length, 1);
    assert.equal(all[0]!.firstTimestamp, '2026-01-01T00:00:00Z');
    assert.equal(all[0]!.lastTimestamp, '2026-01-01T00:02:00Z', 'x3 over 2m');
    assert.deepEqual(
      api.calls.filter((c) => c.verb !== 'get').map((c) => c.verb + (c.verb === 'patch' ? JSON.stringify(c.body) : '')),
      [
        'create',
        'patch{"count":2,"lastTimestamp":"2026-01-01T00:01:00Z","message":"Back-off restarting failed container app"}',
        'patch{"count":3,"lastTimestamp":"2026-01-01T00:02:00Z","message":"Back-off restarting failed container app"}',
      ],
    );
    await stop();
  });

  it('different messages are separate Events; the same message on another object too', async () => {
    const { api, rec, stop } = setup();
    rec.event(pod, EventType.Normal, 'Pulling', 'Pulling image "a"');
    rec.event(pod, EventType.Normal, 'Pulling', 'Pulling image "b"');
    rec.event({ ...pod, metadata: { ...pod.metadata, name: 'frontend-2', uid: 'uid-2' } }, EventType.Normal, 'Pulling', 'Pulling image "a"');
    await rec.whenIdle();
    assert.equal(events(api).length, 3);
    assert.ok(events(api).every((e) => e.count === 1));
    await stop();
  });

  it('recreates the Event when the one being counted was deleted', async () => {
    const { api, rec, stop } = setup();
    rec.event(pod, EventType.Normal, 'Started', 'Started container');
    await rec.whenIdle();
    await api.delete(EVENTS, 'web', events(api)[0]!.metadata.name);
    rec.event(pod, EventType.Normal, 'Started', 'Started container');
    await rec.whenIdle();
    const all = events(api);
    assert.equal(all.length, 1);
    assert.equal(all[0]!.count, 2);
    assert.equal(all[0]!.metadata.resourceVersion !== undefined, true);
    await stop();
  });

  it('combines similar events (same reason, different messages) beyond the threshold', async () => {
    const { clock, api, rec, stop } = setup();
    for (let i = 1; i <= 12; i++) {
      rec.eventf(pod, EventType.Warning, 'FailedMount', 'volume %d not found', i);
      await rec.whenIdle();
      await clock.advance(1000);
    }
    const all = events(api);
    const combined = all.filter((e) => e.message.startsWith('(combined from similar events): '));
    assert.equal(all.length - combined.length, 9, 'the first 9 distinct messages are written as they are');
    assert.equal(combined.length, 1);
    assert.equal(combined[0]!.message, '(combined from similar events): volume 12 not found');
    assert.equal(combined[0]!.count, 3, 'the 10th, 11th and 12th');
    await stop();
  });

  it('starts over after the aggregation interval', async () => {
    const { clock, api, rec, stop } = setup({ aggregateMaxEvents: 3, aggregateIntervalSeconds: 60 });
    for (let i = 1; i <= 2; i++) rec.eventf(pod, EventType.Warning, 'R', 'm%d', i);
    await rec.whenIdle();
    await clock.advance(61_000);
    rec.eventf(pod, EventType.Warning, 'R', 'm3');
    await rec.whenIdle();
    assert.equal(events(api).filter((e) => e.message.startsWith('(combined')).length, 0);
    await stop();
  });

  it('spam filter: a burst of 25 per object, then one per 5 minutes', async () => {
    const { clock, api, rec, stop } = setup();
    for (let i = 0; i < 30; i++) rec.event(pod, EventType.Normal, `Reason${i}`, 'm');
    await rec.whenIdle();
    assert.equal(events(api).length, 25);
    rec.event({ ...pod, metadata: { ...pod.metadata, name: 'other', uid: 'u2' } }, EventType.Normal, 'X', 'm');
    await rec.whenIdle();
    assert.equal(events(api).length, 26, 'other objects have their own bucket');
    await clock.advance(300_000);
    rec.event(pod, EventType.Normal, 'Later1', 'm');
    rec.event(pod, EventType.Normal, 'Later2', 'm');
    await rec.whenIdle();
    assert.equal(events(api).length, 27, 'one token refilled');
    await stop();
  });

  it('bounds the write queue: new events are dropped while it is full', async () => {
    const clock = new FakeClock(T0);
    const api = new FakeApiClient({ clock });
    const rec = new EventRecorder({ client: api, clock, component: 'c', queueCapacity: 3 });
    for (let i = 0; i < 5; i++) rec.event(pod, EventType.Normal, `R${i}`, 'm');
    assert.equal(rec.dropped, 2);
    const ac = new AbortController();
    const running = rec.run(ac.signal);
    await rec.whenIdle();
    assert.deepEqual(events(api).map((e) => e.reason).sort(), ['R0', 'R1', 'R2']);
    ac.abort();
    await running;
  });

  it('drops events of unsupported types', async () => {
    const { api, rec, stop } = setup();
    rec.event(pod, 'Critical' as EventType, 'R', 'm');
    await rec.whenIdle();
    assert.equal(events(api).length, 0);
    await stop();
  });

  it('retries while the API is unreachable, but not when it rejects the event', async () => {
    const { clock, api, rec, stop } = setup({ retrySleepMs: 10_000 });
    let failures = 0;
    api.onCall = (c) => {
      if (c.verb === 'create' && failures++ < 2) throw new Error('connection refused');
    };
    rec.event(pod, EventType.Normal, 'R', 'm');
    for (let i = 0; i < 50 && events(api).length === 0; i++) await clock.advance(1000);
    assert.equal(events(api).length, 1);
    assert.equal(failures, 3);
    api.onCall = (c) => {
      if (c.verb === 'create') throw errors.forbidden({ group: '', resource: 'events' }, '', 'no');
    };
    rec.event(pod, EventType.Normal, 'R2', 'm');
    await rec.whenIdle();
    assert.equal(api.calls.filter((c) => c.verb === 'create').length, 4, 'a rejected event is not retried');
    await stop();
  });

  it('event names are unique even within one millisecond', async () => {
    const { api, rec, stop } = setup();
    rec.event(pod, EventType.Normal, 'A', 'm');
    rec.event(pod, EventType.Normal, 'B', 'm');
    await rec.whenIdle();
    const names = events(api).map((e) => e.metadata.name);
    assert.equal(new Set(names).size, 2);
    await stop();
  });
});

describe('LruCache', () => {
  it('evicts the least recently used entry', () => {
    const c = new LruCache<string, number>(2);
    c.set('a', 1);
    c.set('b', 2);
    c.get('a');
    c.set('c', 3);
    assert.equal(c.get('b'), undefined);
    assert.equal(c.get('a'), 1);
    assert.equal(c.get('c'), 3);
    assert.equal(c.size, 2);
  });
});

describe('sprintf', () => {
  const cases: Array<[string, unknown[], string]> = [
    ['%s/%s', ['a', 'b'], 'a/b'],
    ['%d replicas', [3.7], '3 replicas'],
    ['image %q', ['nginx'], 'image "nginx"'],
    ['%v', [{ a: 1 }], '{"a":1}'],
    ['100%%', [], '100%'],
    ['%s', [], '%!s(MISSING)'],
    ['x', [1], 'x%!(EXTRA 1)'],
    ['%v', [new Error('boom')], 'boom'],
  ];
  for (const [fmt, args, want] of cases) it(`${fmt} ${JSON.stringify(args)}`, () => assert.equal(sprintf(fmt, args), want));
});
