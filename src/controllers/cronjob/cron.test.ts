import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseGoDuration, parseStandard } from './cron.js';
import { jobNameFor, mostRecentScheduleTime, Missed, nextScheduleDelay, nextScheduleTime } from './schedule-times.js';
import { dateIn, fieldsOf, rfc3339In } from './zone.js';

const T = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('cron schedules', () => {
  const cases: [string, string, string, string?][] = [
    // [schedule, after, expected next (UTC), local zone]
    ['*/15 * * * *', '2024-01-01T00:07:30Z', '2024-01-01T00:15:00.000Z'],
    ['*/15 * * * *', '2024-01-01T00:15:00Z', '2024-01-01T00:30:00.000Z'],
    ['5/20 * * * *', '2024-01-01T00:06:00Z', '2024-01-01T00:25:00.000Z'],
    ['10-12,40 3 * * *', '2024-01-01T03:11:00Z', '2024-01-01T03:12:00.000Z'],
    ['10-12,40 3 * * *', '2024-01-01T03:12:00Z', '2024-01-01T03:40:00.000Z'],
    ['0 9 * * 1-5', '2024-01-06T10:00:00Z', '2024-01-08T09:00:00.000Z'],
    ['0 9 * * MON-fri', '2024-01-06T10:00:00Z', '2024-01-08T09:00:00.000Z'],
    ['0 0 1 jan,Jul *', '2024-02-01T00:00:00Z', '2024-07-01T00:00:00.000Z'],
    ['0 0 29 2 *', '2024-03-01T00:00:00Z', '2028-02-29T00:00:00.000Z'],
    // Both day fields restricted: either matches (the Friday before the 13th).
    ['0 0 13 * 5', '2024-01-01T00:00:00Z', '2024-01-05T00:00:00.000Z'],
    ['0 0 13 * *', '2024-01-01T00:00:00Z', '2024-01-13T00:00:00.000Z'],
    // A step over the whole range is not a star: odd days or Fridays.
    ['0 0 */2 * 5', '2024-01-01T00:00:00Z', '2024-01-03T00:00:00.000Z'],
    // `*/1` still counts as a star: Fridays only.
    ['0 0 */1 * 5', '2024-01-01T00:00:00Z', '2024-01-05T00:00:00.000Z'],
    ['@hourly', '2024-01-01T10:30:00Z', '2024-01-01T11:00:00.000Z'],
    ['@daily', '2024-01-01T10:30:00Z', '2024-01-02T00:00:00.000Z'],
    ['@midnight', '2024-01-01T10:30:00Z', '2024-01-02T00:00:00.000Z'],
    ['@weekly', '2024-01-01T10:30:00Z', '2024-01-07T00:00:00.000Z'],
    ['@monthly', '2024-01-15T00:00:00Z', '2024-02-01T00:00:00.000Z'],
    ['@yearly', '2024-01-15T00:00:00Z', '2025-01-01T00:00:00.000Z'],
    ['@annually', '2024-01-15T00:00:00Z', '2025-01-01T00:00:00.000Z'],
    ['@every 90s', '2024-01-01T00:00:00.500Z', '2024-01-01T00:01:30.000Z'],
    // Time zones: 09:00 in Tokyo is 00:00 UTC.
    ['TZ=Asia/Tokyo 0 9 * * *', '2024-01-01T00:30:00Z', '2024-01-02T00:00:00.000Z'],
    ['CRON_TZ=Asia/Tokyo 0 9 * * *', '2024-01-01T00:30:00Z', '2024-01-02T00:00:00.000Z'],
    ['0 9 * * *', '2024-01-01T00:30:00Z', '2024-01-02T00:00:00.000Z', 'Asia/Tokyo'],
    // New York spring forward: 02:30 does not exist on 2024-03-10, that day is skipped.
    ['TZ=America/New_York 30 2 * * *', '2024-03-09T07:30:00Z', '2024-03-11T06:30:00.000Z'],
    // Fall back: 01:30 happens twice on 2024-11-03 and fires both times (as robfig/cron).
    ['TZ=America/New_York 30 1 * * *', '2024-11-02T05:30:00Z', '2024-11-03T05:30:00.000Z'],
    ['TZ=America/New_York 30 1 * * *', '2024-11-03T05:30:00Z', '2024-11-03T06:30:00.000Z'],
    ['TZ=America/New_York 0 12 * * *', '2024-03-09T18:00:00Z', '2024-03-10T16:00:00.000Z'],
  ];
  for (const [spec, after, want, zone] of cases) {
    it(`${spec} after ${after}${zone ? ` (${zone})` : ''}`, () => {
      assert.equal(iso(parseStandard(spec, zone ?? 'UTC').next(T(after))), want);
    });
  }

  it('returns 0 when nothing matches within five years', () => {
    assert.equal(parseStandard('0 0 31 2 *').next(T('2024-01-01T00:00:00Z')), 0);
  });

  const errors: [string, string][] = [
    ['', 'empty spec string'],
    ['* * * *', 'expected exactly 5 fields, found 4: [* * * *]'],
    ['* * * * * *', 'expected exactly 5 fields, found 6: [* * * * * *]'],
    ['60 * * * *', 'end of range (60) above maximum (59): 60'],
    ['* * 0 * *', 'beginning of range (0) below minimum (1): 0'],
    ['5-1 * * * *', 'beginning of range (5) beyond end of range (1): 5-1'],
    ['*/0 * * * *', 'step of range should be a positive number: */0'],
    ['1-2-3 * * * *', 'too many hyphens: 1-2-3'],
    ['*/2/3 * * * *', 'too many slashes: */2/3'],
    ['x * * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
    ['* * * * 7', 'end of range (7) above maximum (6): 7'],
    ['@fortnightly', 'unrecognized descriptor: @fortnightly'],
    ['TZ=Mars/Olympus * * * * *', 'provided bad location Mars/Olympus: unknown time zone Mars/Olympus'],
  ];
  for (const [spec, msg] of errors) {
    it(`rejects ${JSON.stringify(spec)}`, () => assert.throws(() => parseStandard(spec), { message: msg }));
  }

  it('parses Go durations', () => {
    assert.equal(parseGoDuration('1h30m'), 5_400_000);
    assert.equal(parseGoDuration('1.5s'), 1500);
    assert.throws(() => parseGoDuration('soon'), /failed to parse duration soon/);
  });
});

describe('zones', () => {
  it('reads and builds wall-clock times', () => {
    const t = T('2024-07-01T12:00:00Z');
    assert.deepEqual(fieldsOf(t, 'Europe/Berlin'), { year: 2024, month: 7, day: 1, hour: 14, minute: 0, second: 0, weekday: 1 });
    assert.equal(dateIn('Europe/Berlin', 2024, 7, 1, 14), t);
    assert.equal(dateIn('UTC', 2024, 13, 1), T('2025-01-01T00:00:00Z'), 'fields normalize');
  });

  it('formats RFC 3339 in a zone as Go does', () => {
    const t = T('2024-01-01T10:00:00Z');
    assert.equal(rfc3339In(t, ''), '2024-01-01T10:00:00Z');
    assert.equal(rfc3339In(t, 'UTC'), '2024-01-01T10:00:00Z');
    assert.equal(rfc3339In(t, 'Asia/Kolkata'), '2024-01-01T15:30:00+05:30');
    assert.equal(rfc3339In(t, 'America/New_York'), '2024-01-01T05:00:00-05:00');
  });
});

describe('schedule times', () => {
  const everyMinute = parseStandard('* * * * *');
  it('finds the most recent unmet activation and counts the missed ones', () => {
    const input = { created: T('2024-01-01T10:00:30Z') };
    assert.deepEqual(mostRecentScheduleTime(input, T('2024-01-01T10:00:50Z'), everyMinute, true), { earliest: input.created, missed: Missed.None });
    assert.deepEqual(mostRecentScheduleTime(input, T('2024-01-01T10:01:10Z'), everyMinute, true), {
      earliest: input.created,
      mostRecent: T('2024-01-01T10:01:00Z'),
      missed: Missed.None,
    });
    assert.deepEqual(mostRecentScheduleTime(input, T('2024-01-01T10:05:10Z'), everyMinute, true), {
      earliest: input.created,
      mostRecent: T('2024-01-01T10:05:00Z'),
      missed: Missed.Few,
    });
    const r = mostRecentScheduleTime(input, T('2024-01-01T12:00:10Z'), everyMinute, true);
    assert.equal(r.missed, Missed.Many);
    assert.equal(r.mostRecent, T('2024-01-01T12:00:00Z'));
  });

  it('starts from lastScheduleTime and honours startingDeadlineSeconds', () => {
    const input = { created: T('2024-01-01T00:00:00Z'), lastScheduleTime: T('2024-01-01T10:04:00Z'), startingDeadlineSeconds: 10 };
    assert.equal(nextScheduleTime(input, T('2024-01-01T10:05:05Z'), everyMinute).time, T('2024-01-01T10:05:00Z'));
    assert.equal(nextScheduleTime(input, T('2024-01-01T10:05:30Z'), everyMinute).time, undefined, 'outside the deadline');
    assert.equal(nextScheduleTime({ ...input, startingDeadlineSeconds: undefined }, T('2024-01-01T10:05:30Z'), everyMinute).time, T('2024-01-01T10:05:00Z'));
  });

  it('requeues for the next activation plus 100 ms', () => {
    const input = { created: T('2024-01-01T10:00:30Z'), lastScheduleTime: T('2024-01-01T10:01:00Z') };
    assert.equal(nextScheduleDelay(input, T('2024-01-01T10:01:20Z'), everyMinute), 40_100);
  });

  it('rejects schedules firing less than a second apart', () => {
    assert.throws(() => mostRecentScheduleTime({ created: 0 }, 10_000, { next: (t) => t + 100 }, false), /less than 1 second/);
  });

  it('names Jobs by the scheduled minute since the epoch', () => {
    assert.equal(jobNameFor('hello', T('2024-01-01T00:00:00Z')), 'hello-28401120');
  });
});
