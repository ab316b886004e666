import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../util/clock.js';
import { EXPECTATIONS_TIMEOUT_MS } from '../framework/index.js';
import { UidTrackingExpectations } from './expectations.js';

describe('UidTrackingExpectations', () => {
  it('counts each expected deletion once, whether seen as deletionTimestamp or as removal', () => {
    const e = new UidTrackingExpectations(new FakeClock());
    e.expectDeletions('ns/rs', ['ns/a', 'ns/b']);
    assert.equal(e.satisfied('ns/rs'), false);
    e.deletionObserved('ns/rs', 'ns/a');
    e.deletionObserved('ns/rs', 'ns/a');
    assert.deepEqual(e.pending('ns/rs'), { add: 0, del: 1 });
    e.deletionObserved('ns/rs', 'ns/other');
    assert.deepEqual(e.pending('ns/rs'), { add: 0, del: 1 }, 'an unexpected pod does not count');
    e.deletionObserved('ns/rs', 'ns/b');
    assert.equal(e.satisfied('ns/rs'), true);
  });

  it('tracks creations by count and expires after the timeout', async () => {
    const clock = new FakeClock();
    const e = new UidTrackingExpectations(clock);
    e.expectCreations('k', 2);
    e.creationObserved('k');
    assert.equal(e.satisfied('k'), false);
    await clock.advance(EXPECTATIONS_TIMEOUT_MS + 1);
    assert.equal(e.satisfied('k'), true, 'a lost watch event must not wedge the controller');
  });

  it('forgets everything about a deleted owner', () => {
    const e = new UidTrackingExpectations(new FakeClock());
    e.expectDeletions('k', ['ns/a']);
    e.delete('k');
    assert.equal(e.satisfied('k'), true);
    assert.equal(e.pending('k'), undefined);
    e.deletionObserved('k', 'ns/a');
    assert.equal(e.pending('k'), undefined);
  });
});
