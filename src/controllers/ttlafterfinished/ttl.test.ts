import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { needsCleanup, timeLeft } from './controller.js';

describe('TTL after finished', () => {
  const job = (ttl: number | undefined, cond?: string, extra: object = {}) => ({
    metadata: { name: 'j', namespace: 'ns', ...extra },
    spec: ttl === undefined ? {} : { ttlSecondsAfterFinished: ttl },
    status: cond ? { conditions: [{ type: cond, status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z' }] } : {},
  });
  const t0 = Date.parse('2024-01-01T00:00:00Z');
  it('counts from the Complete or Failed transition', () => {
    assert.equal(timeLeft(job(100, 'Complete'), t0 + 40_000), 60_000);
    assert.equal(timeLeft(job(100, 'Failed'), t0 + 150_000), -50_000);
    assert.equal(timeLeft(job(0, 'Complete'), t0), 0);
  });
  it('ignores unfinished Jobs, Jobs without TTL and Jobs being deleted', () => {
    assert.equal(needsCleanup(job(10)), false);
    assert.equal(needsCleanup(job(10, 'SuccessCriteriaMet')), false);
    assert.equal(needsCleanup(job(undefined, 'Complete')), false);
    assert.equal(needsCleanup(job(10, 'Complete', { deletionTimestamp: '2024-01-01T00:00:01Z' })), false);
    assert.equal(timeLeft(job(10), t0), undefined);
  });
});
