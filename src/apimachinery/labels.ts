/**
 * Label selectors with upstream's semantics (k8s.io/apimachinery pkg/labels and the
 * LabelSelector helpers of pkg/apis/meta/v1, 1.32): the `?labelSelector=` string syntax, the
 * metav1.LabelSelector struct, matching, and the canonical string form.
 *
 * Parse errors carry upstream's exact texts (the API server returns them as 400
 * BadRequest messages), e.g. `unable to parse requirement: found '', expected: identifier`.
 */
import { aggregateMessage, fieldErrors, rendered, type FieldError } from './field-errors.js';
import { FieldPath } from './field-path.js';
import { compareGoStrings, goQuote, goStringSlice } from './go-format.js';
import { isQualifiedName, isValidLabelValue, validateLabelName, validateLabels } from './validation.js';

/** A set of labels as objects carry them. */
export type Labels = Readonly<Record<string, string>>;

/** The operators of a requirement (upstream's selection.Operator values). */
export const Operator = {
  DoesNotExist: '!',
  Equals: '=',
  DoubleEquals: '==',
  In: 'in',
  NotEquals: '!=',
  NotIn: 'notin',
  Exists: 'exists',
  GreaterThan: 'gt',
  LessThan: 'lt',
} as const;
export type Operator = (typeof Operator)[keyof typeof Operator];

const BINARY_OPERATORS: readonly string[] = [
  Operator.In,
  Operator.NotIn,
  Operator.Equals,
  Operator.DoubleEquals,
  Operator.NotEquals,
  Operator.GreaterThan,
  Operator.LessThan,
];
const VALID_OPERATORS: readonly string[] = [...BINARY_OPERATORS, Operator.Exists, Operator.DoesNotExist];

/** A label selector (or requirement) that is malformed; `message` is upstream's text. */
export class LabelSelectorError extends Error {
  override readonly name = 'LabelSelectorError';
  /** The field errors behind the message, when it came from requirement validation. */
  readonly fieldErrors: readonly FieldError[];

  constructor(message: string, errs: readonly FieldError[] = []) {
    super(message);
    this.fieldErrors = errs;
  }
}

const INT64_RE = /^[+-]?[0-9]+$/;
const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;

/** Go's strconv.ParseInt(s, 10, 64); undefined when it would fail. */
function parseInt64(s: string): bigint | undefined {
  if (!INT64_RE.test(s)) return undefined;
  const v = BigInt(s);
  return v < MIN_INT64 || v > MAX_INT64 ? undefined : v;
}

/**
 * One clause of a selector: a key, an operator and its values. Immutable. Build it with
 * `newRequirement` (validating) unless the inputs are known valid.
 */
export class Requirement {
  constructor(
    readonly key: string,
    readonly operator: Operator,
    /** The values as given (not deduplicated or sorted; String() sorts on output). */
    readonly values: readonly string[],
  ) {}

  /** As upstream's Requirement.Matches. A missing key fails In/=/==/Exists/Gt/Lt. */
  matches(labels: Labels | undefined | null): boolean {
    const has = labels != null && Object.prototype.hasOwnProperty.call(labels, this.key);
    const value = has ? labels![this.key]! : '';
    switch (this.operator) {
      case Operator.In:
      case Operator.Equals:
      case Operator.DoubleEquals:
        return has && this.values.includes(value);
      case Operator.NotIn:
      case Operator.NotEquals:
        return !has || !this.values.includes(value);
      case Operator.Exists:
        return has;
      case Operator.DoesNotExist:
        return !has;
      case Operator.GreaterThan:
      case Operator.LessThan: {
        if (!has) return false;
        const lv = parseInt64(value);
        if (lv === undefined || this.values.length !== 1) return false;
        const rv = parseInt64(this.values[0]!);
        if (rv === undefined) return false;
        return this.operator === Operator.GreaterThan ? lv > rv : lv < rv;
      }
      default:
        return false;
    }
  }

  /** The values as a sorted, de-duplicated list (upstream's Values()). */
  valueSet(): string[] {
    return [...new Set(this.values)].sort(compareGoStrings);
  }

