import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { isUUID, newUID } from './uid.js';

describe('newUID', () => {
  it('returns distinct lowercase RFC 4122 version 4 UUIDs', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const u = newUID();
      assert.match(u, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      seen.add(u);
    }
    assert.equal(seen.size, 1000);
  });

  it('isUUID checks the shape', () => {
    assert.equal(isUUID('0b5a0fa6-36a3-4e5e-9f3e-2b3c4d5e6f70'), true);
    assert.equal(isUUID('0B5A0FA6-36A3-4E5E-9F3E-2B3C4D5E6F70'), true);
    assert.equal(isUUID('0b5a0fa6-36a3-4e5e-9f3e-2b3c4d5e6f7'), false);
    assert.equal(isUUID('not-a-uid'), false);
  });
});
