/**
 * Timestamps as the API writes them. `rfc3339` is meta/v1 Time (second precision, as
 * upstream serializes it); `microTime` is meta/v1 MicroTime (six fractional digits).
 */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `2026-01-01T00:00:00.000000Z`: the clock has millisecond resolution, so the last three digits are 0. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
