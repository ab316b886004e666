/**
 * Wall-clock arithmetic in an IANA time zone through Intl, enough to evaluate cron
 * schedules as Go's time package does: read a moment's local fields, build a moment from
 * local fields (resolving gaps and overlaps as time.Date), and find the UTC offset.
 */

export interface LocalFields {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
      era: 'short',
    });
    formatters.set(zone, f);
  }
  return f;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** Whether Intl knows the zone (as Go's time.LoadLocation succeeding); "UTC" and "Local" always do. */
export function isValidTimeZone(zone: string): boolean {
  if (zone === 'UTC' || zone === 'Local' || zone === '') return true;
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The zone this process runs in (Go's time.Local). */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** A zone name as Intl takes it ("" and "UTC" are UTC; "Local" is this process's zone). */
export function resolveZone(zone: string): string {
  if (zone === '' || zone === 'UTC') return 'UTC';
  if (zone === 'Local') return localTimeZone();
  return zone;
}

/** The local fields of `ms` in `zone`. */
export function fieldsOf(ms: number, zone: string): LocalFields {
  if (zone === 'UTC') {
    const d = new Date(ms);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
      weekday: d.getUTCDay(),
    };
  }
  const parts = formatter(zone).formatToParts(new Date(ms));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  let year = Number(get('year'));
  if (get('era') === 'BC') year = 1 - year;
  return {
    year,
    month: Number(get('month')),
    day: Number(get('day')),
    hour: Number(get('hour')),
    minute: Number(get('minute')),
    second: Number(get('second')),
    weekday: WEEKDAYS[get('weekday')] ?? 0,
  };
}

/** The zone's offset from UTC at `ms`, in milliseconds (east positive). */
export function offsetAt(ms: number, zone: string): number {
  if (zone === 'UTC') return 0;
  const f = fieldsOf(ms, zone);
  const wall = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
  return wall - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * The moment with these local fields in `zone`; out-of-range fields normalize (month 13 is
 * January of the next year), and a wall time in a DST gap or overlap resolves as Go's
 * time.Date: with the offset in force at the wall time read as UTC, corrected once.
 */
export function dateIn(zone: string, year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  if (zone === 'UTC') return wall;
  const o1 = offsetAt(wall, zone);
  const o2 = offsetAt(wall - o1, zone);
  return wall - o2;
}

/** `ms` formatted as RFC 3339 in `zone` ("Z" for UTC, else the numeric offset), as Go's time.RFC3339. */
export function rfc3339In(ms: number, zone: string): string {
  const z = resolveZone(zone);
  const f = fieldsOf(ms, z);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const base = `${p(f.year, 4)}-${p(f.month)}-${p(f.day)}T${p(f.hour)}:${p(f.minute)}:${p(f.second)}`;
  const off = Math.round(offsetAt(ms, z) / 60_000);
  if (off === 0) return `${base}Z`;
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off);
  return `${base}${sign}${p(Math.floor(a / 60))}:${p(a % 60)}`;
}
