/**
 * Renderings of bad values the way upstream's field errors print Go values that are not
 * plain strings or numbers (`%#v` of maps and structs), for the workload and pod
 * strategies. Upstream clients only ever see these texts inside messages.
 */
import { rendered, type RenderedValue } from '../../apimachinery/field-errors.js';
import { compareGoStrings, goQuote, goStringSlice } from '../../apimachinery/go-format.js';
import { isObject } from '../../apimachinery/types.js';

/** Go's `%#v` of a `map[string]string`: keys sorted, `map[string]string(nil)` for none. */
export function goStringMap(m: unknown): string {
  if (!isObject(m)) return 'map[string]string(nil)';
  const keys = Object.keys(m).sort(compareGoStrings);
  return `map[string]string{${keys.map((k) => `${goQuote(k)}:${goQuote(String(m[k]))}`).join(', ')}}`;
}

function goRequirement(r: unknown): string {
  const o = isObject(r) ? r : {};
  const values = Array.isArray(o.values) ? (o.values as unknown[]).map(String) : null;
  return (
    `v1.LabelSelectorRequirement{Key:${goQuote(String(o.key ?? ''))}, ` +
    `Operator:${goQuote(String(o.operator ?? ''))}, Values:${goStringSlice(values)}}`
  );
}

/** Go's `%#v` of a metav1.LabelSelector value (pointers are dereferenced, as field errors do). */
export function goLabelSelector(ls: unknown): string {
  const o = isObject(ls) ? ls : {};
  const exprs = Array.isArray(o.matchExpressions)
    ? `[]v1.LabelSelectorRequirement{${(o.matchExpressions as unknown[]).map(goRequirement).join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${goStringMap(o.matchLabels)}, MatchExpressions:${exprs}}`;
}

/** A labels map as a field error's bad value. */
export const labelsValue = (m: unknown): RenderedValue => rendered(goStringMap(m));

/** A label selector as a field error's bad value (`null` when absent, as for a nil pointer). */
export const selectorValue = (ls: unknown): RenderedValue => rendered(ls == null ? 'null' : goLabelSelector(ls));
