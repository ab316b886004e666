import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatQuantity, formatQuantityPointer } from './quantity.js';

describe('formatQuantity', () => {
  const cases: Array<[unknown, string]> = [
    ['1Gi', '1Gi'],
    ['1024Mi', '1Gi'],
    ['1536Mi', '1536Mi'],
    ['1.5Gi', '1536Mi'],
    ['2048Ki', '2Mi'],
    ['100Ki', '100Ki'],
    ['0.5Ki', '512'],
    ['1023', '1023'],
    ['512', '512'],
    ['1000', '1k'],
    ['1500', '1500'],
    ['2000m', '2'],
    ['0.5', '500m'],
    ['1.5', '1500m'],
    ['100m', '100m'],
    ['0.1m', '100u'],
    ['1n', '1n'],
    ['0.0000000001', '1n'],
    ['1e3', '1e3'],
    ['12e6', '12e6'],
    ['1E', '1E'],
    ['10G', '10G'],
    ['0', '0'],
    ['0Gi', '0'],
    ['-1Gi', '-1Gi'],
    ['-500m', '-500m'],
    ['+3', '3'],
    [2, '2'],
    [undefined, '0'],
    ['not a quantity', 'not a quantity'],
  ];
  for (const [input, want] of cases) {
    it(`${JSON.stringify(input)} -> ${want}`, () => assert.equal(formatQuantity(input), want));
  }
  it('prints an absent pointer as <nil>', () => {
    assert.equal(formatQuantityPointer(undefined), '<nil>');
    assert.equal(formatQuantityPointer('1k'), '1k');
  });
});
