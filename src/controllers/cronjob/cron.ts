import { dateIn, fieldsOf, isValidTimeZone, resolveZone } from './zone.js';

/**
 * Cron schedules as the CronJob controller reads them (robfig/cron v3's ParseStandard):
 * five fields (minute hour day-of-month month day-of-week) with `*`, `?`, lists, ranges,
 * steps (`*\/15`, `10-50/10`, `5/10` meaning 5-max/10), month and weekday names; the
 * descriptors @yearly/@annually, @monthly, @weekly, @daily/@midnight, @hourly and
 * `@every <duration>`; and an optional `TZ=<zone> ` or `CRON_TZ=<zone> ` prefix. When both
 * day fields are restricted a day matches either (as cron); when one is `*` both must match.
 * Errors carry robfig's messages, which the controller puts in events.
 */
export interface Schedule {
  /** The first activation strictly after `ms` (whole seconds), or 0 if none within five years. */
  next(ms: number): number;
}

export class CronParseError extends Error {}

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const MINUTES: Bounds = { min: 0, max: 59 };
const HOURS: Bounds = { min: 0, max: 23 };
const DOM: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = {
  min: 1,
  max: 12,
  names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 },
};
const DOW: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };

/** A field as a bit set over its range, plus whether it was written as a star (unrestricted). */
interface Field {
  bits: bigint;
  star: boolean;
}

function mustParseInt(expr: string): number {
  if (!/^[+-]?[0-9]+$/.test(expr)) throw new CronParseError(`failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: invalid syntax`);
  const n = Number(expr);
  if (n < 0) throw new CronParseError(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

function parseIntOrName(expr: string, names?: Record<string, number>): number {
  if (names) {
    const v = names[expr.toLowerCase()];
    if (v !== undefined) return v;
  }
  return mustParseInt(expr);
}

function getRange(expr: string, r: Bounds): Field {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0]!.split('-');
  const singleDigit = lowAndHigh.length === 1;
  let start: number;
  let end: number;
  let star = false;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = r.min;
    end = r.max;
    star = true;
  } else {
    start = parseIntOrName(lowAndHigh[0]!, r.names);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1]!, r.names);
    else throw new CronParseError(`too many hyphens: ${expr}`);
  }
  let step: number;
  if (rangeAndStep.length === 1) step = 1;
  else if (rangeAndStep.length === 2) {
    step = mustParseInt(rangeAndStep[1]!);
    if (singleDigit) end = r.max;
    if (step > 1) star = false;
  } else throw new CronParseError(`too many slashes: ${expr}`);
  if (start < r.min) throw new CronParseError(`beginning of range (${start}) below minimum (${r.min}): ${expr}`);
  if (end > r.max) throw new CronParseError(`end of range (${end}) above maximum (${r.max}): ${expr}`);
  if (start > end) throw new CronParseError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronParseError(`step of range should be a positive number: ${expr}`);
  let bits = 0n;
  for (let i = start; i <= end; i += step) bits |= 1n << BigInt(i);
  return { bits, star };
}

function getField(field: string, r: Bounds): Field {
  let bits = 0n;
  let star = false;
  for (const expr of field.split(',')) {
    const f = getRange(expr, r);
    bits |= f.bits;
    star ||= f.star;
  }
  return { bits, star };
}

const has = (f: Field, v: number) => (f.bits & (1n << BigInt(v))) !== 0n;

class SpecSchedule implements Schedule {
  constructor(
    private readonly minute: Field,
    private readonly hour: Field,
    private readonly dom: Field,
    private readonly month: Field,
    private readonly dow: Field,
    private readonly zone: string,
  ) {}

  private dayMatches(ms: number): boolean {
    const f = fieldsOf(ms, this.zone);
    const domMatch = has(this.dom, f.day);
    const dowMatch = has(this.dow, f.weekday);
    if (this.dom.star || this.dow.star) return domMatch && dowMatch;
    return domMatch || dowMatch;
  }

