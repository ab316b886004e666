/**
 * Label maps and label selectors rendered as upstream's printers render them in SELECTOR,
 * NODE SELECTOR and POD LABELS cells.
 */

import { isObject } from '../../apimachinery/types.js';

/** A label map as `a=1,b=2` (keys sorted), `<none>` when empty (upstream: labels.FormatLabels). */
export function formatLabels(labels: unknown): string {
  if (!isObject(labels)) return '<none>';
  const keys = Object.keys(labels).sort(compareStrings);
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${String(labels[k])}`).join(',');
}

interface Requirement {
  key: string;
  operator: 'Equals' | 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}

const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function isQualifiedName(key: string): boolean {
  const parts = key.split('/');
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1]!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)) return false;
  }
  return name.length > 0 && name.length <= 63 && NAME.test(name);
}

const isLabelValue = (v: string) => v === '' || (v.length <= 63 && NAME.test(v));

/**
 * The requirements of a meta/v1 LabelSelector, sorted by key (stably, as upstream's
 * insertion sort leaves small selectors), or an error when it would not convert.
 * null: the selector selects nothing (absent). []: it selects everything.
 */
function requirements(selector: unknown): Requirement[] | null | Error {
  if (selector === undefined || selector === null) return null;
  if (!isObject(selector)) return new Error('invalid selector');
  const reqs: Requirement[] = [];
  const matchLabels = isObject(selector.matchLabels) ? selector.matchLabels : {};
  for (const [key, value] of Object.entries(matchLabels)) {
    reqs.push({ key, operator: 'Equals', values: [String(value)] });
  }
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  for (const expr of expressions) {
    if (!isObject(expr)) return new Error('invalid expression');
    const operator = expr.operator;
    if (operator !== 'In' && operator !== 'NotIn' && operator !== 'Exists' && operator !== 'DoesNotExist') {
      return new Error(`${JSON.stringify(operator)} is not a valid label selector operator`);
    }
    const values = Array.isArray(expr.values) ? expr.values.map(String) : [];
    reqs.push({ key: String(expr.key ?? ''), operator, values });
  }
  for (const r of reqs) {
    if (!isQualifiedName(r.key)) return new Error(`invalid label key ${JSON.stringify(r.key)}`);
    const n = r.values.length;
    if ((r.operator === 'In' || r.operator === 'NotIn') && n === 0) return new Error('empty values');
    if (r.operator === 'Equals' && n !== 1) return new Error('exactly one value required');
    if ((r.operator === 'Exists' || r.operator === 'DoesNotExist') && n !== 0) return new Error('values must be empty');
    if (!r.values.every(isLabelValue)) return new Error('invalid label value');
  }
  // Array.prototype.sort is stable.
  return reqs.sort((a, b) => compareStrings(a.key, b.key));
}

function requirementString(r: Requirement): string {
  const values = [...r.values].sort(compareStrings).join(',');
  switch (r.operator) {
    case 'Exists':
      return r.key;
    case 'DoesNotExist':
      return `!${r.key}`;
    case 'Equals':
      return `${r.key}=${values}`;
    case 'In':
      return `${r.key} in (${values})`;
    case 'NotIn':
      return `${r.key} notin (${values})`;
  }
}

/**
 * A LabelSelector in selector syntax (`app=web,tier in (a,b)`), `''` when it selects
 * everything or nothing, `<invalid>` when it does not convert (upstream: the Deployment
 * printer's LabelSelectorAsSelector(...).String()).
 */
export function labelSelectorString(selector: unknown): string {
  const reqs = requirements(selector);
  if (reqs instanceof Error) return '<invalid>';
  if (reqs === null) return '';
  return reqs.map(requirementString).join(',');
}

/**
 * A LabelSelector as upstream's metav1.FormatLabelSelector prints it: selector syntax,
 * `<none>` when empty or absent, `<error>` when it does not convert.
 */
export function formatLabelSelector(selector: unknown): string {
  const reqs = requirements(selector);
  if (reqs instanceof Error) return '<error>';
  const s = (reqs ?? []).map(requirementString).join(',');
  return s === '' ? '<none>' : s;
}

/**
 * A LabelSelector in the Go struct notation its generated String() method prints
 * (`&LabelSelector{MatchLabels:map[string]string{app: web,},MatchExpressions:[]...{},}`),
 * which upstream shows for a ValidatingAdmissionPolicyBinding's paramRef selector.
 */
export function labelSelectorGoString(selector: unknown): string {
  if (!isObject(selector)) return 'nil';
  const labels = isObject(selector.matchLabels) ? selector.matchLabels : {};
  const labelText = Object.keys(labels)
    .sort(compareStrings)
    .map((k) => `${k}: ${String(labels[k])},`)
    .join('');
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  const exprText = expressions
    .map((e) => {
      const x = isObject(e) ? e : {};
      const values = Array.isArray(x.values) ? x.values.map(String).join(' ') : '';
      return `LabelSelectorRequirement{Key:${String(x.key ?? '')},Operator:${String(x.operator ?? '')},Values:[${values}],},`;
    })
    .join('');
  return `&LabelSelector{MatchLabels:map[string]string{${labelText}},MatchExpressions:[]LabelSelectorRequirement{${exprText}},}`;
}

/** Byte-wise string order, as Go's sort.Strings (not locale order). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
