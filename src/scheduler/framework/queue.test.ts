import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../util/clock.js';
import { makePod, makeNode } from '../testing.js';
import { ActionType, EventResource, QueueingHint } from './cluster-events.js';
import { NominatingMode, type PreEnqueuePlugin, type QueuedPodInfo } from './interfaces.js';
import { PodInfo } from './node-info.js';
import { SchedulingQueue, type PluginHint } from './queue.js';
import { Code, Status } from './status.js';

const nodeAdd = { resource: EventResource.Node, actionType: ActionType.Add };
const fitHints: PluginHint[] = [
  {
    plugin: 'NodeResourcesFit',
    event: { resource: EventResource.Node, actionType: ActionType.Add | ActionType.UpdateNodeAllocatable },
    hint: (_pod, _old, n) => ((n as { metadata: { labels?: Record<string, string> } }).metadata.labels?.big ? QueueingHint.Queue : QueueingHint.QueueSkip),
  },
];

function setup(opts: { hints?: PluginHint[]; preEnqueue?: PreEnqueuePlugin[] } = {}) {
  const clock = new FakeClock();
  const q = new SchedulingQueue({ clock, hints: opts.hints ?? fitHints, preEnqueuePlugins: opts.preEnqueue });
  const ac = new AbortController();
  const running = q.run(ac.signal);
  return { clock, q, stop: async () => (ac.abort(), await running) };
}

async function popName(q: SchedulingQueue): Promise<string> {
  const p = await q.pop();
  return p!.podInfo.name;
}

/** Pops `name` and fails it with the given rejecting plugins (none: an error). */
async function failAttempt(q: SchedulingQueue, name: string, plugins: string[] = []): Promise<QueuedPodInfo> {
  const p = (await q.pop())!;
  assert.equal(p.podInfo.name, name);
  p.unschedulablePlugins = new Set(plugins);
  q.addUnschedulableIfNotPresent(p);
  return p;
}

