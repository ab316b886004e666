import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration, selectControllers } from './controller-manager.js';

describe('controller-manager flags', () => {
  it('parses Go-style durations', () => {
    for (const [s, ms] of [
      ['15s', 15_000],
      ['500ms', 500],
      ['1m30s', 90_000],
      ['1.5s', 1500],
      ['2h', 7_200_000],
    ] as const) {
      assert.equal(parseDuration('d', s), ms, s);
    }
    for (const bad of ['', '15', 's', '1x', '10s ']) assert.throws(() => parseDuration('d', bad), /invalid duration/, bad);
  });

  it("selects controllers as --controllers does ('*', names, '-name')", () => {
    const known = ['a', 'b', 'c'];
    assert.deepEqual(selectControllers('*', known), ['a', 'b', 'c']);
    assert.deepEqual(selectControllers('*,-b', known), ['a', 'c']);
    assert.deepEqual(selectControllers('c,a', known), ['a', 'c']);
    assert.throws(() => selectControllers('*,nope', known), /unknown controller "nope"/);
  });
});
