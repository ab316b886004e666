import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../util/clock.js';
import { ControllerExpectations, EXPECTATIONS_TIMEOUT_MS } from './expectations.js';
import { podFromTemplate, podNamePrefix } from './pod-control.js';

describe('ControllerExpectations', () => {
  it('is satisfied once every expected creation and deletion was observed, or after the timeout', async () => {
    const clock = new FakeClock();
    const e = new ControllerExpectations(clock);
    assert.ok(e.satisfied('k'), 'no record');
    e.set('k', 2, 1);
    e.creationObserved('k');
    assert.equal(e.satisfied('k'), false);
    e.creationObserved('k');
    assert.equal(e.satisfied('k'), false);
    e.deletionObserved('k');
    assert.ok(e.satisfied('k'));
    e.expectCreations('k', 1);
    assert.equal(e.satisfied('k'), false);
    await clock.advance(EXPECTATIONS_TIMEOUT_MS + 1);
    assert.ok(e.satisfied('k'), 'expired');
    e.delete('k');
    assert.equal(e.pending('k'), undefined);
  });
});

describe('podFromTemplate', () => {
  it('copies labels, annotations, finalizers and spec, and owns the pod', () => {
    const ref = { apiVersion: 'batch/v1', kind: 'Job', name: 'pi', uid: 'u', controller: true, blockOwnerDeletion: true };
    const tpl = { metadata: { labels: { a: 'b' }, annotations: { x: 'y' }, finalizers: ['f'], name: 'ignored' }, spec: { containers: [{ name: 'c' }] } };
    const pod = podFromTemplate(tpl, 'pi', ref);
    assert.deepEqual(pod.metadata, { generateName: 'pi-', labels: { a: 'b' }, annotations: { x: 'y' }, finalizers: ['f'], ownerReferences: [ref] });
    (pod.spec as { containers: { name: string }[] }).containers[0]!.name = 'changed';
    assert.equal(tpl.spec.containers[0]!.name, 'c', 'spec is copied');
    assert.equal(podNamePrefix('Bad_Name'), 'Bad_Name', 'an invalid prefix falls back to the name');
  });
});
