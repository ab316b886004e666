import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tlsKeyPairProblem } from './core-config.js';
import { goJSONObjectError } from './go-json.js';
import { created, runCreate, runUpdate } from './test-util.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const secret = (extra: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' }, ...extra });
const cm = (extra: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, ...extra });

describe('Secret', () => {
  it('defaults the type and folds stringData into data', () => {
    const out = runCreate('/secrets', secret({ data: { a: b64('old'), b: b64('keep') }, stringData: { a: 'new', c: 'x' } }));
    assert.deepEqual(out.errors, []);
    assert.equal((out.obj as Record<string, unknown>).type, 'Opaque');
    assert.deepEqual((out.obj as Record<string, unknown>).data, { a: b64('new'), b: b64('keep'), c: b64('x') });
    assert.equal((out.obj as Record<string, unknown>).stringData, undefined);
  });

  const cases: [string, Record<string, unknown>, string[]][] = [
    ['a TLS secret without its keys', { type: 'kubernetes.io/tls', data: {} }, ['data[tls.crt]: Required value', 'data[tls.key]: Required value']],
    [
      'a bad data key',
      { data: { 'a b': b64('x') } },
      ["data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"],
    ],
    [
      'a docker config that is not JSON',
      { type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('nope') } },
      ['data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": invalid character \'o\' in literal null (expecting \'u\')'],
    ],
    ['a docker config secret without its key', { type: 'kubernetes.io/dockercfg', data: {} }, ['data[.dockercfg]: Required value']],
    ['a service account token without its account', { type: 'kubernetes.io/service-account-token' }, ['metadata.annotations[kubernetes.io/service-account.name]: Required value']],
    ['basic auth without credentials', { type: 'kubernetes.io/basic-auth', data: {} }, ['data[username]: Required value', 'data[password]: Required value']],
    ['ssh auth without a key', { type: 'kubernetes.io/ssh-auth', data: {} }, ['data[ssh-privatekey]: Required value']],
  ];
  for (const [name, extra, expected] of cases) {
    it(`rejects ${name}`, () => assert.deepEqual(runCreate('/secrets', secret(extra)).errors, expected));
  }

  it('keeps the type and immutable data on update', () => {
    const old = created('/secrets', secret({ data: { a: b64('1') }, immutable: true }));
    const next = secret({ type: 'kubernetes.io/basic-auth', data: { a: b64('2'), username: b64('u') }, immutable: true });
    assert.deepEqual(runUpdate('/secrets', next, old).errors, [
      'type: Invalid value: "kubernetes.io/basic-auth": field is immutable',
      'data: Forbidden: field is immutable when `immutable` is set',
    ]);
    assert.deepEqual(runUpdate('/secrets', secret({ data: { a: b64('1') } }), old).errors, ['immutable: Forbidden: field is immutable when `immutable` is set']);
  });

  it('warns about a TLS pair that does not parse', () => {
    const out = runCreate('/secrets', secret({ type: 'kubernetes.io/tls', data: { 'tls.crt': b64('x'), 'tls.key': b64('y') } }));
    assert.deepEqual(out.errors, []);
    assert.deepEqual(out.warnings, ['tls: failed to find any PEM data in certificate input']);
  });
});

describe('ConfigMap', () => {
  it('accepts ordinary data', () => assert.deepEqual(runCreate('/configmaps', cm({ data: { 'app.properties': 'a=b' }, binaryData: { blob: b64('x') } })).errors, []));

  it('rejects keys present in both data and binaryData', () => {
    assert.deepEqual(runCreate('/configmaps', cm({ data: { a: '1' }, binaryData: { a: b64('1') } })).errors, ['data[a]: Invalid value: "a": duplicate of key present in binaryData']);
  });

  it('rejects more than 1 MiB of data', () => {
    assert.deepEqual(runCreate('/configmaps', cm({ data: { a: 'x'.repeat(1024 * 1024 + 1) } })).errors, ['Too long: may not be more than 1048576 bytes']);
  });

  it('refuses changes to an immutable ConfigMap', () => {
    const old = created('/configmaps', cm({ data: { a: '1' }, immutable: true }));
    assert.deepEqual(runUpdate('/configmaps', cm({ data: { a: '2' }, immutable: true }), old).errors, ['data: Forbidden: field is immutable when `immutable` is set']);
  });
});

describe('ServiceAccount', () => {
  it('warns about the deprecated mountable-secrets annotation', () => {
    const out = runCreate('/serviceaccounts', {
      metadata: { name: 'sa', namespace: 'default', annotations: { 'kubernetes.io/enforce-mountable-secrets': 'true' } },
    });
    assert.deepEqual(out.warnings, [
      'metadata.annotations[kubernetes.io/enforce-mountable-secrets]: deprecated in v1.32+; prefer separate namespaces to isolate access to mounted secrets',
    ]);
  });
});

describe("Go's encoding/json errors", () => {
  const cases: [string, string | undefined][] = [
    ['{"auths":{}}', undefined],
    ['null', undefined],
    ['[]', 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
    ['"x"', 'json: cannot unmarshal string into Go value of type map[string]interface {}'],
    ['{', 'unexpected end of JSON input'],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1,}', "invalid character '}' looking for beginning of object key string"],
    ['x', "invalid character 'x' looking for beginning of value"],
    ['{} x', "invalid character 'x' after top-level value"],
  ];
  for (const [input, expected] of cases) {
    it(JSON.stringify(input), () => assert.equal(goJSONObjectError(input), expected));
  }
});

describe('TLS key pair problems', () => {
  it('checks the PEM framing of both halves before parsing, as Go does', () => {
    const cert = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    const key = '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n';
    assert.equal(tlsKeyPairProblem(cert, ''), 'tls: failed to find any PEM data in key input');
    assert.equal(tlsKeyPairProblem(cert, cert), 'tls: found a certificate rather than a key in the PEM for the private key');
    assert.equal(tlsKeyPairProblem(cert, key), 'x509: malformed certificate');
    assert.equal(tlsKeyPairProblem('', ''), 'tls: failed to find any PEM data in certificate input');
  });
});
