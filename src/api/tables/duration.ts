/**
 * Human-readable durations and ages, as kube-apiserver's printers render them (AGE,
 * DURATION, LAST SEEN, `3 (2m ago)`).
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * A duration in milliseconds as upstream's HumanDuration renders it: about two or three
 * significant figures, coarser as it grows (`5s`, `119s`, `2m3s`, `10m`, `179m`, `3h4m`,
 * `8h`, `47h`, `2d3h`, `8d`, `729d`, `2y35d`, `8y`). Up to a second of negative skew
 * reads as `0s`; more than that is `<invalid>`.
 */
export function humanDuration(ms: number): string {
  // Integer parts truncate toward zero, as Go's int() conversions do.
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;

  const minutes = Math.trunc(ms / MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;

  const hours = Math.trunc(ms / HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    const days = Math.trunc(hours / 24);
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  const years = Math.trunc(hours / 24 / 365);
  if (hours < 24 * 365 * 8) {
    const d = Math.trunc(hours / 24) % 365;
    return d === 0 ? `${years}y` : `${years}y${d}d`;
  }
  return `${years}y`;
}

// RFC 3339 as metav1.Time and metav1.MicroTime serialize it (any fraction, Z or an offset).
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** Go's zero time.Time (`0001-01-01T00:00:00Z`), which metav1.Time treats as unset. */
const GO_ZERO_TIME_MS = utcMillis(1, 1, 1, 0, 0, 0, 0);

// Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not.
function utcMillis(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, ms);
  return date.getTime();
}

/**
 * Milliseconds since the epoch of a serialized metav1.Time or MicroTime, or null when it is
 * unset (absent, null, empty, Go's zero time) or unparseable. Sub-millisecond digits are
 * dropped.
 */
export function parseTime(value: unknown): number | null {
  if (typeof value !== 'string' || value === '') return null;
  const m = RFC3339.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, , sign, oh, om] = m;
  const fraction = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
  let ms = utcMillis(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), fraction);
  if (sign) ms -= (sign === '-' ? -1 : 1) * (Number(oh) * HOUR + Number(om) * MINUTE);
  if (Number.isNaN(ms) || ms === GO_ZERO_TIME_MS) return null;
  return ms;
}

/**
 * The age of a timestamp at `now` (upstream's translateTimestampSince): HumanDuration of
 * the elapsed time, or `<unknown>` when the timestamp is unset.
 */
export function translateTimestampSince(value: unknown, now: number): string {
  const t = parseTime(value);
  return t === null ? '<unknown>' : humanDuration(now - t);
}

/** A timestamp as upstream's default table prints it: RFC 3339 in UTC, whole seconds. */
export function formatRFC3339(value: unknown): string {
  const t = parseTime(value);
  if (t === null) return '0001-01-01T00:00:00Z';
  return new Date(t - (t % SECOND + SECOND) % SECOND).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
