import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { aggregateMessage, fieldErrors, formatValue, rendered } from './field-errors.js';
import { FieldPath } from './field-path.js';
import { errors } from './status.js';

describe('FieldError rendering', () => {
  const p = FieldPath.root('spec').child('replicas');
  const cases: [ReturnType<typeof fieldErrors.invalid>, string][] = [
    [fieldErrors.invalid(p, -1, 'must be greater than or equal to 0'), 'spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
    [fieldErrors.invalid(p, 'a\tb', 'bad'), 'spec.replicas: Invalid value: "a\\tb": bad'],
    [fieldErrors.invalid(p, null, 'bad'), 'spec.replicas: Invalid value: null: bad'],
    [fieldErrors.invalid(p, true, 'bad'), 'spec.replicas: Invalid value: true: bad'],
    [fieldErrors.invalid(p, rendered('[]string{"a"}'), 'bad'), 'spec.replicas: Invalid value: []string{"a"}: bad'],
    [fieldErrors.required(p, ''), 'spec.replicas: Required value'],
    [fieldErrors.forbidden(p, 'no'), 'spec.replicas: Forbidden: no'],
    [fieldErrors.tooLong(p, 'x', 10), 'spec.replicas: Too long: may not be more than 10 bytes'],
    [fieldErrors.tooMany(p, 5, 3), 'spec.replicas: Too many: 5: must have at most 3 items'],
    [fieldErrors.notSupported(p, 'X', ['A', 'B']), 'spec.replicas: Unsupported value: "X": supported values: "A", "B"'],
    [fieldErrors.duplicate(p, 'a'), 'spec.replicas: Duplicate value: "a"'],
  ];
  for (const [e, want] of cases) it(want, () => assert.equal(e.message(), want));

  it('formatValue', () => {
    assert.equal(formatValue('é"'), '"é\\""');
    assert.equal(formatValue(12n), '12');
    assert.equal(formatValue({ a: 1 }), '{"a":1}');
  });
});

describe('aggregateMessage', () => {
  const a = fieldErrors.required('a', '');
  const b = fieldErrors.invalid('b', 1, 'x');
  it('renders none, one and several, dropping duplicates', () => {
    assert.equal(aggregateMessage([]), '');
    assert.equal(aggregateMessage([a]), 'a: Required value');
    assert.equal(aggregateMessage([a, b]), '[a: Required value, b: Invalid value: 1: x]');
    assert.equal(aggregateMessage([a, a]), 'a: Required value');
    assert.equal(aggregateMessage([a, b, a]), '[a: Required value, b: Invalid value: 1: x]');
  });
  it('prints an empty field with its separator, as Go', () => {
    assert.equal(aggregateMessage([fieldErrors.invalid('', 'v', 'd')]), ': Invalid value: "v": d');
  });
});

describe('errors.invalid', () => {
  const gk = { group: 'apps', kind: 'Deployment' };
  it('aggregates as upstream NewInvalid', () => {
    const a = fieldErrors.required('spec.selector', '');
    assert.equal(errors.invalid(gk, 'web', [a]).message, 'Deployment.apps "web" is invalid: spec.selector: Required value');
    assert.equal(errors.invalid(gk, 'web', [a, a]).message, 'Deployment.apps "web" is invalid: spec.selector: Required value');
    assert.equal(errors.invalid(gk, 'web', []).message, 'Deployment.apps "web" is invalid');
    assert.equal(errors.invalid(gk, 'we"b', [a]).message, 'Deployment.apps "we\\"b" is invalid: spec.selector: Required value');
    // causes keep every error
    assert.equal(errors.invalid(gk, 'web', [a, a]).status.details?.causes?.length, 2);
  });
});
