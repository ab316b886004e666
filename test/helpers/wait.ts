/**
 * Polls `fn` until it yields something other than undefined/false, and returns it; throws
 * after `ms` naming what was awaited. For tests waiting on controllers (never assert a
 * wall-clock duration: the deadline only bounds a hang).
 */
export async function until<T>(fn: () => T | undefined | false | Promise<T | undefined | false>, what: string, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
