/**
 * Descriptors over the generated data in messages.ts: messages with their fields (wire facts
 * from generated.proto, JSON facts from the Go types) and the kind -> message table.
 * Parsed on first use and cached; descriptors are immutable once built.
 */
import { KINDS_JSON, MESSAGES_JSON } from './messages.js';

export type ScalarType = 'string' | 'bytes' | 'bool' | 'int32' | 'int64';
const SCALARS: ReadonlySet<string> = new Set<ScalarType>(['string', 'bytes', 'bool', 'int32', 'int64']);

/**
 * Types whose protobuf and JSON forms are hand-written upstream (custom Marshal/MarshalJSON),
 * keyed by message full name.
 */
export const SpecialType = {
  Time: 'k8s.io.apimachinery.pkg.apis.meta.v1.Time',
  MicroTime: 'k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime',
  Duration: 'k8s.io.apimachinery.pkg.apis.meta.v1.Duration',
  FieldsV1: 'k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1',
  Quantity: 'k8s.io.apimachinery.pkg.api.resource.Quantity',
  QuantityValue: 'k8s.io.apimachinery.pkg.api.resource.QuantityValue',
  IntOrString: 'k8s.io.apimachinery.pkg.util.intstr.IntOrString',
  RawExtension: 'k8s.io.apimachinery.pkg.runtime.RawExtension',
} as const;
export type SpecialType = (typeof SpecialType)[keyof typeof SpecialType];
const SPECIALS: ReadonlySet<string> = new Set(Object.values(SpecialType));

/** The element type of a field: a scalar, or a message by full name. */
export type TypeRef = { scalar: ScalarType } | { message: string };

export interface FieldDesc {
  readonly number: number;
  /** The name in generated.proto (not always the JSON name: e.g. `Webhooks`, `uID`). */
  readonly protoName: string;
  /** The JSON name; '' when the field is inlined into its parent's JSON. */
  readonly jsonName: string;
  readonly inline: boolean;
  readonly omitEmpty: boolean;
  /** The Go field is a pointer (or a named slice): absent on the wire means nil, not zero. */
  readonly nilable: boolean;
  /** false for `json:"-"` fields, which only special types have. */
  readonly inJson: boolean;
  readonly shape: 'single' | 'repeated' | 'map';
  /** Element type (the value type for maps; map keys are always strings). */
  readonly type: TypeRef;
}

export interface MessageDesc {
  readonly fullName: string;
  /** In declaration order, which is the Go struct's (and so the JSON's) field order. */
  readonly fields: readonly FieldDesc[];
  /** Fields sorted by number: the order Go's generated marshaller writes them in. */
  readonly byNumberOrder: readonly FieldDesc[];
  readonly byNumber: ReadonlyMap<number, FieldDesc>;
  /** Go named slice (metav1.Verbs, ExtraValue): JSON is a bare array of `items`. */
  readonly listWrapper: boolean;
  /** Set for hand-coded types. */
  readonly special?: SpecialType;
}

type FieldRow = [number, string, string, string?, string?];
type MessageRow = FieldRow[] | { list: true; fields: FieldRow[] };
type KindRow = [string, string[], 1?];

let rawMessages: Record<string, Record<string, MessageRow>> | undefined;
const descCache = new Map<string, MessageDesc>();

function messagesData(): Record<string, Record<string, MessageRow>> {
  return (rawMessages ??= JSON.parse(MESSAGES_JSON) as Record<string, Record<string, MessageRow>>);
}

function splitName(fullName: string): [string, string] {
  const i = fullName.lastIndexOf('.');
  return [fullName.slice(0, i), fullName.slice(i + 1)];
}

function typeRef(t: string, pkg: string): TypeRef {
  if (SCALARS.has(t)) return { scalar: t as ScalarType };
  return { message: t.includes('.') ? t : `${pkg}.${t}` };
}

/** The descriptor of a message by full name (`k8s.io.api.core.v1.ConfigMap`), or undefined. */
export function messageDesc(fullName: string): MessageDesc | undefined {
  const cached = descCache.get(fullName);
  if (cached) return cached;
  const [pkg, name] = splitName(fullName);
  const row = messagesData()[pkg]?.[name];
  if (!row) return undefined;
  const list = !Array.isArray(row);
  const fields = (Array.isArray(row) ? row : row.fields).map(([number, protoName, type, flags = '', json]): FieldDesc => {
    let shape: FieldDesc['shape'] = 'single';
    let elem = type;
    if (type.startsWith('[]')) {
      shape = 'repeated';
      elem = type.slice(2);
    } else if (type.startsWith('map[')) {
      shape = 'map';
      elem = type.slice(type.indexOf(']') + 1);
    }
    const jsonName = json ?? protoName;
    return {
      number,
      protoName,
      jsonName,
      inline: flags.includes('i'),
      omitEmpty: flags.includes('o'),
      nilable: flags.includes('p'),
      inJson: !flags.includes('-'),
      shape,
      type: typeRef(elem, pkg),
    };
  });
  const desc: MessageDesc = {
    fullName,
    fields,
    byNumberOrder: [...fields].sort((a, b) => a.number - b.number),
    byNumber: new Map(fields.map((f) => [f.number, f])),
    listWrapper: list,
    special: SPECIALS.has(fullName) ? (fullName as SpecialType) : undefined,
  };
  descCache.set(fullName, desc);
  return desc;
}

/** Like messageDesc, for names the tables themselves reference. */
export function mustMessageDesc(fullName: string): MessageDesc {
  const d = messageDesc(fullName);
  if (!d) throw new Error(`protobuf tables: no message ${fullName}`);
  return d;
}

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';

/**
 * Kinds meta/v1 registers into every group version that calls its AddToGroupVersion (all
 * built-in ones, and upstream's apiextensions, aggregator and custom resource group
 * versions too).
 */
export const COMMON_KINDS: readonly string[] = ['WatchEvent', 'ListOptions', 'GetOptions', 'DeleteOptions', 'CreateOptions', 'UpdateOptions', 'PatchOptions'];

let kindTable: Map<string, Map<string, string>> | undefined;

function kinds(): Map<string, Map<string, string>> {
  if (kindTable) return kindTable;
  const raw = JSON.parse(KINDS_JSON) as Record<string, KindRow>;
  kindTable = new Map();
  for (const [gv, [home, list, common]] of Object.entries(raw)) {
    const m = new Map<string, string>();
    if (common) for (const k of COMMON_KINDS) m.set(k, `${META}.${k}`);
    for (const entry of list) {
      const eq = entry.indexOf('=');
      if (eq < 0) m.set(entry, `${home}.${entry}`);
      else m.set(entry.slice(0, eq), entry.slice(eq + 1));
    }
    kindTable.set(gv, m);
  }
  return kindTable;
}

/**
 * The message that is the top-level type of apiVersion/kind (e.g. `v1`/`ConfigMap` ->
 * `k8s.io.api.core.v1.ConfigMap`). Group versions without a protobuf table still resolve
 * the COMMON_KINDS (DeleteOptions in a custom resource's group version, say).
 */
export function messageForKind(apiVersion: string, kind: string): string | undefined {
  const known = kinds().get(apiVersion);
  if (known) return known.get(kind);
  return COMMON_KINDS.includes(kind) ? `${META}.${kind}` : undefined;
}

/** Every group version with a table, each with its kinds -> message full names. */
export function protobufKinds(): ReadonlyMap<string, ReadonlyMap<string, string>> {
  return kinds();
}
