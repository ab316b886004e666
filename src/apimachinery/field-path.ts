/**
 * Paths to fields in an object, printed as Kubernetes prints them in validation errors:
 * `spec.containers[0].ports[1].containerPort`, `metadata.labels[app.kubernetes.io/name]`.
 * Immutable: every step returns a new path.
 */
export class FieldPath {
  private constructor(private readonly text: string) {}

  static root(name?: string): FieldPath {
    return new FieldPath(name ?? '');
  }

  /** A named child field. */
  child(...names: string[]): FieldPath {
    let t = this.text;
    for (const n of names) t = t ? `${t}.${n}` : n;
    return new FieldPath(t);
  }

  /** An element of a list. */
  index(i: number): FieldPath {
    return new FieldPath(`${this.text}[${i}]`);
  }

  /** An entry of a map. */
  key(k: string): FieldPath {
    return new FieldPath(`${this.text}[${k}]`);
  }

  toString(): string {
    return this.text;
  }
}

export const field = (...names: string[]) => FieldPath.root().child(...names);