  /** The canonical text, e.g. `a=b`, `a in (x,y)`, `!a` (values sorted, not deduplicated). */
  toString(): string {
    let s = this.operator === Operator.DoesNotExist ? '!' + this.key : this.key;
    switch (this.operator) {
      case Operator.Equals:
        s += '=';
        break;
      case Operator.DoubleEquals:
        s += '==';
        break;
      case Operator.NotEquals:
        s += '!=';
        break;
      case Operator.In:
        s += ' in ';
        break;
      case Operator.NotIn:
        s += ' notin ';
        break;
      case Operator.GreaterThan:
        s += '>';
        break;
      case Operator.LessThan:
        s += '<';
        break;
      case Operator.Exists:
      case Operator.DoesNotExist:
        return s;
    }
    const set = this.operator === Operator.In || this.operator === Operator.NotIn;
    const vals = this.values.length === 1 ? this.values[0]! : [...this.values].sort(compareGoStrings).join(',');
    return set ? `${s}(${vals})` : s + vals;
  }

  equals(other: Requirement): boolean {
    return (
      this.key === other.key &&
      this.operator === other.operator &&
      this.values.length === other.values.length &&
      this.values.every((v, i) => v === other.values[i])
    );
  }
}

/**
 * Validates and builds a requirement as upstream's NewRequirement. `path` prefixes the
 * error fields (`key`, `values[0][key]`, ...). Throws LabelSelectorError whose message is
 * the aggregated field errors.
 */
export function newRequirement(key: string, op: string, values: readonly string[], path?: FieldPath): Requirement {
  const errs = requirementErrors(key, op, values, path);
  if (errs.length) throw new LabelSelectorError(aggregateMessage(errs), errs);
  return new Requirement(key, op as Operator, [...values]);
}

function child(path: FieldPath | undefined, name: string): FieldPath {
  return (path ?? FieldPath.root()).child(name);
}

