/**
 * Kubernetes protobuf <-> the JSON form of the same object.
 *
 * Decoding reproduces what the Go client's JSON encoder would have sent for the same Go
 * value: the wire is read into Go semantics (value fields default to their zero value,
 * pointer fields to nil) and then rendered as encoding/json would — omitempty drops only
 * empty values (false, 0, "", nil, empty slices/maps; never structs), nil without omitempty
 * is `null`, inline structs merge into their parent, map keys are sorted, and the
 * hand-written types use their upstream JSON forms.
 *
 * Encoding writes what Go's generated marshaller writes for that JSON: fields in number
 * order, value fields always (zero included), pointer fields only when set, repeated scalars
 * unpacked, map entries sorted by key.
 *
 * int64: a Number when it is a safe integer, otherwise a bigint (exact); the encoder takes
 * either. Callers that serialise decoded objects with JSON.stringify must handle bigint.
 */
import { formatGoDuration, parseGoDuration } from './go-duration.js';
import { messageForKind, mustMessageDesc, SpecialType, type FieldDesc, type MessageDesc, type ScalarType } from './tables.js';
import { Reader, WireError, WireType, Writer } from './wire.js';

/** A value that cannot be represented: bad JSON input to the encoder, or a bad wire value. */
export class CodecError extends Error {
  override readonly name = 'CodecError';
}

type Scalar = string | number | bigint | boolean | Uint8Array;

/** Collected wire values of one field, before Go/JSON semantics are applied. */
type FieldState =
  | { kind: 'single'; value?: Scalar; chunks?: Uint8Array[] }
  | { kind: 'repeated'; values: (Scalar | Uint8Array)[] }
  | { kind: 'map'; entries: Map<string, Uint8Array | Scalar | undefined> };

const utf8 = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();

// ---------------------------------------------------------------- decode

function readScalar(r: Reader, t: ScalarType): Scalar {
  switch (t) {
    case 'string':
      return r.string();
    case 'bytes':
      return r.bytes();
    case 'bool':
      return r.bool();
    case 'int32':
      return r.int32();
    case 'int64':
      return r.int64();
  }
}

function expectWire(f: FieldDesc, got: number, want: number): void {
  if (got !== want) throw new WireError(`wrong wire type ${got} for field ${f.protoName}`);
}

function scalarWire(t: ScalarType): number {
  return t === 'string' || t === 'bytes' ? WireType.LengthDelimited : WireType.Varint;
}

/** One map entry: key (1) and value (2), either of which may be absent. */
function readMapEntry(f: FieldDesc, buf: Uint8Array): [string, Uint8Array | Scalar | undefined] {
  const r = new Reader(buf);
  let key = '';
  let value: Uint8Array | Scalar | undefined;
  while (!r.done) {
    const [n, wt] = r.tag();
    if (n === 1) {
      expectWire(f, wt, WireType.LengthDelimited);
      key = r.string();
    } else if (n === 2) {
      if ('scalar' in f.type) {
        expectWire(f, wt, scalarWire(f.type.scalar));
        value = readScalar(r, f.type.scalar);
      } else {
        expectWire(f, wt, WireType.LengthDelimited);
        value = r.bytes();
      }
    } else r.skip(wt, n);
  }
  return [key, value];
}

/**
 * Reads the wire fields of one message. Several chunks of the same message field merge (proto
 * semantics, which is what Go's generated Unmarshal does for nested structs).
 */
