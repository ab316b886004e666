/**
 * Object UIDs: random RFC 4122 version 4 UUIDs in lowercase hyphenated form, as
 * kube-apiserver assigns them (`metadata.uid`).
 */
import { randomUUID } from 'node:crypto';

/** A fresh random (version 4) UUID. */
export function newUID(): string {
  return randomUUID();
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True if `s` has the 8-4-4-4-12 hexadecimal UUID shape (any version). */
export function isUUID(s: string): boolean {
  return UUID_RE.test(s);
}
