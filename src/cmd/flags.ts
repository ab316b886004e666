import { parseArgs } from 'node:util';

/** A usage error: the CLI prints it with exit code 2. */
export class UsageError extends Error {}

export interface FlagSpec {
  type: 'string' | 'boolean';
  short?: string;
}

export interface ParsedFlags {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Parses `argv` strictly against `options`; unknown flags and bad values are UsageErrors. */
export function parseFlags(argv: string[], options: Record<string, FlagSpec>): ParsedFlags {
  try {
    const r = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: r.values as ParsedFlags['values'], positionals: r.positionals };
  } catch (e: unknown) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

export function stringFlag(values: ParsedFlags['values'], name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function intFlag(name: string, raw: string | boolean | undefined, min: number, max: number): number | undefined {
  if (raw === undefined || typeof raw === 'boolean') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}
