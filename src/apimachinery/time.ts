/**
 * Timestamps as Kubernetes serializes them (k8s.io/apimachinery pkg/apis/meta/v1, 1.32):
 * metav1.Time is RFC 3339 in UTC with second precision (`2026-11-22T11:48:19Z`),
 * metav1.MicroTime is RFC 3339 in UTC with exactly six fractional digits
 * (`2026-11-22T11:48:19.123456Z`). Parsing accepts what Go's time.Parse accepts for those
 * layouts (any offset, `Z`; for Time optional fractional seconds, which are then dropped
 * on output) and fails with Go's error texts.
 *
 * Instants are plain numbers: epoch milliseconds for Time, epoch microseconds for
 * MicroTime (exact up to year 2255 in a double). The current time comes from a Clock.
 */
import type { Clock } from '../util/clock.js';

export class TimeParseError extends Error {
  override readonly name = 'TimeParseError';
}

export const RFC3339 = '2006-01-02T15:04:05Z07:00';
export const RFC3339_MICRO = '2006-01-02T15:04:05.000000Z07:00';

// ---------------------------------------------------------------------------------------
// Calendar arithmetic on the proleptic Gregorian calendar (no Date quirks for years < 100).

function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(z: number): { y: number; m: number; d: number } {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

const isLeap = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const DAYS_IN = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysIn = (m: number, y: number) => (m === 2 && isLeap(y) ? 29 : DAYS_IN[m - 1]!);

const pad = (n: number, w: number) => String(n).padStart(w, '0');

function formatYear(y: number): string {
  return y < 0 ? '-' + pad(-y, 4) : pad(y, 4);
}

/** `YYYY-MM-DDTHH:MM:SS` of a whole number of epoch seconds, in UTC. */
function dateTime(epochSeconds: number, sep = 'T'): string {
  const days = Math.floor(epochSeconds / 86400);
  const secs = epochSeconds - days * 86400;
  const { y, m, d } = civilFromDays(days);
  const hh = Math.floor(secs / 3600);
  const mm = Math.floor((secs % 3600) / 60);
  const ss = secs % 60;
  return `${formatYear(y)}-${pad(m, 2)}-${pad(d, 2)}${sep}${pad(hh, 2)}:${pad(mm, 2)}:${pad(ss, 2)}`;
}

// ---------------------------------------------------------------------------------------
// Formatting

/** metav1.Time's JSON form: RFC 3339, UTC, whole seconds (sub-second part truncated). */
export function formatTime(epochMs: number): string {
  return dateTime(Math.floor(epochMs / 1000)) + 'Z';
}

/** metav1.MicroTime's JSON form: RFC 3339, UTC, six fractional digits. */
export function formatMicroTime(epochMicros: number): string {
  const us = Math.floor(epochMicros);
  const secs = Math.floor(us / 1e6);
  return `${dateTime(secs)}.${pad(us - secs * 1e6, 6)}Z`;
}

/** The current time as metav1.Time. */
export const nowTime = (clock: Clock) => formatTime(clock.now());

/** The current time as metav1.MicroTime (a millisecond clock gives `.xxx000`). */
export const nowMicroTime = (clock: Clock) => formatMicroTime(Math.floor(clock.now() * 1000));

/**
 * Go's time.Time.String() of a UTC instant (`2026-11-22 11:48:19 +0000 UTC`, fractional
 * seconds only when non-zero), which upstream prints for time values in some messages.
 */
export function goTimeString(epochMs: number): string {
  const secs = Math.floor(epochMs / 1000);
  const ms = epochMs - secs * 1000;
  const frac = ms ? '.' + pad(ms, 3).replace(/0+$/, '') : '';
  return `${dateTime(secs, ' ')}${frac} +0000 UTC`;
}

// ---------------------------------------------------------------------------------------
// Parsing (a port of Go's time.Parse for the two layouts, including its error texts)

/** Go's time-package quoting: ASCII kept, `"`/`\` escaped, other bytes as \xHH. */
function goTimeQuote(s: string): string {
  let out = '"';
  for (const b of Buffer.from(s, 'utf8')) {
    if (b >= 0x80 || b < 0x20) out += '\\x' + b.toString(16).padStart(2, '0');
    else {
      const c = String.fromCharCode(b);
      out += c === '"' || c === '\\' ? '\\' + c : c;
    }
  }
  return out + '"';
}

const isDigitAt = (s: string, i: number) => i < s.length && s[i]! >= '0' && s[i]! <= '9';

/** Go's getnum: one or two digits (`fixed` requires two). */
function getnum(s: string, fixed: boolean): { n: number; rest: string } | undefined {
  if (!isDigitAt(s, 0)) return undefined;
  if (!isDigitAt(s, 1)) return fixed ? undefined : { n: s.charCodeAt(0) - 48, rest: s.slice(1) };
  return { n: (s.charCodeAt(0) - 48) * 10 + (s.charCodeAt(1) - 48), rest: s.slice(2) };
}

/** Go's time-package atoi: optional sign, then only digits. */
function atoi(s: string): number | undefined {
  let neg = false;
  if (s.length > 0 && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (!/^[0-9]*$/.test(s)) return undefined;
  const x = s.length ? Number(s) : 0;
  return neg ? -x : x;
}

/** Go's parseNanoseconds: `value[0]` is the separator, digits up to `nbytes`. */
function parseNanoseconds(value: string, nbytes: number): { ns: number; range?: string } | undefined {
  if (value[0] !== '.' && value[0] !== ',') return undefined;
  if (nbytes > 10) nbytes = 10;
  const ns = atoi(value.slice(1, nbytes));
  if (ns === undefined) return undefined;
  if (ns < 0) return { ns: 0, range: 'fractional second' };
  return { ns: ns * 10 ** (10 - nbytes) };
}

type Elem = { lit: string } | { std: 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'frac6' | 'tz'; text: string };

const ELEMENTS_RFC3339: Elem[] = [
  { std: 'year', text: '2006' },
  { lit: '-' },
  { std: 'month', text: '01' },
  { lit: '-' },
  { std: 'day', text: '02' },
  { lit: 'T' },
  { std: 'hour', text: '15' },
  { lit: ':' },
  { std: 'minute', text: '04' },
  { lit: ':' },
  { std: 'second', text: '05' },
  { std: 'tz', text: 'Z07:00' },
];
const ELEMENTS_MICRO: Elem[] = [...ELEMENTS_RFC3339.slice(0, 11), { std: 'frac6', text: '.000000' }, ELEMENTS_RFC3339[11]!];

/** Parses as Go's time.Parse(layout, value) and returns epoch seconds and nanoseconds. */
function goParse(layout: string, elems: Elem[], input: string): { seconds: number; nanos: number } {
  const fail = (elem: string, rest: string) =>
    new TimeParseError(`parsing time ${goTimeQuote(input)} as ${goTimeQuote(layout)}: cannot parse ${goTimeQuote(rest)} as ${goTimeQuote(elem)}`);
  const failMsg = (msg: string) => new TimeParseError(`parsing time ${goTimeQuote(input)}${msg}`);

  let value = input;
  let year = 0;
  let month = -1;
  let day = -1;
  let hour = 0;
  let min = 0;
  let sec = 0;
  let nsec = 0;
  let offset = 0;
  for (let k = 0; k < elems.length; k++) {
    const e = elems[k]!;
    if ('lit' in e) {
      if (value.length === 0 || value[0] !== e.lit) throw fail(e.lit, value);
      value = value.slice(1);
      continue;
    }
    const hold = value;
    let range: string | undefined;
    let bad = false;
    switch (e.std) {
      case 'year': {
        if (value.length < 4 || !isDigitAt(value, 0)) {
          bad = true;
          break;
        }
        const y = atoi(value.slice(0, 4));
        value = value.slice(4);
        if (y === undefined) bad = true;
        else year = y;
        break;
      }
      case 'month': {
        const r = getnum(value, true);
        if (!r) bad = true;
        else {
          month = r.n;
          value = r.rest;
          if (month <= 0 || month > 12) range = 'month';
        }
        break;
      }
      case 'day': {
        const r = getnum(value, true);
        if (!r) bad = true;
        else {
          day = r.n;
          value = r.rest;
        }
        break;
      }
      case 'hour': {
        const r = getnum(value, false);
        if (!r) bad = true;
        else {
          hour = r.n;
          value = r.rest;
          if (hour >= 24) range = 'hour';
        }
        break;
      }
      case 'minute': {
        const r = getnum(value, true);
        if (!r) bad = true;
        else {
          min = r.n;
          value = r.rest;
          if (min >= 60) range = 'minute';
        }
        break;
      }
      case 'second': {
        const r = getnum(value, true);
        if (!r) {
          bad = true;
          break;
        }
        sec = r.n;
        value = r.rest;
        if (sec >= 60) {
          range = 'second';
          break;
        }
        // A fraction the layout does not mention is still accepted, as Go does.
        const next = elems[k + 1];
        if (value.length >= 2 && (value[0] === '.' || value[0] === ',') && isDigitAt(value, 1)) {
          if (next && 'std' in next && next.std === 'frac6') break;
          let n = 2;
          while (isDigitAt(value, n)) n++;
          const f = parseNanoseconds(value, n)!;
          nsec = f.ns;
          range = f.range;
          value = value.slice(n);
        }
        break;
      }
      case 'frac6': {
        if (value.length < 7) {
          bad = true;
          break;
        }
        const f = parseNanoseconds(value, 7);
        value = value.slice(7);
        if (!f) bad = true;
        else {
          nsec = f.ns;
          range = f.range;
        }
        break;
      }
      case 'tz': {
        if (value.length >= 1 && value[0] === 'Z') {
          value = value.slice(1);
          offset = 0;
          break;
        }
        if (value.length < 6 || value[3] !== ':') {
          bad = true;
          break;
        }
        const sign = value[0];
        const hr = getnum(value.slice(1, 3), true);
        const mm = getnum(value.slice(4, 6), true);
        value = value.slice(6);
        if (!hr || !mm) {
          bad = true;
          break;
        }
        if (hr.n > 24) range = 'time zone offset hour';
        if (mm.n > 60) range = 'time zone offset minute';
        offset = (hr.n * 60 + mm.n) * 60;
        if (sign === '-') offset = -offset;
        else if (sign !== '+') bad = true;
        break;
      }
    }
    if (range) throw failMsg(`: ${range} out of range`);
    if (bad) throw fail(e.text, hold);
  }
  if (value.length !== 0) throw failMsg(`: extra text: ${goTimeQuote(value)}`);
  if (day < 1 || day > daysIn(month, year)) throw failMsg(': day out of range');
  const seconds = daysFromCivil(year, month, day) * 86400 + hour * 3600 + min * 60 + sec - offset;
  return { seconds, nanos: nsec };
}

/**
 * Parses metav1.Time's form (Go's time.Parse with RFC 3339) into epoch milliseconds
 * (sub-millisecond digits truncated). Throws TimeParseError with Go's message, e.g.
 * `parsing time "x" as "2006-01-02T15:04:05Z07:00": cannot parse "x" as "2006"`.
 */
export function parseTime(s: string): number {
  const { seconds, nanos } = goParse(RFC3339, ELEMENTS_RFC3339, s);
  return seconds * 1000 + Math.floor(nanos / 1e6);
}

/**
 * Parses metav1.MicroTime's form (exactly six fractional digits) into epoch
 * microseconds. Throws TimeParseError with Go's message.
 */
export function parseMicroTime(s: string): number {
  const { seconds, nanos } = goParse(RFC3339_MICRO, ELEMENTS_MICRO, s);
  return seconds * 1e6 + Math.floor(nanos / 1000);
}

/**
 * Parses a metav1.Time query parameter (e.g. `sinceTime`): '' and 'null' are absent
 * (null), anything else as parseTime.
 */
export function parseTimeQueryParameter(s: string): number | null {
  return s === '' || s === 'null' ? null : parseTime(s);
}

/** Re-serializes a metav1.Time string in canonical form (UTC, whole seconds). */
export const normalizeTime = (s: string) => formatTime(parseTime(s));

/** Re-serializes a metav1.MicroTime string in canonical form (UTC). */
export const normalizeMicroTime = (s: string) => formatMicroTime(parseMicroTime(s));
