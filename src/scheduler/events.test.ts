import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeApiClient } from '../client/fake-api-client.js';
import { FakeClock } from '../util/clock.js';
import { EVENTS_V1, EventsRecorder } from './events.js';
import { makePod } from './testing.js';
import { truncateMessage } from './scheduler.js';

describe('EventsRecorder (events.k8s.io/v1)', () => {
  it('creates an event, turns repeats into a series and ends idle series', async () => {
    const clock = new FakeClock();
    const client = new FakeApiClient({ clock });
    const rec = new EventsRecorder({ client, reportingController: 'default-scheduler', reportingInstance: 'default-scheduler-host', clock });
    const ac = new AbortController();
    const running = rec.run(ac.signal);
    const pod = makePod('web');
    const writes = () => client.calls.filter((c) => c.verb === 'create' || c.verb === 'patch').map((c) => c.verb);

    rec.eventf(pod, undefined, 'Warning', 'FailedScheduling', 'Scheduling', '0/1 nodes are available: 1 Insufficient cpu.');
    await rec.whenIdle();
    const [ev] = (await client.list(EVENTS_V1, 'default')).items as Record<string, any>[];
    assert.equal(ev!.reason, 'FailedScheduling');
    assert.equal(ev!.action, 'Scheduling');
    assert.equal(ev!.note, '0/1 nodes are available: 1 Insufficient cpu.');
    assert.equal(ev!.reportingController, 'default-scheduler');
    assert.equal(ev!.reportingInstance, 'default-scheduler-host');
    assert.equal(ev!.regarding.kind, 'Pod');
    assert.equal(ev!.regarding.name, 'web');
    assert.match(ev!.metadata.name, /^web\.[0-9a-f]+$/);
    assert.match(ev!.eventTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);

    await clock.advance(1000);
    rec.eventf(pod, undefined, 'Warning', 'FailedScheduling', 'Scheduling', 'another message, same series');
    await rec.whenIdle();
    assert.deepEqual(writes(), ['create', 'patch']);
    let [cur] = (await client.list(EVENTS_V1, 'default')).items as Record<string, any>[];
    assert.equal(cur!.series.count, 2);

    rec.eventf(pod, undefined, 'Warning', 'FailedScheduling', 'Scheduling', 'third');
    await rec.whenIdle();
    assert.deepEqual(writes(), ['create', 'patch'], 'later repeats are only counted');

    // Series end at the 6-minute check after they were idle for 6 minutes.
    await clock.advance(12 * 60_000);
    await rec.whenIdle();
    [cur] = (await client.list(EVENTS_V1, 'default')).items as Record<string, any>[];
    assert.equal(cur!.series.count, 3, 'the idle series is written a last time');

    rec.eventf(pod, undefined, 'Warning', 'FailedScheduling', 'Scheduling', 'after the series ended');
    await rec.whenIdle();
    assert.equal((await client.list(EVENTS_V1, 'default')).items.length, 2, 'a new event once the series ended');
    ac.abort();
    await running;
  });

  it('a related object makes a different event', async () => {
    const clock = new FakeClock();
    const client = new FakeApiClient({ clock });
    const rec = new EventsRecorder({ client, reportingController: 'default-scheduler', reportingInstance: 'i', clock });
    const ac = new AbortController();
    const running = rec.run(ac.signal);
    const victim = makePod('victim');
    rec.eventf(victim, makePod('a'), 'Normal', 'Preempted', 'Preempting', 'Preempted by pod uid-a on node n');
    rec.eventf(victim, makePod('b'), 'Normal', 'Preempted', 'Preempting', 'Preempted by pod uid-b on node n');
    await rec.whenIdle();
    const items = (await client.list(EVENTS_V1, 'default')).items as Record<string, any>[];
    assert.deepEqual(items.map((e) => e.related.name).sort(), ['a', 'b']);
    ac.abort();
    await running;
  });

  it('truncateMessage keeps notes within 1024 characters', () => {
    assert.equal(truncateMessage('short'), 'short');
    const long = 'x'.repeat(2000);
    const t = truncateMessage(long);
    assert.equal(t.length, 1024);
    assert.ok(t.endsWith(' ...'));
  });
});