describe('SchedulingQueue', () => {
  it('pops by priority, then by queue time', async () => {
    const { q, clock, stop } = setup();
    q.add(makePod('low', { priority: 1 }));
    await clock.advance(10);
    q.add(makePod('high', { priority: 10 }));
    q.add(makePod('mid-early', { priority: 5 }));
    await clock.advance(10);
    q.add(makePod('mid-late', { priority: 5 }));
    q.add(makePod('none'));
    const order = [];
    for (let i = 0; i < 5; i++) order.push(await popName(q));
    assert.deepEqual(order, ['high', 'mid-early', 'mid-late', 'low', 'none']);
    await stop();
  });

  it('pop waits for a pod and returns undefined once closed', async () => {
    const { q, stop } = setup();
    const waiting = q.pop();
    q.add(makePod('late'));
    assert.equal((await waiting)?.podInfo.name, 'late');
    const never = q.pop();
    await stop();
    assert.equal(await never, undefined);
  });

  it('backs off 1 s doubling per attempt up to 10 s', () => {
    const clock = new FakeClock();
    const q = new SchedulingQueue({ clock });
    const qi = { podInfo: new PodInfo(makePod('p')), timestamp: 0, attempts: 0, initialAttemptTimestamp: undefined, unschedulablePlugins: new Set<string>(), pendingPlugins: new Set<string>(), gatingPlugin: undefined };
    const table: [number, number][] = [
      [1, 1000],
      [2, 2000],
      [3, 4000],
      [4, 8000],
      [5, 10_000],
      [9, 10_000],
    ];
    for (const [attempts, ms] of table) assert.equal(q.backoffTime({ ...qi, attempts }), ms, `attempt ${attempts}`);
  });

  it('a failed attempt without a rejecting plugin waits out its backoff, then returns to activeQ', async () => {
    const { q, clock, stop } = setup();
    const pod = makePod('p');
    q.add(pod);
    await failAttempt(q, 'p');
    assert.equal(q.whereIs(pod), 'backoffQ');
    await clock.advance(999);
    assert.equal(q.whereIs(pod), 'backoffQ');
    await clock.advance(1001);
    assert.equal(q.whereIs(pod), 'activeQ');
    await failAttempt(q, 'p');
    await clock.advance(1000);
    assert.equal(q.whereIs(pod), 'backoffQ', 'second attempt backs off 2 s');
    await clock.advance(1000);
    assert.equal(q.whereIs(pod), 'activeQ');
    await stop();
  });

  it('a rejected pod waits in the unschedulable pool until an event its rejector registered says Queue', async () => {
    const { q, clock, stop } = setup();
    const pod = makePod('p');
    q.add(pod);
    await failAttempt(q, 'p', ['NodeResourcesFit']);
    assert.equal(q.whereIs(pod), 'unschedulablePods');
    q.moveAllToActiveOrBackoffQueue(nodeAdd, undefined, makeNode('small'));
    assert.equal(q.whereIs(pod), 'unschedulablePods', 'the hint said QueueSkip');
    q.moveAllToActiveOrBackoffQueue({ resource: EventResource.PersistentVolume, actionType: ActionType.Add });
    assert.equal(q.whereIs(pod), 'unschedulablePods', 'not an event NodeResourcesFit registered');
    q.moveAllToActiveOrBackoffQueue(nodeAdd, undefined, makeNode('big', { labels: { big: 'yes' } }));
    assert.equal(q.whereIs(pod), 'backoffQ', 'still inside its 1 s backoff');
    await clock.advance(1000);
    assert.equal(q.whereIs(pod), 'activeQ');
    await stop();
  });

  it('a pod moved after its backoff ended goes straight to activeQ', async () => {
    const { q, clock, stop } = setup();
    const pod = makePod('p');
    q.add(pod);
    await failAttempt(q, 'p', ['NodeResourcesFit']);
    await clock.advance(5000);
    q.moveAllToActiveOrBackoffQueue(nodeAdd, undefined, makeNode('big', { labels: { big: 'yes' } }));
    assert.equal(q.whereIs(pod), 'activeQ');
    await stop();
  });

  it('flushes pods left unschedulable for more than 5 minutes', async () => {
    const { q, clock, stop } = setup();
    const pod = makePod('p');
    q.add(pod);
    await failAttempt(q, 'p', ['NodeResourcesFit']);
    await clock.advance(5 * 60_000);
    assert.equal(q.whereIs(pod), 'unschedulablePods');
    await clock.advance(30_000);
    assert.equal(q.whereIs(pod), 'activeQ');
    await stop();
  });

  it('an event during the attempt that may help sends the pod to backoff instead of the pool', async () => {
    const { q, clock, stop } = setup();
    const pod = makePod('p');
    q.add(pod);
    const p = (await q.pop())!;
    q.moveAllToActiveOrBackoffQueue(nodeAdd, undefined, makeNode('big', { labels: { big: 'yes' } }));
    p.unschedulablePlugins = new Set(['NodeResourcesFit']);
    assert.equal(q.addUnschedulableIfNotPresent(p), 'backoffQ');
    assert.equal(q.inFlightCount(), 0);
    await clock.advance(1000);
    assert.equal(q.whereIs(pod), 'activeQ');
    await stop();
  });

  it('events before the attempt started do not count', async () => {
    const { q, stop } = setup();
    const other = makePod('other');
    q.add(other);
    const first = (await q.pop())!;
    q.moveAllToActiveOrBackoffQueue(nodeAdd, undefined, makeNode('big', { labels: { big: 'yes' } }));
    const pod = makePod('p');
    q.add(pod);
    const p = (await q.pop())!;
    p.unschedulablePlugins = new Set(['NodeResourcesFit']);
    assert.equal(q.addUnschedulableIfNotPresent(p), 'unschedulablePods');
    q.done(first.podInfo.uid);
    await stop();
  });

  it('PreEnqueue keeps gated pods out until an update lets them in', async () => {
    const gate: PreEnqueuePlugin = {
      name: 'SchedulingGates',
      preEnqueue: (p) => ((p.spec.schedulingGates ?? []).length ? Status.of(Code.UnschedulableAndUnresolvable, 'gated') : undefined),
    };
    const hints: PluginHint[] = [{ plugin: 'SchedulingGates', event: { resource: EventResource.UnscheduledPod, actionType: ActionType.UpdatePodSchedulingGatesEliminated } }];
    const { q, stop } = setup({ hints, preEnqueue: [gate] });
    const gated = makePod('g', { spec: { schedulingGates: [{ name: 'wait' }] } });
    q.add(gated);
    assert.equal(q.whereIs(gated), 'unschedulablePods');
    assert.equal(q.get(gated)?.gatingPlugin, 'SchedulingGates');
    const ungated = makePod('g', { spec: { schedulingGates: [] } });
    ungated.metadata.resourceVersion = '2';
    q.update(gated, ungated);
    assert.equal(q.whereIs(ungated), 'activeQ');
    await stop();
  });

  it('deletes pods from every sub-queue', async () => {
    const { q, stop } = setup();
    const a = makePod('a');
    q.add(a);
    q.delete(a);
    assert.equal(q.whereIs(a), undefined);
    await stop();
  });

  it('remembers nominations (from status or an Override) until deleted', async () => {
    const { q, stop } = setup();
    const fromStatus = makePod('s');
    fromStatus.status = { nominatedNodeName: 'n1' };
    q.add(fromStatus);
    const other = makePod('o');
    q.addNominatedPod(new PodInfo(other), { mode: NominatingMode.Override, nominatedNodeName: 'n1' });
    assert.deepEqual(q.nominatedPodsForNode('n1').map((p) => p.name).sort(), ['o', 's']);
    q.addNominatedPod(new PodInfo(other), { mode: NominatingMode.Override, nominatedNodeName: 'n2' });
    assert.deepEqual(q.nominatedPodsForNode('n1').map((p) => p.name), ['s']);
    q.deleteNominatedPodIfExists(fromStatus);
    assert.deepEqual(q.nominatedPodsForNode('n1'), []);
    assert.equal(q.nominatedNodeOf(other), 'n2');
    await stop();
  });
});
