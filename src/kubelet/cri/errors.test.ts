import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CriError, grpcCodeName, GrpcCode, isUnavailable, isUnimplemented, toCriError } from './errors.js';
import { isNotFound } from './runtime.js';

describe('CRI errors', () => {
  it('formats messages as Go gRPC clients do', () => {
    const e = new CriError(GrpcCode.NotFound, 'container "x" not found', 'ContainerStatus');
    assert.equal(e.message, 'rpc error: code = NotFound desc = container "x" not found');
    assert.equal(e.code, 5);
    assert.equal(e.details, 'container "x" not found');
    assert.equal(e.method, 'ContainerStatus');
    assert.equal(isNotFound(e), true);
  });

  const cases: [unknown, number, string][] = [
    [{ code: 5, details: 'gone', message: '5 NOT_FOUND: gone' }, 5, 'rpc error: code = NotFound desc = gone'],
    [{ code: 14, details: 'No connection established', message: '14 UNAVAILABLE: No connection established' }, 14, 'rpc error: code = Unavailable desc = No connection established'],
    [{ code: 2, details: '', message: '2 UNKNOWN: x' }, 2, 'rpc error: code = Unknown desc = 2 UNKNOWN: x'],
    [new Error('plain'), 2, 'rpc error: code = Unknown desc = plain'],
    [{ code: 99, details: 'odd' }, 99, 'rpc error: code = Code(99) desc = odd'],
  ];
  for (const [input, code, message] of cases) {
    it(`maps ${JSON.stringify(input) ?? String(input)}`, () => {
      const e = toCriError(input, 'X');
      assert.ok(e instanceof CriError);
      assert.equal(e.code, code);
      assert.equal(e.message, message);
    });
  }

  it('has predicates for the codes the kubelet branches on', () => {
    assert.equal(isUnavailable(new CriError(14, 'x')), true);
    assert.equal(isUnavailable(new CriError(5, 'x')), false);
    assert.equal(isUnimplemented(new CriError(12, 'x')), true);
    assert.equal(isNotFound(new Error('not found')), false, 'a message alone is not a code');
    assert.equal(isNotFound(null), false);
    assert.equal(grpcCodeName(GrpcCode.DeadlineExceeded), 'DeadlineExceeded');
    const same = new CriError(3, 'y');
    assert.equal(toCriError(same), same);
  });
});
