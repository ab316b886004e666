import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { FakeClock } from '../util/clock.js';
import {
  formatMicroTime,
  formatTime,
  goTimeString,
  normalizeMicroTime,
  normalizeTime,
  nowMicroTime,
  nowTime,
  parseMicroTime,
  parseTime,
  parseTimeQueryParameter,
  TimeParseError,
} from './time.js';

const T = '"2006-01-02T15:04:05Z07:00"';
const M = '"2006-01-02T15:04:05.000000Z07:00"';
const at = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0) => Date.UTC(y, mo - 1, d, h, mi, s, ms);

describe('formatTime and formatMicroTime', () => {
  const cases: [number, string][] = [
    [at(2026, 11, 22, 11, 48, 19), '2026-11-22T11:48:19Z'],
    [at(2026, 11, 22, 11, 48, 19, 999), '2026-11-22T11:48:19Z'],
    [0, '1970-01-01T00:00:00Z'],
    [-1, '1969-12-31T23:59:59Z'],
    [at(2024, 2, 29, 23, 59, 59), '2024-02-29T23:59:59Z'],
    [at(9999, 12, 31, 23, 59, 59), '9999-12-31T23:59:59Z'],
  ];
  for (const [ms, s] of cases) it(s, () => assert.equal(formatTime(ms), s));

  it('handles years below 100 without Date quirks', () => {
    assert.equal(formatTime(parseTime('0099-01-01T00:00:00Z')), '0099-01-01T00:00:00Z');
    assert.equal(formatTime(parseTime('0001-01-01T00:00:00Z')), '0001-01-01T00:00:00Z');
  });

  it('formats microseconds', () => {
    assert.equal(formatMicroTime(at(2026, 11, 22, 11, 48, 19) * 1000 + 123456), '2026-11-22T11:48:19.123456Z');
    assert.equal(formatMicroTime(at(2026, 11, 22, 11, 48, 19) * 1000), '2026-11-22T11:48:19.000000Z');
    assert.equal(formatMicroTime(-1), '1969-12-31T23:59:59.999999Z');
  });

  it('reads the injected clock', () => {
    const clock = new FakeClock(at(2026, 11, 22, 11, 48, 19, 123));
    assert.equal(nowTime(clock), '2026-11-22T11:48:19Z');
    assert.equal(nowMicroTime(clock), '2026-11-22T11:48:19.123000Z');
  });

  it('goTimeString', () => {
    assert.equal(goTimeString(at(2026, 11, 22, 11, 48, 19)), '2026-11-22 11:48:19 +0000 UTC');
    assert.equal(goTimeString(at(2026, 11, 22, 11, 48, 19, 500)), '2026-11-22 11:48:19.5 +0000 UTC');
  });
});