  // A port of robfig's SpecSchedule.Next: walk month, day, hour, minute forward in the
  // schedule's zone, resetting the smaller units the first time a larger one moves.
  next(ms: number): number {
    const z = this.zone;
    let t = Math.floor(ms / 1000) * 1000 + 1000;
    let added = false;
    const yearLimit = fieldsOf(t, z).year + 5;
    wrap: for (;;) {
      let f = fieldsOf(t, z);
      if (f.year > yearLimit) return 0;
      while (!has(this.month, f.month)) {
        if (!added) {
          added = true;
          t = dateIn(z, f.year, f.month, 1);
        }
        f = fieldsOf(t, z);
        t = dateIn(z, f.year, f.month + 1, f.day, f.hour, f.minute, f.second);
        f = fieldsOf(t, z);
        if (f.month === 1) continue wrap;
      }
      while (!this.dayMatches(t)) {
        if (!added) {
          added = true;
          t = dateIn(z, f.year, f.month, f.day);
        }
        f = fieldsOf(t, z);
        t = dateIn(z, f.year, f.month, f.day + 1, f.hour, f.minute, f.second);
        f = fieldsOf(t, z);
        // Midnight may not exist on a DST day: come back to the day's start.
        if (f.hour !== 0) {
          t += f.hour > 12 ? (24 - f.hour) * 3_600_000 : -f.hour * 3_600_000;
          f = fieldsOf(t, z);
        }
        if (f.day === 1) continue wrap;
      }
      while (!has(this.hour, f.hour)) {
        if (!added) {
          added = true;
          t = dateIn(z, f.year, f.month, f.day, f.hour);
        }
        t += 3_600_000;
        f = fieldsOf(t, z);
        if (f.hour === 0) continue wrap;
      }
      while (!has(this.minute, f.minute)) {
        if (!added) {
          added = true;
          t = Math.floor(t / 60_000) * 60_000;
        }
        t += 60_000;
        f = fieldsOf(t, z);
        if (f.minute === 0) continue wrap;
      }
      while (f.second !== 0) {
        if (!added) {
          added = true;
          t = Math.floor(t / 1000) * 1000;
        }
        t += 1000;
        f = fieldsOf(t, z);
        if (f.second === 0) continue wrap;
      }
      return t;
    }
  }
}

class EverySchedule implements Schedule {
  constructor(private readonly ms: number) {}

  next(t: number): number {
    return Math.floor(t / 1000) * 1000 + this.ms;
  }
}

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const DURATION_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration, in milliseconds. */
export function parseGoDuration(s: string): number {
  const m = /^([+-]?)((?:[0-9]*\.?[0-9]+(?:ns|us|µs|μs|ms|s|m|h))+|0)$/.exec(s);
  if (!m) throw new CronParseError(`failed to parse duration ${s}: time: invalid duration ${JSON.stringify(s)}`);
  if (m[2] === '0') return 0;
  let total = 0;
  for (const [, num, unit] of m[2]!.matchAll(/([0-9]*\.?[0-9]+)(ns|us|µs|μs|ms|s|m|h)/g)) total += Number(num) * DURATION_UNITS[unit!]!;
  return m[1] === '-' ? -total : total;
}

/**
 * Parses a standard schedule. `localZone` is the zone a schedule without TZ= is evaluated
 * in (robfig uses the time's own location, i.e. the controller-manager's local zone).
 */
export function parseStandard(spec: string, localZone = 'UTC'): Schedule {
  if (!spec.length) throw new CronParseError('empty spec string');
  let zone = resolveZone(localZone);
  if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
    const i = spec.indexOf(' ');
    const eq = spec.indexOf('=');
    const name = spec.slice(eq + 1, i < 0 ? undefined : i);
    if (!isValidTimeZone(name)) throw new CronParseError(`provided bad location ${name}: unknown time zone ${name}`);
    zone = resolveZone(name);
    spec = i < 0 ? '' : spec.slice(i).trim();
  }
  if (spec.startsWith('@')) {
    if (spec.startsWith('@every ')) {
      const d = parseGoDuration(spec.slice('@every '.length));
      return new EverySchedule(Math.max(1000, Math.floor(d / 1000) * 1000));
    }
    const expanded = DESCRIPTORS[spec];
    if (!expanded) throw new CronParseError(`unrecognized descriptor: ${spec}`);
    spec = expanded;
  }
  const fields = spec.split(/\s+/).filter((f) => f.length > 0);
  if (fields.length !== 5) throw new CronParseError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  return new SpecSchedule(
    getField(fields[0]!, MINUTES),
    getField(fields[1]!, HOURS),
    getField(fields[2]!, DOM),
    getField(fields[3]!, MONTHS),
    getField(fields[4]!, DOW),
    zone,
  );
}
