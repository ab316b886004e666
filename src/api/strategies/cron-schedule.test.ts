import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goDurationError, isKnownTimeZone, scheduleError } from './cron-schedule.js';

describe('cron schedules (robfig/cron v3 ParseStandard)', () => {
  const valid = ['* * * * *', '*/5 * * * *', '0 0 * * *', '0 9-17 * * mon-fri', '15,45 */2 1 jan,jul SUN', '@hourly', '@every 1h30m', 'CRON_TZ=Europe/Berlin 0 * * * *', 'TZ=UTC 0 0 1 * *', '5/10 * ? * *'];
  for (const s of valid) it(`accepts ${JSON.stringify(s)}`, () => assert.equal(scheduleError(s), undefined));

  const invalid: [string, string][] = [
    ['', 'empty spec string'],
    ['* * *', 'expected exactly 5 fields, found 3: [* * *]'],
    ['* * * * * *', 'expected exactly 5 fields, found 6: [* * * * * *]'],
    ['60 * * * *', 'end of range (60) above maximum (59): 60'],
    ['* 24 * * *', 'end of range (24) above maximum (23): 24'],
    ['* * 0 * *', 'beginning of range (0) below minimum (1): 0'],
    ['* * * 13 *', 'end of range (13) above maximum (12): 13'],
    ['5-1 * * * *', 'beginning of range (5) beyond end of range (1): 5-1'],
    ['*/0 * * * *', 'step of range should be a positive number: */0'],
    ['1-2-3 * * * *', 'too many hyphens: 1-2-3'],
    ['*/2/3 * * * *', 'too many slashes: */2/3'],
    ['x * * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
    ['-5 * * * *', 'failed to parse int from : strconv.Atoi: parsing "": invalid syntax'],
    ['* * * * funday', 'failed to parse int from funday: strconv.Atoi: parsing "funday": invalid syntax'],
    ['@weekday', 'unrecognized descriptor: @weekday'],
    ['@every 5', 'failed to parse duration @every 5: time: missing unit in duration "5"'],
    ['@every 5x', 'failed to parse duration @every 5x: time: unknown unit "x" in duration "5x"'],
    ['TZ=Nowhere/City 0 * * * *', 'provided bad location Nowhere/City: unknown time zone Nowhere/City'],
  ];
  for (const [s, msg] of invalid) it(`rejects ${JSON.stringify(s)}`, () => assert.equal(scheduleError(s), msg));

  it('Go durations', () => {
    assert.equal(goDurationError('1h2m3.5s'), undefined);
    assert.equal(goDurationError('0'), undefined);
    assert.equal(goDurationError('.'), 'time: invalid duration "."');
    assert.equal(goDurationError('1d'), 'time: unknown unit "d" in duration "1d"');
  });

  it('time zones as Go loads them (case-sensitive)', () => {
    assert.equal(isKnownTimeZone('America/New_York'), true);
    assert.equal(isKnownTimeZone('UTC'), true);
    assert.equal(isKnownTimeZone('america/new_york'), false);
    assert.equal(isKnownTimeZone('Mars/Olympus'), false);
  });
});
