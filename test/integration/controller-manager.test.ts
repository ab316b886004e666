import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HttpClient } from '../../src/client/index.js';
import { ControllerManager, type ControllerFactory } from '../../src/controllers/index.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { until } from '../helpers/wait.js';


describe('ControllerManager', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({ controllers: [] });
  });
  after(() => c.stop());

  it('runs its controllers only while it holds the lease; a standby takes over on release', async () => {
    const running = new Set<string>();
    const probe = (who: string): ControllerFactory => () => ({
      name: 'probe',
      run: (signal) =>
        new Promise<void>((resolve) => {
          running.add(who);
          signal.addEventListener('abort', () => {
            running.delete(who);
            resolve();
          }, { once: true });
        }),
    });
    const api = new HttpClient(c.client);
    const mk = (who: string) =>
      new ControllerManager({
        client: api,
        controllers: { probe: probe(who) },
        leaderElection: { identity: who, name: 'cm-test', leaseDurationSeconds: 2, renewDeadlineMs: 1500, retryPeriodMs: 200 },
      });
    const a = new AbortController();
    const runA = mk('a').run(a.signal);
    await until(() => running.has('a'), 'a leading');
    const b = new AbortController();
    const runB = mk('b').run(b.signal);
    await new Promise((r) => setTimeout(r, 800));
    assert.deepEqual([...running], ['a'], 'the standby must not run controllers while a leads');
    a.abort();
    await runA;
    assert.equal(running.has('a'), false);
    await until(() => running.has('b'), 'b taking over after a released the lease', 5_000);
    b.abort();
    await runB;
    assert.equal(running.size, 0);
  });

  it('rejects an unknown controller name', async () => {
    const m = new ControllerManager({ client: new HttpClient(c.client), controllers: {}, enabled: ['nope'] });
    await assert.rejects(m.run(AbortSignal.abort()), /unknown controller "nope"/);
  });
});
