/**
 * Go's time.Duration text form, which metav1.Duration uses in JSON: formatting as Go's
 * Duration.String does ("1h0m0s", "1.5s", "300ms", "0s") and parsing as time.ParseDuration.
 * Durations are int64 nanoseconds; bigint keeps them exact beyond 2^53.
 */

const NS = { ns: 1n, us: 1000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n } as const;
const UNITS: Record<string, bigint> = {
  ns: NS.ns,
  us: NS.us,
  'µs': NS.us, // U+00B5 micro sign
  'μs': NS.us, // U+03BC Greek mu
  ms: NS.ms,
  s: NS.s,
  m: NS.m,
  h: NS.h,
};
const MAX_INT64 = (1n << 63n) - 1n;

/** The fraction of v / 10^prec as ".ddd" without trailing zeros ("" when it is zero). */
function fraction(v: bigint, prec: number): string {
  const digits = (v % 10n ** BigInt(prec)).toString().padStart(prec, '0').replace(/0+$/, '');
  return digits ? `.${digits}` : '';
}

export function formatGoDuration(nanos: number | bigint): string {
  const d = BigInt(nanos);
  if (d === 0n) return '0s';
  const neg = d < 0n;
  const u = neg ? -d : d;
  let out: string;
  if (u < NS.s) {
    // as Go: sub-second durations use the largest unit that keeps an integer part
    if (u < NS.us) out = `${u}ns`;
    else if (u < NS.ms) out = `${u / NS.us}${fraction(u, 3)}µs`;
    else out = `${u / NS.ms}${fraction(u, 6)}ms`;
  } else {
    const secs = u / NS.s;
    out = `${secs % 60n}${fraction(u, 9)}s`;
    const mins = secs / 60n;
    if (mins > 0n) {
      out = `${mins % 60n}m${out}`;
      const hours = mins / 60n;
      if (hours > 0n) out = `${hours}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}

/**
 * Parses a Go duration string ("1h30m", "1.5s", "-300ms", "0") into nanoseconds.
 * Throws on anything time.ParseDuration rejects, with its message shape.
 */
export function parseGoDuration(text: string): bigint {
  const bad = () => new Error(`time: invalid duration "${text}"`);
  let s = text;
  let neg = false;
  if (s[0] === '-' || s[0] === '+') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw bad();
  let total = 0n;
  const re = /^(\d*)(?:\.(\d*))?([^\d.]*)/;
  while (s) {
    const m = re.exec(s);
    if (!m || (m[1] === '' && (m[2] ?? '') === '')) throw bad();
    const unit = UNITS[m[3]!];
    if (unit === undefined) throw new Error(`time: ${m[3] ? `unknown unit "${m[3]}"` : 'missing unit'} in duration "${text}"`);
    let v = BigInt(m[1] || '0') * unit;
    const frac = m[2] ?? '';
    // as Go: digits beyond nanosecond precision are dropped, not rounded
    if (frac) v += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
    total += v;
    if (total > MAX_INT64 + (neg ? 1n : 0n)) throw bad();
    s = s.slice(m[0].length);
  }
  return neg ? -total : total;
}
