/**
 * Sets of field paths, as server-side apply tracks ownership (structured-merge-diff's
 * fieldpath.Set), serialized as managedFields' FieldsV1.
 *
 * A path is a list of elements, each encoded as in FieldsV1:
 * - `f:<name>`   a field of a struct or a key of a map,
 * - `k:<json>`   an item of an associative list by its key fields (`k:{"name":"web"}`),
 * - `v:<json>`   an item of a set-like list by its value (`v:"finalizer.example.com"`),
 * - `i:<n>`      an item of a list by index (lists that are neither atomic nor keyed).
 *
 * In FieldsV1 every element maps to an object of its children; `"."` in that object marks
 * the path up to the element as a member itself (a leaf member has no children: `{}`).
 */
export class FieldSet {
  /** Elements at this level whose path is itself a member. */
  readonly members = new Set<string>();
  /** Sub-sets under an element (present only when non-empty). */
  readonly children = new Map<string, FieldSet>();

  static fromPaths(paths: Iterable<readonly string[]>): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** Parses FieldsV1 JSON (already decoded). Throws on malformed input. */
  static fromFieldsV1(v: unknown): FieldSet {
    const s = new FieldSet();
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('FieldsV1 must be an object');
    for (const [el, sub] of Object.entries(v as Record<string, unknown>)) {
      if (el === '.') continue;
      if (!/^[fkvi]:/.test(el)) throw new Error(`invalid FieldsV1 element ${JSON.stringify(el)}`);
      if (sub === null || typeof sub !== 'object' || Array.isArray(sub)) throw new Error('FieldsV1 children must be objects');
      const entries = Object.keys(sub);
      const hasSelf = entries.includes('.');
      const rest = entries.filter((k) => k !== '.');
      if (hasSelf || rest.length === 0) s.members.add(el);
      if (rest.length) {
        const child = FieldSet.fromFieldsV1(sub);
        if (!child.isEmpty()) s.children.set(el, child);
      }
    }
    return s;
  }

  /** FieldsV1 JSON, elements sorted as upstream serializes them. */
  toFieldsV1(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const els = [...new Set([...this.members, ...this.children.keys()])].sort(compareElements);
    for (const el of els) {
      const child = this.children.get(el);
      if (!child) {
        out[el] = {};
        continue;
      }
      const sub = child.toFieldsV1();
      out[el] = this.members.has(el) ? { '.': {}, ...sub } : sub;
    }
    return out;
  }

  isEmpty(): boolean {
    return this.members.size === 0 && this.children.size === 0;
  }

  insert(path: readonly string[]): void {
    if (path.length === 0) return;
    let s: FieldSet = this;
    for (let i = 0; i < path.length - 1; i++) {
      let c = s.children.get(path[i]!);
      if (!c) s.children.set(path[i]!, (c = new FieldSet()));
      s = c;
    }
    s.members.add(path[path.length - 1]!);
  }

  has(path: readonly string[]): boolean {
    let s: FieldSet | undefined = this;
    for (let i = 0; i < path.length - 1; i++) {
      s = s.children.get(path[i]!);
      if (!s) return false;
    }
    return path.length > 0 && s.members.has(path[path.length - 1]!);
  }

  /** Whether any member lies at or below `path`. */
  hasPrefix(path: readonly string[]): boolean {
    let s: FieldSet | undefined = this;
    for (let i = 0; i < path.length; i++) {
      const el = path[i]!;
      if (i === path.length - 1 && s.members.has(el)) return true;
      s = s.children.get(el);
      if (!s) return false;
    }
    return path.length === 0 ? !this.isEmpty() : !s.isEmpty();
  }

  /** Every member path, parents before children. */
  *paths(prefix: string[] = []): Generator<string[]> {
    const els = [...new Set([...this.members, ...this.children.keys()])].sort(compareElements);
    for (const el of els) {
      const p = [...prefix, el];
      if (this.members.has(el)) yield p;
      const c = this.children.get(el);
      if (c) yield* c.paths(p);
    }
  }

  clone(): FieldSet {
    const s = new FieldSet();
    for (const m of this.members) s.members.add(m);
    for (const [el, c] of this.children) s.children.set(el, c.clone());
    return s;
  }

  union(o: FieldSet): FieldSet {
    const s = this.clone();
    s.addAll(o);
    return s;
  }

  private addAll(o: FieldSet): void {
    for (const m of o.members) this.members.add(m);
    for (const [el, c] of o.children) {
      const mine = this.children.get(el);
      if (mine) mine.addAll(c);
      else this.children.set(el, c.clone());
    }
  }

  /** Members of this set that are not members of `o`. */
  difference(o: FieldSet): FieldSet {
    const s = new FieldSet();
    for (const m of this.members) if (!o.members.has(m)) s.members.add(m);
    for (const [el, c] of this.children) {
      const other = o.children.get(el);
      const d = other ? c.difference(other) : c.clone();
      if (!d.isEmpty()) s.children.set(el, d);
    }
    return s;
  }

  intersection(o: FieldSet): FieldSet {
    const s = new FieldSet();
    for (const m of this.members) if (o.members.has(m)) s.members.add(m);
    for (const [el, c] of this.children) {
      const other = o.children.get(el);
      if (!other) continue;
      const i = c.intersection(other);
      if (!i.isEmpty()) s.children.set(el, i);
    }
    return s;
  }

  /** This set without `path` and everything below it. */
  withoutPrefix(path: readonly string[]): FieldSet {
    const s = this.clone();
    s.removePrefix(path);
    return s;
  }

  private removePrefix(path: readonly string[]): void {
    if (path.length === 0) return;
    const [el, ...rest] = path as [string, ...string[]];
    if (rest.length === 0) {
      this.members.delete(el);
      this.children.delete(el);
      return;
    }
    const c = this.children.get(el);
    if (!c) return;
    c.removePrefix(rest);
    if (c.isEmpty()) this.children.delete(el);
  }

  equals(o: FieldSet): boolean {
    return this.difference(o).isEmpty() && o.difference(this).isEmpty();
  }
}

// As upstream's serialization: by element kind (fields, then values, keys, indices), then by text.
const KIND_ORDER: Record<string, number> = { f: 0, v: 1, k: 2, i: 3 };
function compareElements(a: string, b: string): number {
  const ka = KIND_ORDER[a[0]!] ?? 9;
  const kb = KIND_ORDER[b[0]!] ?? 9;
  if (ka !== kb) return ka - kb;
  if (a[0] === 'i' && b[0] === 'i') return Number(a.slice(2)) - Number(b.slice(2));
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Renders a path as server-side apply's conflict messages do: `.spec.containers[name="web"].image`. */
export function pathString(path: readonly string[]): string {
  let out = '';
  for (const el of path) {
    const body = el.slice(2);
    switch (el[0]) {
      case 'f':
        out += `.${body}`;
        break;
      case 'k': {
        const key = JSON.parse(body) as Record<string, unknown>;
        out += `[${Object.entries(key)
          .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
          .join(',')}]`;
        break;
      }
      case 'v':
        out += `[=${body}]`;
        break;
      default:
        out += `[${body}]`;
    }
  }
  return out;
}
