/** Data plugins keep for one pod's scheduling cycle, as upstream's CycleState. */

/** A value in the cycle state; `clone` must return a copy that can change independently (or `this` if immutable). */
export interface StateData {
  clone(): StateData;
}

/**
 * Per-cycle plugin data, keyed by plugin-chosen strings. Preemption clones the whole state
 * to evaluate what-ifs per node, so values that PreFilterExtensions mutate must clone deeply.
 */
export class CycleState {
  private readonly data = new Map<string, StateData>();
  /** Plugins whose PreFilter returned Skip: their Filter does not run. */
  skipFilterPlugins = new Set<string>();
  /** Plugins whose PreScore returned Skip: their Score does not run. */
  skipScorePlugins = new Set<string>();

  read<T extends StateData>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }

  /** As read, but throws when absent (the framework turns that into an Error status). */
  mustRead<T extends StateData>(key: string): T {
    const v = this.data.get(key);
    if (v === undefined) throw new Error(`reading ${JSON.stringify(key)} from cycleState: not found`);
    return v as T;
  }

  write(key: string, value: StateData): void {
    this.data.set(key, value);
  }

  delete(key: string): void {
    this.data.delete(key);
  }

  clone(): CycleState {
    const c = new CycleState();
    for (const [k, v] of this.data) c.data.set(k, v.clone());
    c.skipFilterPlugins = new Set(this.skipFilterPlugins);
    c.skipScorePlugins = new Set(this.skipScorePlugins);
    return c;
  }
}