// `nilWhenEmpty`: render an empty list as Go's nil slice, as upstream's struct conversion
// passes one.
function requirementErrors(
  key: string,
  op: string,
  values: readonly string[],
  path?: FieldPath,
  nilWhenEmpty = false,
): FieldError[] {
  const errs: FieldError[] = [];
  const keyErr = labelKeyError(key, child(path, 'key'));
  if (keyErr) errs.push(keyErr);
  const valuePath = child(path, 'values');
  const badValues = rendered(goStringSlice(nilWhenEmpty && values.length === 0 ? null : values));
  switch (op) {
    case Operator.In:
    case Operator.NotIn:
      if (values.length === 0) errs.push(fieldErrors.invalid(valuePath, badValues, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case Operator.Equals:
    case Operator.DoubleEquals:
    case Operator.NotEquals:
      if (values.length !== 1) errs.push(fieldErrors.invalid(valuePath, badValues, 'exact-match compatibility requires one single value'));
      break;
    case Operator.Exists:
    case Operator.DoesNotExist:
      if (values.length !== 0) errs.push(fieldErrors.invalid(valuePath, badValues, 'values set must be empty for exists and does not exist'));
      break;
    case Operator.GreaterThan:
    case Operator.LessThan:
      if (values.length !== 1) errs.push(fieldErrors.invalid(valuePath, badValues, "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined) {
          errs.push(fieldErrors.invalid(valuePath.index(i), v, "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      });
      break;
    default:
      errs.push(fieldErrors.notSupported(child(path, 'operator'), op, VALID_OPERATORS));
  }
  values.forEach((v, i) => {
    const msgs = isValidLabelValue(v);
    if (msgs.length) errs.push(fieldErrors.invalid(valuePath.index(i).key(key), v, msgs.join('; ')));
  });
  return errs;
}

/** `path` undefined renders as Go's nil path, `<nil>`, which the string parser uses. */
function labelKeyError(key: string, path: FieldPath | undefined): FieldError | undefined {
  const msgs = isQualifiedName(key);
  return msgs.length ? fieldErrors.invalid(path ?? '<nil>', key, msgs.join('; ')) : undefined;
}

// ---------------------------------------------------------------------------------------
// Selectors

/**
 * A parsed label selector: an AND of requirements, kept sorted by key (stable). Immutable.
 * `everything()` (no requirements) matches all label sets; `nothing()` matches none.
 */
export interface Selector {
  /** True if every requirement holds for `labels` (missing labels = empty set). */
  matches(labels: Labels | undefined | null): boolean;
  /** True if the selector does not restrict anything (false for nothing()). */
  isEmpty(): boolean;
  /** True for the selector that matches nothing (a nil metav1.LabelSelector). */
  isNothing(): boolean;
  /** The canonical text as upstream's String(): requirements joined by ',' ('' for nothing()). */
  toString(): string;
  /** The requirements ([] for both everything() and nothing()). */
  requirements(): readonly Requirement[];
  /** A new selector with more requirements (nothing() stays nothing). */
  add(...reqs: Requirement[]): Selector;
  /** The single value `label` must equal (=, ==, or `in` with one value), if the selector requires one. */
  requiresExactMatch(label: string): string | undefined;
}

class RequirementsSelector implements Selector {
  private readonly reqs: readonly Requirement[];

  constructor(reqs: readonly Requirement[]) {
    this.reqs = [...reqs].sort((a, b) => compareGoStrings(a.key, b.key));
  }

  matches(labels: Labels | undefined | null): boolean {
    for (const r of this.reqs) if (!r.matches(labels)) return false;
    return true;
  }

  isEmpty(): boolean {
    return this.reqs.length === 0;
  }

  isNothing(): boolean {
    return false;
  }

  toString(): string {
    return this.reqs.map((r) => r.toString()).join(',');
  }

  requirements(): readonly Requirement[] {
    return this.reqs;
  }

  add(...reqs: Requirement[]): Selector {
    return new RequirementsSelector([...this.reqs, ...reqs]);
  }

  requiresExactMatch(label: string): string | undefined {
    for (const r of this.reqs) {
      if (r.key !== label) continue;
      const exact = r.operator === Operator.Equals || r.operator === Operator.DoubleEquals || r.operator === Operator.In;
      return exact && r.values.length === 1 ? r.values[0] : undefined;
    }
    return undefined;
  }
}

const NOTHING: Selector = {
  matches: () => false,
  isEmpty: () => false,
  isNothing: () => true,
  toString: () => '',
  requirements: () => [],
  add: () => NOTHING,
  requiresExactMatch: () => undefined,
};

const EVERYTHING: Selector = new RequirementsSelector([]);

/** The selector that matches every label set. */
export const everything = (): Selector => EVERYTHING;

/** The selector that matches no label set. */
export const nothing = (): Selector => NOTHING;

/** A selector from requirements (sorted by key). */
export const selectorFromRequirements = (reqs: readonly Requirement[]): Selector =>
  reqs.length ? new RequirementsSelector(reqs) : EVERYTHING;

/**
 * A selector matching exactly the given set (`k=v` for each entry); empty or missing set
 * matches everything. Does not validate, as upstream's SelectorFromSet.
 */
export function selectorFromSet(set: Labels | undefined | null): Selector {
  if (!set) return EVERYTHING;
  const reqs = Object.entries(set).map(([k, v]) => new Requirement(k, Operator.Equals, [v]));
  return selectorFromRequirements(reqs);
}

/** As selectorFromSet, but validates keys and values (throws LabelSelectorError). */
export function validatedSelectorFromSet(set: Labels | undefined | null): Selector {
  if (!set) return EVERYTHING;
  return selectorFromRequirements(Object.entries(set).map(([k, v]) => newRequirement(k, Operator.Equals, [v])));
}

/** `k=v` pairs sorted, joined by ',' (upstream's labels.Set String()); see formatLabels. */
export function labelsToString(set: Labels | undefined | null): string {
  return Object.entries(set ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .sort(compareGoStrings)
    .join(',');
}

/** As labelsToString, but `<none>` for an empty set (upstream's FormatLabels). */
export function formatLabels(set: Labels | undefined | null): string {
  return labelsToString(set) || '<none>';
}

// ---------------------------------------------------------------------------------------
// The string syntax

const Tok = {
  Error: 0,
  EndOfString: 1,
  ClosedPar: 2,
  Comma: 3,
  DoesNotExist: 4,
  DoubleEquals: 5,
  Equals: 6,
  GreaterThan: 7,
  Identifier: 8,
  In: 9,
  LessThan: 10,
  NotEquals: 11,
  NotIn: 12,
  OpenPar: 13,
} as const;
type Tok = (typeof Tok)[keyof typeof Tok];

const STRING_TO_TOKEN: ReadonlyMap<string, Tok> = new Map<string, Tok>([
  [')', Tok.ClosedPar],
  [',', Tok.Comma],
  ['!', Tok.DoesNotExist],
  ['==', Tok.DoubleEquals],
  ['=', Tok.Equals],
  ['>', Tok.GreaterThan],
  ['in', Tok.In],
  ['<', Tok.LessThan],
  ['!=', Tok.NotEquals],
  ['notin', Tok.NotIn],
  ['(', Tok.OpenPar],
]);

const isWhitespace = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isSpecial = (c: string) => c === '=' || c === '!' || c === '(' || c === ')' || c === ',' || c === '>' || c === '<';

interface Item {
  tok: Tok;
  lit: string;
}

/**
 * Splits the input into tokens, as upstream's lexer: whitespace is space, tab, CR and LF;
 * a run of special characters yields its longest token prefix. Like upstream (which reads
 * bytes and uses 0 for "end"), a NUL character ends the current token and is consumed, and
 * a NUL where a token should start ends the input.
 */
function lex(s: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  const read = () => (pos < s.length ? s[pos++]! : '\0');
  for (;;) {
    let ch = read();
    while (isWhitespace(ch)) ch = read();
    if (ch === '\0') {
      items.push({ tok: Tok.EndOfString, lit: '' });
      return items;
    }
    pos--;
    if (isSpecial(ch)) {
      let buf = '';
      let last: Item | undefined;
      for (;;) {
        const c = read();
        if (c === '\0') break;
        if (!isSpecial(c)) {
          pos--;
          break;
        }
        buf += c;
        const t = STRING_TO_TOKEN.get(buf);
        if (t !== undefined) {
          last = { tok: t, lit: buf };
        } else if (last) {
          pos--;
          break;
        }
      }
      items.push(last ?? { tok: Tok.Error, lit: `error expected: keyword found '${buf}'` });
    } else {
      let buf = '';
      for (;;) {
        const c = read();
        if (c === '\0') break;
        if (isSpecial(c) || isWhitespace(c)) {
          pos--;
          break;
        }
        buf += c;
      }
      items.push({ tok: STRING_TO_TOKEN.get(buf) ?? Tok.Identifier, lit: buf });
    }
  }
}

const Ctx = { KeyAndOperator: 0, Values: 1 } as const;
type Ctx = (typeof Ctx)[keyof typeof Ctx];

class Parser {
  private pos = 0;

  constructor(
    private readonly items: Item[],
    private readonly path: FieldPath | undefined,
  ) {}

  private at(i: number, ctx: Ctx): Item {
    const it = this.items[i]!;
    // `in` and `notin` are plain identifiers where values are expected.
    if (ctx === Ctx.Values && (it.tok === Tok.In || it.tok === Tok.NotIn)) return { tok: Tok.Identifier, lit: it.lit };
    return it;
  }

  private lookahead(ctx: Ctx): Item {
    return this.at(this.pos, ctx);
  }

  private consume(ctx: Ctx): Item {
    return this.at(this.pos++, ctx);
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead(Ctx.Values);
      switch (tok) {
        case Tok.Identifier:
        case Tok.DoesNotExist: {
          let r: Requirement;
          try {
            r = this.parseRequirement();
          } catch (e: unknown) {
            const err = e as LabelSelectorError;
            throw new LabelSelectorError(`unable to parse requirement: ${err.message}`, err.fieldErrors);
          }
          reqs.push(r);
          const next = this.consume(Ctx.Values);
          if (next.tok === Tok.EndOfString) return reqs;
          if (next.tok === Tok.Comma) {
            const after = this.lookahead(Ctx.Values);
            if (after.tok !== Tok.Identifier && after.tok !== Tok.DoesNotExist) {
              throw new LabelSelectorError(`found '${after.lit}', expected: identifier after ','`);
            }
            break;
          }
          throw new LabelSelectorError(`found '${next.lit}', expected: ',' or 'end of string'`);
        }
        case Tok.EndOfString:
          return reqs;
        default:
          throw new LabelSelectorError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
    }
  }

  private parseRequirement(): Requirement {
    const { key, op: inferred } = this.parseKeyAndInferOperator();
    if (inferred === Operator.Exists || inferred === Operator.DoesNotExist) {
      return newRequirement(key, inferred, [], this.path);
    }
    const op = this.parseOperator();
    const values = op === Operator.In || op === Operator.NotIn ? this.parseValues() : this.parseExactValue();
    return newRequirement(key, op, [...values].sort(compareGoStrings), this.path);
  }

  private parseKeyAndInferOperator(): { key: string; op: Operator | undefined } {
    let op: Operator | undefined;
    let it = this.consume(Ctx.Values);
    if (it.tok === Tok.DoesNotExist) {
      op = Operator.DoesNotExist;
      it = this.consume(Ctx.Values);
    }
    if (it.tok !== Tok.Identifier) throw new LabelSelectorError(`found '${it.lit}', expected: identifier`);
    // as upstream: the key is checked against the parser's own (usually nil) path here
    const keyErr = labelKeyError(it.lit, this.path);
    if (keyErr) throw new LabelSelectorError(aggregateMessage([keyErr]), [keyErr]);
    const next = this.lookahead(Ctx.Values).tok;
    if ((next === Tok.EndOfString || next === Tok.Comma) && op !== Operator.DoesNotExist) op = Operator.Exists;
    return { key: it.lit, op };
  }

  private parseOperator(): Operator {
    const { tok, lit } = this.consume(Ctx.KeyAndOperator);
    switch (tok) {
      case Tok.In:
        return Operator.In;
      case Tok.Equals:
        return Operator.Equals;
      case Tok.DoubleEquals:
        return Operator.DoubleEquals;
      case Tok.GreaterThan:
        return Operator.GreaterThan;
      case Tok.LessThan:
        return Operator.LessThan;
      case Tok.NotIn:
        return Operator.NotIn;
      case Tok.NotEquals:
        return Operator.NotEquals;
      default:
        throw new LabelSelectorError(`found '${lit}', expected: ${BINARY_OPERATORS.join(', ')}`);
    }
  }

  private parseValues(): Set<string> {
    const open = this.consume(Ctx.Values);
    if (open.tok !== Tok.OpenPar) throw new LabelSelectorError(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.lookahead(Ctx.Values);
    switch (tok) {
      case Tok.Identifier:
      case Tok.Comma: {
        const s = this.parseIdentifiersList();
        if (this.consume(Ctx.Values).tok !== Tok.ClosedPar) {
          // as upstream, the message names the token seen after '(', not the one at fault
          throw new LabelSelectorError(`found '${lit}', expected: ')'`);
        }
        return s;
      }
      case Tok.ClosedPar:
        this.consume(Ctx.Values);
        return new Set(['']);
      default:
        throw new LabelSelectorError(`found '${lit}', expected: ',', ')' or identifier`);
    }
  }

  private parseIdentifiersList(): Set<string> {
    const s = new Set<string>();
    for (;;) {
      const { tok, lit } = this.consume(Ctx.Values);
      if (tok === Tok.Identifier) {
        s.add(lit);
        const next = this.lookahead(Ctx.Values);
        if (next.tok === Tok.Comma) continue;
        if (next.tok === Tok.ClosedPar) return s;
        throw new LabelSelectorError(`found '${next.lit}', expected: ',' or ')'`);
      } else if (tok === Tok.Comma) {
        // A leading, trailing or doubled comma stands for the empty value.
        if (s.size === 0) s.add('');
        const next = this.lookahead(Ctx.Values).tok;
        if (next === Tok.ClosedPar) {
          s.add('');
          return s;
        }
        if (next === Tok.Comma) {
          this.consume(Ctx.Values);
          s.add('');
        }
      } else {
        throw new LabelSelectorError(`found '${lit}', expected: ',', or identifier`);
      }
    }
  }

  private parseExactValue(): Set<string> {
    const next = this.lookahead(Ctx.Values).tok;
    if (next === Tok.EndOfString || next === Tok.Comma) return new Set(['']);
    const { tok, lit } = this.consume(Ctx.Values);
    if (tok === Tok.Identifier) return new Set([lit]);
    throw new LabelSelectorError(`found '${lit}', expected: identifier`);
  }
}

/**
 * Parses the `?labelSelector=` syntax as upstream's labels.Parse:
 *
 *   selector    ::= requirement | requirement "," selector
 *   requirement ::= [!] KEY [ ("in" | "notin") "(" VALUES ")" | ("=" | "==" | "!=" | ">" | "<") VALUE ]
 *
 * Whitespace (space, tab, CR, LF) separates tokens; `()` and empty list items stand for the
 * empty value; `x=` means x equals ''. Keys must be qualified names, values label values.
 * The result is sorted by key. Throws LabelSelectorError with upstream's message.
 * `path` only changes the field names inside validation messages (upstream's PathOption).
 */
export function parseSelector(selector: string, path?: FieldPath): Selector {
  return selectorFromRequirements(new Parser(lex(selector), path).parse());
}

/** Parses like parseSelector and returns the requirements (sorted by key). */
export function parseToRequirements(selector: string, path?: FieldPath): Requirement[] {
  return [...parseSelector(selector, path).requirements()];
}

// ---------------------------------------------------------------------------------------
// metav1.LabelSelector

/** meta/v1 LabelSelectorOperator. */
export const LabelSelectorOperator = {
  In: 'In',
  NotIn: 'NotIn',
  Exists: 'Exists',
  DoesNotExist: 'DoesNotExist',
} as const;
export type LabelSelectorOperator = (typeof LabelSelectorOperator)[keyof typeof LabelSelectorOperator];

/** meta/v1 LabelSelectorRequirement. `operator` is a string: unknown ones are reported, not assumed away. */
export interface LabelSelectorRequirement {
  key: string;
  operator: LabelSelectorOperator | string;
  values?: string[] | null;
}

/** meta/v1 LabelSelector, as objects carry it (`spec.selector`). */
export interface LabelSelector {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: LabelSelectorRequirement[] | null;
}

/**
 * Converts a metav1.LabelSelector into a Selector as upstream's LabelSelectorAsSelector:
 * null/undefined matches NOTHING, an empty struct matches EVERYTHING. Throws
 * LabelSelectorError (e.g. `"Foo" is not a valid label selector operator`, or the
 * requirement's field errors) for invalid selectors.
 */
export function labelSelectorAsSelector(ls: LabelSelector | null | undefined): Selector {
  if (ls == null) return NOTHING;
  const matchLabels = Object.entries(ls.matchLabels ?? {});
  const exprs = ls.matchExpressions ?? [];
  if (matchLabels.length + exprs.length === 0) return EVERYTHING;
  const reqs: Requirement[] = [];
  for (const [k, v] of matchLabels) reqs.push(newRequirement(k, Operator.Equals, [v]));
  for (const e of exprs) {
    let op: Operator;
    switch (e.operator) {
      case LabelSelectorOperator.In:
        op = Operator.In;
        break;
      case LabelSelectorOperator.NotIn:
        op = Operator.NotIn;
        break;
      case LabelSelectorOperator.Exists:
        op = Operator.Exists;
        break;
      case LabelSelectorOperator.DoesNotExist:
        op = Operator.DoesNotExist;
        break;
      default:
        throw new LabelSelectorError(`${goQuote(String(e.operator))} is not a valid label selector operator`);
    }
    reqs.push(newRequirementFromStruct(e.key, op, e.values));
  }
  return selectorFromRequirements(reqs);
}

// Upstream copies the struct's values with append([]string(nil), ...), so an empty list
// is a nil slice in its messages.
function newRequirementFromStruct(key: string, op: Operator, values: readonly string[] | null | undefined): Requirement {
  const vals = values ?? [];
  const errs = requirementErrors(key, op, vals, undefined, true);
  if (errs.length) throw new LabelSelectorError(aggregateMessage(errs), errs);
  return new Requirement(key, op, [...vals]);
}

/**
 * The selector for a possibly-absent metav1.LabelSelector under the two upstream readings:
 * `absentMatches: false` (the default, LabelSelectorAsSelector) makes null match nothing;
 * `absentMatches: true` makes null match everything (as callers that treat "no selector"
 * as "select all" do). An empty struct always matches everything.
 */
export function selectorOrDefault(ls: LabelSelector | null | undefined, absentMatches = false): Selector {
  if (ls == null) return absentMatches ? EVERYTHING : NOTHING;
  return labelSelectorAsSelector(ls);
}

/** Options of validateLabelSelector, as upstream's LabelSelectorValidationOptions. */
export interface LabelSelectorValidationOptions {
  /** Accept invalid label values in matchExpressions (for data persisted before validation tightened). */
  allowInvalidLabelValueInSelector?: boolean;
  /** Accept unknown operators (for SubjectAccessReview-like callers). */
  allowUnknownOperatorInRequirement?: boolean;
}

/**
 * Validates a metav1.LabelSelector at `path` (e.g. `spec.selector`) as upstream's
 * ValidateLabelSelector: matchLabels as labels; per expression, values required for
 * In/NotIn, forbidden for Exists/DoesNotExist, a known operator, a qualified key and
 * valid values. null is valid (callers that require a selector check presence themselves).
 */
export function validateLabelSelector(
  ls: LabelSelector | null | undefined,
  opts: LabelSelectorValidationOptions,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  if (ls == null) return errs;
  errs.push(...validateLabels(ls.matchLabels ?? undefined, path.child('matchLabels')));
  (ls.matchExpressions ?? []).forEach((e, i) => {
    errs.push(...validateLabelSelectorRequirement(e, opts, path.child('matchExpressions').index(i)));
  });
  return errs;
}

/** Validates one matchExpressions entry (upstream's ValidateLabelSelectorRequirement). */
export function validateLabelSelectorRequirement(
  r: LabelSelectorRequirement,
  opts: LabelSelectorValidationOptions,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  const values = r.values ?? [];
  switch (r.operator) {
    case LabelSelectorOperator.In:
    case LabelSelectorOperator.NotIn:
      if (values.length === 0) {
        errs.push(fieldErrors.required(path.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      }
      break;
    case LabelSelectorOperator.Exists:
    case LabelSelectorOperator.DoesNotExist:
      if (values.length > 0) {
        errs.push(fieldErrors.forbidden(path.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      }
      break;
    default:
      if (!opts.allowUnknownOperatorInRequirement) {
        errs.push(fieldErrors.invalid(path.child('operator'), r.operator, 'not a valid selector operator'));
      }
  }
  errs.push(...validateLabelName(r.key, path.child('key')));
  if (!opts.allowInvalidLabelValueInSelector) {
    values.forEach((v, i) => {
      for (const m of isValidLabelValue(v)) errs.push(fieldErrors.invalid(path.child('values').index(i), v, m));
    });
  }
  return errs;
}

/** True if any matchExpressions value is not a valid label value (upstream's LabelSelectorHasInvalidLabelValue). */
export function labelSelectorHasInvalidLabelValue(ls: LabelSelector | null | undefined): boolean {
  return (ls?.matchExpressions ?? []).some((e) => (e.values ?? []).some((v) => isValidLabelValue(v).length > 0));
}