function readFields(desc: MessageDesc, chunks: readonly Uint8Array[]): Map<number, FieldState> {
  const state = new Map<number, FieldState>();
  for (const chunk of chunks) {
    const r = new Reader(chunk);
    while (!r.done) {
      const [n, wt] = r.tag();
      const f = desc.byNumber.get(n);
      if (!f) {
        r.skip(wt, n);
        continue;
      }
      if (f.shape === 'map') {
        expectWire(f, wt, WireType.LengthDelimited);
        let s = state.get(n);
        if (!s) state.set(n, (s = { kind: 'map', entries: new Map() }));
        const [k, v] = readMapEntry(f, r.bytes());
        (s as Extract<FieldState, { kind: 'map' }>).entries.set(k, v);
      } else if (f.shape === 'repeated') {
        let s = state.get(n) as Extract<FieldState, { kind: 'repeated' }> | undefined;
        if (!s) state.set(n, (s = { kind: 'repeated', values: [] }));
        if ('scalar' in f.type) {
          const want = scalarWire(f.type.scalar);
          if (want === WireType.Varint && wt === WireType.LengthDelimited) {
            // packed encoding: accepted for varint scalars, as any protobuf reader must
            const body = r.bytes();
            const pr = new Reader(body);
            while (!pr.done) s.values.push(readScalar(pr, f.type.scalar));
          } else {
            expectWire(f, wt, want);
            s.values.push(readScalar(r, f.type.scalar));
          }
        } else {
          expectWire(f, wt, WireType.LengthDelimited);
          s.values.push(r.bytes());
        }
      } else {
        let s = state.get(n) as Extract<FieldState, { kind: 'single' }> | undefined;
        if (!s) state.set(n, (s = { kind: 'single' }));
        if ('scalar' in f.type) {
          expectWire(f, wt, scalarWire(f.type.scalar));
          s.value = readScalar(r, f.type.scalar);
        } else {
          expectWire(f, wt, WireType.LengthDelimited);
          (s.chunks ??= []).push(r.bytes());
        }
      }
    }
  }
  return state;
}

function base64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}

function scalarJson(v: Scalar): unknown {
  return v instanceof Uint8Array ? base64(v) : v;
}

function zeroScalar(t: ScalarType): Scalar {
  switch (t) {
    case 'string':
      return '';
    case 'bool':
      return false;
    case 'bytes':
      return new Uint8Array(0);
    default:
      return 0;
  }
}

function isZeroScalar(v: Scalar): boolean {
  if (v instanceof Uint8Array) return v.length === 0;
  return v === '' || v === 0 || v === false || v === 0n;
}

