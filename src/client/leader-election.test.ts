import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../util/clock.js';
import type { ApiClient } from './api-client.js';
import { FakeApiClient } from './fake-api-client.js';
import { LEASES, LeaderElector, recordOf } from './leader-election.js';

/** A view of the shared fake API that can be cut off (a partitioned candidate). */
function partitionable(api: FakeApiClient): { client: ApiClient; down: boolean } {
  const state = { down: false, client: undefined as unknown as ApiClient };
  const guard = <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
    (...a: A): Promise<R> => (state.down ? Promise.reject(new Error('connection refused')) : fn(...a));
  state.client = {
    get: guard(api.get.bind(api)),
    list: guard(api.list.bind(api)),
    watch: guard(api.watch.bind(api)),
    create: guard(api.create.bind(api)),
    update: guard(api.update.bind(api)),
    patch: guard(api.patch.bind(api)),
    delete: guard(api.delete.bind(api)),
  };
  return state;
}

interface Candidate {
  id: string;
  elector: LeaderElector;
  ac: AbortController;
  run: Promise<void> | undefined;
  net: { client: ApiClient; down: boolean };
  leading: boolean;
  leaderSignal: AbortSignal | undefined;
  newLeaders: string[];
  stopped: number;
}

function candidate(id: string, api: FakeApiClient, clock: FakeClock, timeline: string[], opts: { releaseOnCancel?: boolean } = {}): Candidate {
  const net = partitionable(api);
  const c = { id, net, ac: new AbortController(), run: undefined, leading: false, leaderSignal: undefined, newLeaders: [], stopped: 0 } as unknown as Candidate;
  c.elector = new LeaderElector({
    client: net.client,
    clock,
    namespace: 'kube-system',
    name: 'k8ts-controller-manager',
    identity: id,
    releaseOnCancel: opts.releaseOnCancel,
    random: () => 0,
    callbacks: {
      onStartedLeading: (signal) => {
        c.leading = true;
        c.leaderSignal = signal;
        timeline.push(`${clock.now() - T0} ${id} started`);
        signal.addEventListener('abort', () => (c.leading = false));
      },
      onStoppedLeading: () => {
        c.stopped++;
        c.leading = false;
        timeline.push(`${clock.now() - T0} ${id} stopped`);
      },
      onNewLeader: (who) => c.newLeaders.push(who),
    },
  });
  return c;
}

const T0 = Date.UTC(2026, 0, 1);

/** Advances in small steps, checking that at most one candidate believes it leads. */
async function runFor(clock: FakeClock, ms: number, cands: Candidate[]): Promise<void> {
  for (let t = 0; t < ms; t += 100) {
    await clock.advance(100);
    assert.ok(cands.filter((c) => c.leading).length <= 1, `two leaders at ${clock.now() - T0} ms`);
  }
}

async function lease(api: FakeApiClient) {
  return recordOf(await api.get(LEASES, 'kube-system', 'k8ts-controller-manager'));
}

