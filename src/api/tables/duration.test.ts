import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatRFC3339, humanDuration, parseTime, translateTimestampSince } from './duration.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

describe('humanDuration', () => {
  const cases: Array<[number, string]> = [
    [0, '0s'],
    [-500, '0s'],
    [-1999, '0s'],
    [-2000, '<invalid>'],
    [999, '0s'],
    [5 * s, '5s'],
    [119 * s + 999, '119s'],
    [120 * s, '2m'],
    [123 * s, '2m3s'],
    [9 * m + 59 * s, '9m59s'],
    [10 * m + 30 * s, '10m'],
    [179 * m + 59 * s, '179m'],
    [180 * m, '3h'],
    [3 * h + 4 * m + 59 * s, '3h4m'],
    [7 * h + 59 * m, '7h59m'],
    [8 * h + 30 * m, '8h'],
    [47 * h + 59 * m, '47h'],
    [48 * h, '2d'],
    [2 * d + 3 * h + 20 * m, '2d3h'],
    [7 * d + 23 * h, '7d23h'],
    [8 * d, '8d'],
    [729 * d + 23 * h, '729d'],
    [730 * d, '2y'],
    [765 * d, '2y35d'],
    [8 * 365 * d - 1, '7y364d'],
    [8 * 365 * d, '8y'],
    [3653 * d, '10y'],
  ];
  for (const [ms, want] of cases) {
    it(`${ms}ms -> ${want}`, () => assert.equal(humanDuration(ms), want));
  }
});

describe('parseTime', () => {
  const cases: Array<[unknown, number | null]> = [
    ['2024-06-01T12:00:00Z', Date.UTC(2024, 5, 1, 12)],
    ['2024-06-01T14:00:00+02:00', Date.UTC(2024, 5, 1, 12)],
    ['2024-06-01T09:30:00-02:30', Date.UTC(2024, 5, 1, 12)],
    ['2024-06-01T12:00:00.123456Z', Date.UTC(2024, 5, 1, 12, 0, 0, 123)],
    ['2024-06-01T12:00:00.5Z', Date.UTC(2024, 5, 1, 12, 0, 0, 500)],
    ['0001-01-01T00:00:00Z', null],
    ['', null],
    [null, null],
    [undefined, null],
    [12345, null],
    ['yesterday', null],
  ];
  for (const [input, want] of cases) {
    it(`${JSON.stringify(input)}`, () => assert.equal(parseTime(input), want));
  }
});

describe('translateTimestampSince', () => {
  const now = Date.UTC(2024, 5, 1, 12);
  it('renders the age', () => assert.equal(translateTimestampSince('2024-06-01T11:57:57Z', now), '2m3s'));
  it('renders unset as <unknown>', () => {
    assert.equal(translateTimestampSince(undefined, now), '<unknown>');
    assert.equal(translateTimestampSince(null, now), '<unknown>');
    assert.equal(translateTimestampSince('0001-01-01T00:00:00Z', now), '<unknown>');
  });
  it('renders a timestamp in the future beyond skew as <invalid>', () =>
    assert.equal(translateTimestampSince('2024-06-01T12:00:05Z', now), '<invalid>'));
});

describe('formatRFC3339', () => {
  it('normalizes to UTC whole seconds', () => {
    assert.equal(formatRFC3339('2024-06-01T14:00:00.987+02:00'), '2024-06-01T12:00:00Z');
    assert.equal(formatRFC3339('2024-06-01T12:00:00Z'), '2024-06-01T12:00:00Z');
  });
  it('renders unset as the zero time', () => assert.equal(formatRFC3339(undefined), '0001-01-01T00:00:00Z'));
});
