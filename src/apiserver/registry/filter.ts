import { FieldSelector, FieldSelectorError, parseFieldSelector } from '../../apimachinery/fields.js';
import { LabelSelectorError, parseSelector, type Selector } from '../../apimachinery/labels.js';
import { errors } from '../../apimachinery/status.js';
import type { KubeObject } from '../../apimachinery/types.js';

/**
 * Selection of objects by ?labelSelector= and ?fieldSelector=, compiled once per request.
 * `fieldsOf` gives an object's selectable fields (metadata.name, metadata.namespace and the
 * type's own, e.g. spec.nodeName for pods). Malformed selectors and unsupported field labels
 * are 400s with upstream's messages.
 */
export interface ObjectFilter {
  readonly empty: boolean;
  matches(obj: KubeObject): boolean;
}

export function compileFilter(
  labelSelector: string | undefined,
  fieldSelector: string | undefined,
  fieldsOf: (obj: KubeObject) => Record<string, string>,
  supportedFields: (name: string) => boolean,
): ObjectFilter {
  let labels: Selector | undefined;
  let fields: FieldSelector | undefined;
  try {
    if (labelSelector?.trim()) labels = parseSelector(labelSelector);
    if (fieldSelector?.trim()) {
      fields = parseFieldSelector(fieldSelector);
      fields.checkSupported(supportedFields);
    }
  } catch (e: unknown) {
    if (e instanceof LabelSelectorError || e instanceof FieldSelectorError) throw errors.badRequest(e.message);
    throw e;
  }
  if (labels?.isEmpty()) labels = undefined;
  if (fields?.isEmpty()) fields = undefined;
  const empty = !labels && !fields;
  return {
    empty,
    matches(obj) {
      if (labels && !labels.matches(obj.metadata?.labels ?? {})) return false;
      if (fields && !fields.matches(fieldsOf(obj))) return false;
      return true;
    },
  };
}