describe('LeaderElector', () => {
  it('creates the lease when absent, with upstream fields and MicroTime stamps, and renews it', async () => {
    const clock = new FakeClock(T0);
    const api = new FakeApiClient({ clock, kinds: { leases: 'Lease' } });
    const timeline: string[] = [];
    const a = candidate('a', api, clock, timeline);
    a.run = a.elector.run(a.ac.signal);
    await new Promise((r) => setImmediate(r)); // let the acquisition finish at t=0
    await runFor(clock, 100, [a]);
    assert.equal(a.leading, true);
    assert.equal(a.elector.isLeader(), true);
    assert.deepEqual(a.newLeaders, ['a']);
    const obj = await api.get(LEASES, 'kube-system', 'k8ts-controller-manager');
    assert.equal(obj.kind, 'Lease');
    assert.deepEqual(obj.spec, {
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      acquireTime: '2026-01-01T00:00:00.000000Z',
      renewTime: '2026-01-01T00:00:00.000000Z',
      leaseTransitions: 0,
    });
    await runFor(clock, 4100, [a]);
    const renewed = await lease(api);
    assert.equal(renewed.acquireTime, '2026-01-01T00:00:00.000000Z', 'acquireTime is kept while renewing');
    assert.equal(renewed.renewTime, '2026-01-01T00:00:04.000000Z', 'renewed every 2 s');
    assert.equal(renewed.leaseTransitions, 0);
    a.ac.abort();
    await a.run;
    assert.equal(a.stopped, 1);
    assert.equal(a.leaderSignal?.aborted, true);
  });

  it('two candidates: exactly one leads; the other takes over 15 s after the leader stops renewing', async () => {
    const clock = new FakeClock(T0);
    const api = new FakeApiClient({ clock, kinds: { leases: 'Lease' } });
    const timeline: string[] = [];
    const a = candidate('a', api, clock, timeline);
    const b = candidate('b', api, clock, timeline);
    // Both campaign in the same instant: only one create can win.
    a.run = a.elector.run(a.ac.signal);
    b.run = b.elector.run(b.ac.signal);
    await runFor(clock, 30_000, [a, b]);
    const [leader, follower] = a.leading ? [a, b] : [b, a];
    assert.equal(leader.leading, true);
    assert.equal(follower.leading, false);
    assert.equal(follower.elector.getLeader(), leader.id);
    assert.deepEqual(follower.newLeaders, [leader.id]);

    // The leader dies without releasing (its process is gone: no more renewals).
    leader.net.down = true;
    leader.ac.abort();
    await leader.run;
    const diedAt = clock.now();
    const lastRenew = Date.parse((await lease(api)).renewTime);
    await runFor(clock, 20_000, [a, b]);
    assert.equal(follower.leading, true);
    const took = timeline.find((l) => l.endsWith(`${follower.id} started`))!;
    const tookAt = T0 + Number(took.split(' ')[0]);
    assert.ok(tookAt - lastRenew >= 15_000, `took over ${tookAt - lastRenew} ms after the last renewal`);
    assert.ok(tookAt - diedAt <= 15_000 + 4_400, 'within one lease duration plus a jittered retry');
    const rec = await lease(api);
    assert.equal(rec.holderIdentity, follower.id);
    assert.equal(rec.leaseTransitions, 1);
    assert.equal(rec.acquireTime, new Date(tookAt).toISOString().replace('Z', '000Z'));
    assert.deepEqual(follower.newLeaders, [leader.id, follower.id]);
    follower.ac.abort();
    await follower.run;
  });

  it('two candidates racing for an expired lease in lockstep: the resourceVersion lets only one win', async () => {
    const clock = new FakeClock(T0);
    const api = new FakeApiClient({ clock, kinds: { leases: 'Lease' } });
    await api.create(LEASES, 'kube-system', {
      metadata: { name: 'k8ts-controller-manager' },
      spec: { holderIdentity: 'ghost', leaseDurationSeconds: 15, acquireTime: '2025-12-31T23:00:00.000000Z', renewTime: '2025-12-31T23:00:00.000000Z', leaseTransitions: 4 },
    });
    // Slow writes: each candidate reads the lease before the other's write lands.
    api.onCall = (c) => (c.verb === 'update' ? clock.sleep(50) : undefined);
    const timeline: string[] = [];
    const a = candidate('a', api, clock, timeline);
    const b = candidate('b', api, clock, timeline);
    a.run = a.elector.run(a.ac.signal);
    b.run = b.elector.run(b.ac.signal);
    await runFor(clock, 25_000, [a, b]);
    assert.equal([a, b].filter((c) => c.leading).length, 1);
    const updates = api.calls.filter((c) => c.verb === 'update');
    assert.ok(updates.length >= 2, 'both tried to take the lease over');
    const rec = await lease(api);
    assert.equal(rec.leaseTransitions, 5);
    assert.equal(rec.holderIdentity, a.leading ? 'a' : 'b');
    // Both waited out the full lease duration of the holder they found.
    const started = Number(timeline.find((l) => l.includes('started'))!.split(' ')[0]);
    assert.ok(started >= 15_000, `took over at ${started} ms`);
    a.ac.abort();
    b.ac.abort();
    await Promise.all([a.run, b.run]);
  });

  it('a partitioned leader steps down after the renew deadline, before anyone else may lead', async () => {
    const clock = new FakeClock(T0);
    const api = new FakeApiClient({ clock, kinds: { leases: 'Lease' } });
    const timeline: string[] = [];
    const a = candidate('a', api, clock, timeline);
    a.run = a.elector.run(a.ac.signal);
    await runFor(clock, 1000, [a]);
    const b = candidate('b', api, clock, timeline);
    b.run = b.elector.run(b.ac.signal);
    await runFor(clock, 5000, [a, b]);
    assert.equal(a.leading, true);
    a.net.down = true;
    await runFor(clock, 30_000, [a, b]);
    await a.run; // run returns when leadership is lost
    assert.equal(b.leading, true);
    const stoppedA = Number(timeline.find((l) => l.endsWith('a stopped'))!.split(' ')[0]);
    const startedB = Number(timeline.find((l) => l.endsWith('b started'))!.split(' ')[0]);
    assert.ok(stoppedA < startedB, `a stopped at ${stoppedA}, b started at ${startedB}`);
    assert.equal(a.leaderSignal?.aborted, true);
    b.ac.abort();
    await b.run;
  });

  it('releaseOnCancel hands the lease over at once', async () => {
    const clock = new FakeClock(T0);
    const api = new FakeApiClient({ clock, kinds: { leases: 'Lease' } });
    const timeline: string[] = [];
    const a = candidate('a', api, clock, timeline, { releaseOnCancel: true });
    a.run = a.elector.run(a.ac.signal);
    await runFor(clock, 1000, [a]);
    const b = candidate('b', api, clock, timeline);
    b.run = b.elector.run(b.ac.signal);
    await runFor(clock, 3000, [a, b]);
    a.ac.abort();
    await a.run;
    const released = await lease(api);
    assert.equal(released.holderIdentity, '');
    assert.equal(released.leaseDurationSeconds, 1);
    const abortedAt = clock.now();
    await runFor(clock, 5000, [a, b]);
    assert.equal(b.leading, true);
    const startedB = T0 + Number(timeline.find((l) => l.endsWith('b started'))!.split(' ')[0]);
    assert.ok(startedB - abortedAt <= 2_000, 'b takes over on its next retry');
    assert.equal((await lease(api)).leaseTransitions, 1);
    b.ac.abort();
    await b.run;
  });

  it('validates its timing parameters as upstream', () => {
    const base = { client: new FakeApiClient(), namespace: 'ns', name: 'l', identity: 'x', callbacks: { onStartedLeading() {} } };
    assert.throws(() => new LeaderElector({ ...base, leaseDurationSeconds: 10, renewDeadlineMs: 10_000 }), /leaseDuration/);
    assert.throws(() => new LeaderElector({ ...base, renewDeadlineMs: 2_000, retryPeriodMs: 2_000 }), /renewDeadline/);
    assert.throws(() => new LeaderElector({ ...base, identity: '' }), /identity/);
    assert.ok(new LeaderElector(base));
  });
});