/** A Go value rendered to JSON, plus whether encoding/json's omitempty would drop it. */
interface Rendered {
  json: unknown;
  empty: boolean;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** seconds since the epoch (+ fraction digits) as RFC 3339 in UTC, as Go's time formatting. */
function rfc3339(seconds: number | bigint, micros?: number): string {
  const ms = Number(seconds) * 1000;
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  if (typeof seconds === 'bigint' || Number.isNaN(ms) || year < 0 || year > 9999) {
    // as Go's Time.MarshalJSON: only four-digit years have a JSON form
    throw new CodecError('Time.MarshalJSON: year outside of range [0,9999]');
  }
  const base = `${pad(year, 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
  return micros === undefined ? `${base}Z` : `${base}.${pad(micros, 6)}Z`;
}

/** Decodes the fields of a Timestamp-shaped message (Time, MicroTime). */
function readTimestamp(buf: Uint8Array): { seconds: number | bigint; nanos: number } {
  const r = new Reader(buf);
  let seconds: number | bigint = 0;
  let nanos = 0;
  while (!r.done) {
    const [n, wt] = r.tag();
    if (n === 1 && wt === WireType.Varint) seconds = r.int64();
    else if (n === 2 && wt === WireType.Varint) nanos = r.int32();
    else r.skip(wt, n);
  }
  return { seconds, nanos };
}

/** Parses Raw bytes holding JSON (RawExtension, FieldsV1); nested Kubernetes protobuf is decoded too. */
function rawJson(raw: Uint8Array): unknown {
  if (raw.length === 0) return null;
  if (hasProtobufMagic(raw)) return decodeEnvelope(raw).object;
  try {
    return JSON.parse(utf8.decode(raw));
  } catch {
    throw new CodecError('raw field does not hold JSON');
  }
}

/** The last occurrence of field 1 in the merged chunks, for single-field special messages. */
function singleField(chunks: readonly Uint8Array[] | undefined, t: ScalarType): Scalar | undefined {
  let v: Scalar | undefined;
  for (const c of chunks ?? []) {
    const r = new Reader(c);
    while (!r.done) {
      const [n, wt] = r.tag();
      if (n === 1) {
        expectWire({ protoName: 'value' } as FieldDesc, wt, scalarWire(t));
        v = readScalar(r, t);
      } else r.skip(wt, n);
    }
  }
  return v;
}

/**
 * The JSON of a message-typed Go value, given its chunks (undefined when absent on the wire,
 * i.e. the Go zero value of a value-typed field).
 */
function renderMessage(desc: MessageDesc, chunks: readonly Uint8Array[] | undefined): unknown {
  switch (desc.special) {
    case SpecialType.Time: {
      // as upstream's Time.Unmarshal: an empty message is the zero time (JSON null); the
      // last occurrence wins, and only whole seconds are kept
      const last = chunks?.[chunks.length - 1];
      if (!last || last.length === 0) return null;
      return rfc3339(readTimestamp(last).seconds);
    }
    case SpecialType.MicroTime: {
      const last = chunks?.[chunks.length - 1];
      if (!last || last.length === 0) return null;
      const { seconds, nanos } = readTimestamp(last);
      const micros = Math.trunc(nanos / 1000);
      if (micros < 0 || micros > 999_999) throw new CodecError(`MicroTime nanos out of range: ${nanos}`);
      return rfc3339(seconds, micros);
    }
    case SpecialType.Duration:
      return formatGoDuration((singleField(chunks, 'int64') as number | bigint | undefined) ?? 0);
    case SpecialType.Quantity:
    case SpecialType.QuantityValue: {
      const s = singleField(chunks, 'string') as string | undefined;
      if (s === undefined) return '0'; // the zero Quantity
      // as upstream's Quantity.Unmarshal, which parses the string: an empty one is an error
      if (s === '') throw new CodecError('quantities must match the regular expression');
      return s;
    }
    case SpecialType.IntOrString: {
      let type: number | bigint = 0;
      let intVal = 0;
      let strVal = '';
      for (const c of chunks ?? []) {
        const r = new Reader(c);
        while (!r.done) {
          const [n, wt] = r.tag();
          if (n === 1 && wt === WireType.Varint) type = r.int64();
          else if (n === 2 && wt === WireType.Varint) intVal = r.int32();
          else if (n === 3 && wt === WireType.LengthDelimited) strVal = r.string();
          else r.skip(wt, n);
        }
      }
      if (type === 0) return intVal;
      if (type === 1) return strVal;
      throw new CodecError('impossible IntOrString.Type');
    }
    case SpecialType.RawExtension:
    case SpecialType.FieldsV1: {
      const raw = singleField(chunks, 'bytes') as Uint8Array | undefined;
      return raw === undefined ? null : rawJson(raw);
    }
  }
  const state = readFields(desc, chunks ?? []);
  if (desc.listWrapper) {
    const items = state.get(1);
    return items?.kind === 'repeated' ? items.values.map((v) => scalarJson(v as Scalar)) : [];
  }
  return renderStruct(desc, state);
}

function renderElement(f: FieldDesc, v: Scalar | Uint8Array | undefined): unknown {
  if ('scalar' in f.type) return scalarJson(v ?? zeroScalar(f.type.scalar));
  const desc = mustMessageDesc(f.type.message);
  // a map entry without a value holds the zero value (an empty list for named slices)
  return renderMessage(desc, v === undefined ? undefined : [v as Uint8Array]);
}

function renderField(f: FieldDesc, s: FieldState | undefined): Rendered {
  if (f.shape === 'repeated') {
    const values = s?.kind === 'repeated' ? s.values : [];
    // Go decodes "no elements" as a nil slice: null in JSON
    if (values.length === 0) return { json: null, empty: true };
    return { json: values.map((v) => renderElement(f, v)), empty: false };
  }
  if (f.shape === 'map') {
    const entries = s?.kind === 'map' ? s.entries : undefined;
    if (!entries || entries.size === 0) return { json: null, empty: true };
    const out: Record<string, unknown> = {};
    for (const k of [...entries.keys()].sort()) out[k] = renderElement(f, entries.get(k));
    return { json: out, empty: false };
  }
  const single = s?.kind === 'single' ? s : undefined;
  if ('scalar' in f.type) {
    if (f.type.scalar === 'bytes') {
      // []byte is nil-able whatever the Go declaration: absent means nil
      const b = single?.value as Uint8Array | undefined;
      return b === undefined ? { json: null, empty: true } : { json: base64(b), empty: b.length === 0 };
    }
    if (single?.value === undefined) {
      if (f.nilable) return { json: null, empty: true };
      return { json: zeroScalar(f.type.scalar), empty: true };
    }
    return { json: single.value, empty: !f.nilable && isZeroScalar(single.value) };
  }
  const desc = mustMessageDesc(f.type.message);
  const chunks = single?.chunks;
  if (chunks === undefined && f.nilable) return { json: null, empty: true };
  const json = renderMessage(desc, chunks);
  // structs are never empty to encoding/json; named slices are when they have no items
  return { json, empty: desc.listWrapper ? (json as unknown[]).length === 0 : false };
}

function renderStruct(desc: MessageDesc, state: Map<number, FieldState>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of desc.fields) {
    if (!f.inJson) continue;
    const { json, empty } = renderField(f, state.get(f.number));
    if (f.inline) {
      if (json && typeof json === 'object') Object.assign(out, json);
      continue;
    }
    if (f.omitEmpty && empty) continue;
    out[f.jsonName] = json;
  }
  return out;
}

/** Decodes one message (no envelope) into its JSON form. */
export function decodeMessage(fullName: string, bytes: Uint8Array): unknown {
  return renderMessage(mustMessageDesc(fullName), [bytes]);
}

// ---------------------------------------------------------------- encode

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function encodeScalar(w: Writer, n: number, t: ScalarType, v: unknown, path: string): void {
  switch (t) {
    case 'string':
      if (typeof v !== 'string') throw new CodecError(`${path}: expected string, got ${describe(v)}`);
      w.tag(n, WireType.LengthDelimited).string(v);
      return;
    case 'bytes':
      if (typeof v === 'string') w.tag(n, WireType.LengthDelimited).bytes(Buffer.from(v, 'base64'));
      else if (v instanceof Uint8Array) w.tag(n, WireType.LengthDelimited).bytes(v);
      else throw new CodecError(`${path}: expected base64 string, got ${describe(v)}`);
      return;
    case 'bool':
      if (typeof v !== 'boolean') throw new CodecError(`${path}: expected boolean, got ${describe(v)}`);
      w.tag(n, WireType.Varint).bool(v);
      return;
    case 'int32':
      if (typeof v !== 'number' || !Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
        throw new CodecError(`${path}: expected int32, got ${String(v)}`);
      }
      w.tag(n, WireType.Varint).int32(v);
      return;
    case 'int64':
      if (typeof v === 'bigint') {
        if (BigInt.asIntN(64, v) !== v) throw new CodecError(`${path}: ${v} overflows int64`);
      } else if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
        throw new CodecError(`${path}: expected int64, got ${String(v)}`);
      }
      w.tag(n, WireType.Varint).int64(v);
      return;
  }
}

function parseRfc3339(s: string, path: string): { seconds: number; nanos: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/.exec(s);
  if (!m) throw new CodecError(`${path}: not an RFC 3339 time: ${JSON.stringify(s)}`);
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  let seconds = Math.floor(ms / 1000);
  if (m[1]! < '0100') seconds = Math.floor(new Date(ms).setUTCFullYear(+m[1]!) / 1000);
  if (m[9]) seconds -= (m[9] === '-' ? -1 : 1) * (+m[10]! * 3600 + +m[11]! * 60);
  const nanos = m[7] ? +m[7].padEnd(9, '0') : 0;
  return { seconds, nanos };
}

/** The body of a message-typed value (the part after tag and length). */
function encodeMessageBody(desc: MessageDesc, v: unknown, path: string): Uint8Array {
  const w = new Writer();
  switch (desc.special) {
    case SpecialType.Time:
    case SpecialType.MicroTime: {
      // as upstream: the zero time marshals to no bytes at all
      if (v === null || v === undefined) return w.finish();
      if (typeof v !== 'string') throw new CodecError(`${path}: expected time string, got ${describe(v)}`);
      const { seconds, nanos } = parseRfc3339(v, path);
      // Time carries whole seconds only; MicroTime microseconds
      const keep = desc.special === SpecialType.Time ? 0 : nanos - (nanos % 1000);
      return w.tag(1, WireType.Varint).int64(seconds).tag(2, WireType.Varint).int32(keep).finish();
    }
    case SpecialType.Duration: {
      let ns = 0n;
      if (v !== null && v !== undefined) {
        if (typeof v !== 'string') throw new CodecError(`${path}: expected duration string, got ${describe(v)}`);
        try {
          ns = parseGoDuration(v);
        } catch (e: unknown) {
          throw new CodecError(`${path}: ${(e as Error).message}`);
        }
      }
      return w.tag(1, WireType.Varint).int64(ns).finish();
    }
    case SpecialType.Quantity:
    case SpecialType.QuantityValue: {
      let s = '0';
      if (typeof v === 'string') s = v.trim();
      else if (typeof v === 'number') s = String(v);
      else if (v !== null && v !== undefined) throw new CodecError(`${path}: expected quantity, got ${describe(v)}`);
      return w.tag(1, WireType.LengthDelimited).string(s).finish();
    }
    case SpecialType.IntOrString: {
      let type = 0;
      let intVal = 0;
      let strVal = '';
      if (typeof v === 'string') {
        type = 1;
        strVal = v;
      } else if (typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647) intVal = v;
      else if (v !== null && v !== undefined) throw new CodecError(`${path}: expected integer or string, got ${String(v)}`);
      return w.tag(1, WireType.Varint).int64(type).tag(2, WireType.Varint).int32(intVal).tag(3, WireType.LengthDelimited).string(strVal).finish();
    }
    case SpecialType.RawExtension:
    case SpecialType.FieldsV1:
      if (v === null || v === undefined) return w.finish();
      return w.tag(1, WireType.LengthDelimited).bytes(utf8Encoder.encode(JSON.stringify(v))).finish();
  }
  if (desc.listWrapper) {
    if (v === null || v === undefined) return w.finish();
    if (!Array.isArray(v)) throw new CodecError(`${path}: expected array, got ${describe(v)}`);
    const items = desc.byNumber.get(1)!;
    v.forEach((item, i) => encodeScalar(w, 1, (items.type as { scalar: ScalarType }).scalar, item, `${path}[${i}]`));
    return w.finish();
  }
  if (v !== null && v !== undefined && (typeof v !== 'object' || Array.isArray(v))) {
    throw new CodecError(`${path}: expected object, got ${describe(v)}`);
  }
  encodeStruct(w, desc, (v ?? {}) as Record<string, unknown>, path);
  return w.finish();
}

function encodeElement(w: Writer, f: FieldDesc, n: number, v: unknown, path: string): void {
  if ('scalar' in f.type) encodeScalar(w, n, f.type.scalar, v, path);
  else w.tag(n, WireType.LengthDelimited).bytes(encodeMessageBody(mustMessageDesc(f.type.message), v, path));
}

function encodeStruct(w: Writer, desc: MessageDesc, obj: Record<string, unknown>, path: string): void {
  for (const f of desc.byNumberOrder) {
    const fp = f.inline ? path : `${path}.${f.jsonName}`;
    // inline structs read their fields from the parent's own JSON object
    const v = f.inline ? obj : f.inJson ? obj[f.jsonName] : undefined;
    if (f.shape === 'repeated') {
      if (v === null || v === undefined) continue;
      if (!Array.isArray(v)) throw new CodecError(`${fp}: expected array, got ${describe(v)}`);
      v.forEach((e, i) => encodeElement(w, f, f.number, e, `${fp}[${i}]`));
      continue;
    }
    if (f.shape === 'map') {
      if (v === null || v === undefined) continue;
      if (typeof v !== 'object' || Array.isArray(v)) throw new CodecError(`${fp}: expected object, got ${describe(v)}`);
      const m = v as Record<string, unknown>;
      for (const k of Object.keys(m).sort()) {
        const entry = new Writer();
        entry.tag(1, WireType.LengthDelimited).string(k);
        const ev = m[k];
        if (!('scalar' in f.type && f.type.scalar === 'bytes' && ev === null)) encodeElement(entry, f, 2, ev, `${fp}[${k}]`);
        w.tag(f.number, WireType.LengthDelimited).bytes(entry.finish());
      }
      continue;
    }
    if ('scalar' in f.type) {
      if (v === null || v === undefined) {
        // value fields are always written, zero included; pointers and []byte only when set
        if (f.nilable || f.type.scalar === 'bytes') continue;
        encodeScalar(w, f.number, f.type.scalar, zeroScalar(f.type.scalar), fp);
      } else encodeScalar(w, f.number, f.type.scalar, v, fp);
      continue;
    }
    if ((v === null || v === undefined) && f.nilable) continue;
    w.tag(f.number, WireType.LengthDelimited).bytes(encodeMessageBody(mustMessageDesc(f.type.message), v, fp));
  }
}

/** Encodes one message (no envelope) from its JSON form. */
export function encodeMessage(fullName: string, json: unknown): Uint8Array {
  return encodeMessageBody(mustMessageDesc(fullName), json, '');
}

// ---------------------------------------------------------------- envelope

/** `k8s\0`: the prefix of every Kubernetes protobuf body. */
export const PROTOBUF_MAGIC: Uint8Array = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

export function hasProtobufMagic(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x6b && b[1] === 0x38 && b[2] === 0x73 && b[3] === 0x00;
}

/** The runtime.Unknown envelope after the magic. */
export interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

export function readEnvelope(body: Uint8Array): Envelope {
  if (!hasProtobufMagic(body)) throw new CodecError('missing the Kubernetes protobuf prefix');
  const r = new Reader(body, 4);
  const env: Envelope = { apiVersion: '', kind: '', raw: new Uint8Array(0), contentEncoding: '', contentType: '' };
  while (!r.done) {
    const [n, wt] = r.tag();
    if (wt !== WireType.LengthDelimited) {
      r.skip(wt, n);
      continue;
    }
    if (n === 1) {
      const tm = new Reader(r.bytes());
      while (!tm.done) {
        const [tn, twt] = tm.tag();
        if (tn === 1 && twt === WireType.LengthDelimited) env.apiVersion = tm.string();
        else if (tn === 2 && twt === WireType.LengthDelimited) env.kind = tm.string();
        else tm.skip(twt, tn);
      }
    } else if (n === 2) env.raw = r.bytes();
    else if (n === 3) env.contentEncoding = r.string();
    else if (n === 4) env.contentType = r.string();
    else r.skip(wt, n);
  }
  return env;
}

export function writeEnvelope(apiVersion: string, kind: string, raw: Uint8Array): Uint8Array {
  const typeMeta = new Writer().tag(1, WireType.LengthDelimited).string(apiVersion).tag(2, WireType.LengthDelimited).string(kind).finish();
  // as upstream's runtime.Unknown marshaller: contentEncoding and contentType are always written
  return new Writer()
    .raw(PROTOBUF_MAGIC)
    .tag(1, WireType.LengthDelimited)
    .bytes(typeMeta)
    .tag(2, WireType.LengthDelimited)
    .bytes(raw)
    .tag(3, WireType.LengthDelimited)
    .string('')
    .tag(4, WireType.LengthDelimited)
    .string('')
    .finish();
}

/**
 * Decodes an enveloped body into its JSON object (apiVersion and kind from the envelope).
 * Throws CodecError/WireError; index.ts turns them into StatusErrors.
 */
export function decodeEnvelope(
  body: Uint8Array,
  lookup: (apiVersion: string, kind: string) => string | undefined = messageForKind,
): { apiVersion: string; kind: string; object: Record<string, unknown> } {
  const env = readEnvelope(body);
  if (env.contentEncoding) throw new CodecError(`unsupported content encoding ${JSON.stringify(env.contentEncoding)}`);
  if (!env.kind) throw new CodecError('Object \'Kind\' is missing in the protobuf envelope');
  const msg = lookup(env.apiVersion, env.kind);
  if (!msg) throw new UnknownKindError(env.apiVersion, env.kind);
  const fields = renderMessage(mustMessageDesc(msg), [env.raw]) as Record<string, unknown>;
  // TypeMeta first, as the Go JSON encoder writes it
  return { apiVersion: env.apiVersion, kind: env.kind, object: { kind: env.kind, apiVersion: env.apiVersion, ...fields } };
}

/** No protobuf table for this group/version/kind. */
export class UnknownKindError extends CodecError {
  constructor(readonly apiVersion: string, readonly kind: string) {
    super(`no kind "${kind}" is registered for version "${apiVersion}"`);
  }
}