describe('parseTime', () => {
  const cases: [string, number][] = [
    ['2026-11-22T11:48:19Z', at(2026, 11, 22, 11, 48, 19)],
    ['2026-11-22T11:48:19.123456789Z', at(2026, 11, 22, 11, 48, 19, 123)],
    ['2026-11-22T11:48:19,5Z', at(2026, 11, 22, 11, 48, 19, 500)],
    ['2026-11-22T12:48:19+01:00', at(2026, 11, 22, 11, 48, 19)],
    ['2026-11-22T06:18:19-05:30', at(2026, 11, 22, 11, 48, 19)],
    ['2026-11-22T1:48:19Z', at(2026, 11, 22, 1, 48, 19)],
    ['2024-02-29T00:00:00Z', at(2024, 2, 29)],
    ['2026-11-22T11:48:19+24:00', at(2026, 11, 21, 11, 48, 19)],
  ];
  for (const [s, ms] of cases) it(s, () => assert.equal(parseTime(s), ms));

  const errors: [string, string][] = [
    ['', `parsing time "" as ${T}: cannot parse "" as "2006"`],
    ['x', `parsing time "x" as ${T}: cannot parse "x" as "2006"`],
    ['2024-01-01', `parsing time "2024-01-01" as ${T}: cannot parse "" as "T"`],
    ['2026/11/22T11:48:19Z', `parsing time "2026/11/22T11:48:19Z" as ${T}: cannot parse "/11/22T11:48:19Z" as "-"`],
    ['2026-1-22T11:48:19Z', `parsing time "2026-1-22T11:48:19Z" as ${T}: cannot parse "1-22T11:48:19Z" as "01"`],
    ['2026-11-22 11:48:19Z', `parsing time "2026-11-22 11:48:19Z" as ${T}: cannot parse " 11:48:19Z" as "T"`],
    ['2026-11-22T11:48:19', `parsing time "2026-11-22T11:48:19" as ${T}: cannot parse "" as "Z07:00"`],
    ['2026-11-22T11:48:19z', `parsing time "2026-11-22T11:48:19z" as ${T}: cannot parse "z" as "Z07:00"`],
    ['2026-11-22T11:48:19+0100', `parsing time "2026-11-22T11:48:19+0100" as ${T}: cannot parse "+0100" as "Z07:00"`],
    ['2026-11-22T11:4:19Z', `parsing time "2026-11-22T11:4:19Z" as ${T}: cannot parse "4:19Z" as "04"`],
    ['2026-13-01T00:00:00Z', 'parsing time "2026-13-01T00:00:00Z": month out of range'],
    ['2026-00-01T00:00:00Z', 'parsing time "2026-00-01T00:00:00Z": month out of range'],
    ['2026-02-30T00:00:00Z', 'parsing time "2026-02-30T00:00:00Z": day out of range'],
    ['2026-02-00T00:00:00Z', 'parsing time "2026-02-00T00:00:00Z": day out of range'],
    ['2026-11-22T24:00:00Z', 'parsing time "2026-11-22T24:00:00Z": hour out of range'],
    ['2026-11-22T11:60:00Z', 'parsing time "2026-11-22T11:60:00Z": minute out of range'],
    ['2026-11-22T11:48:60Z', 'parsing time "2026-11-22T11:48:60Z": second out of range'],
    ['2026-11-22T11:48:19+25:00', 'parsing time "2026-11-22T11:48:19+25:00": time zone offset hour out of range'],
    ['2026-11-22T11:48:19Zjunk', 'parsing time "2026-11-22T11:48:19Zjunk": extra text: "junk"'],
    ['2026-11-22T11:48:19Z\u00e9', 'parsing time "2026-11-22T11:48:19Z\\xc3\\xa9": extra text: "\\xc3\\xa9"'],
  ];
  for (const [s, message] of errors) {
    it(`rejects ${JSON.stringify(s)}`, () => {
      assert.throws(() => parseTime(s), (e: unknown) => {
        assert.ok(e instanceof TimeParseError);
        assert.equal(e.message, message);
        return true;
      });
    });
  }

  it('query parameters treat empty and null as absent', () => {
    assert.equal(parseTimeQueryParameter(''), null);
    assert.equal(parseTimeQueryParameter('null'), null);
    assert.equal(parseTimeQueryParameter('2026-11-22T11:48:19Z'), at(2026, 11, 22, 11, 48, 19));
  });

  it('normalizes to UTC whole seconds', () => {
    assert.equal(normalizeTime('2026-11-22T12:48:19.9+01:00'), '2026-11-22T11:48:19Z');
  });
});

describe('parseMicroTime', () => {
  it('parses six fractional digits', () => {
    assert.equal(parseMicroTime('2026-11-22T11:48:19.123456Z'), at(2026, 11, 22, 11, 48, 19) * 1000 + 123456);
    assert.equal(parseMicroTime('2026-11-22T12:48:19.000001+01:00'), at(2026, 11, 22, 11, 48, 19) * 1000 + 1);
    assert.equal(normalizeMicroTime('2026-11-22T12:48:19.000001+01:00'), '2026-11-22T11:48:19.000001Z');
  });

  const errors: [string, string][] = [
    ['2026-11-22T11:48:19Z', `parsing time "2026-11-22T11:48:19Z" as ${M}: cannot parse "Z" as ".000000"`],
    ['2026-11-22T11:48:19.123Z', `parsing time "2026-11-22T11:48:19.123Z" as ${M}: cannot parse ".123Z" as ".000000"`],
    ['2026-11-22T11:48:19.123456789Z', `parsing time "2026-11-22T11:48:19.123456789Z" as ${M}: cannot parse "789Z" as "Z07:00"`],
    ['2026-11-22T11:48:19:123456Z', `parsing time "2026-11-22T11:48:19:123456Z" as ${M}: cannot parse ":123456Z" as ".000000"`],
  ];
  for (const [s, message] of errors) {
    it(`rejects ${JSON.stringify(s)}`, () => assert.throws(() => parseMicroTime(s), { name: 'TimeParseError', message }));
  }
});
