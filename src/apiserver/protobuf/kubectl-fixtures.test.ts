/**
 * Bodies captured from real kubectl 1.32 (`kubectl create ...` against a stub server); each
 * `NAME.json` beside `NAME.pb` is kubectl's own `--dry-run=client -o json` output for the same
 * command, i.e. what a JSON client sends. See testdata/README.md for the commands.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { decodeKubernetesProtobuf, encodeKubernetesProtobuf } from './index.js';

const dir = new URL('./testdata/', import.meta.url);
const read = (name: string) => new Uint8Array(readFileSync(new URL(name, dir)));
const captures = readdirSync(dir).filter((n) => n.endsWith('.pb')).map((n) => n.slice(0, -3)).sort();

describe('kubectl 1.32 protobuf bodies', () => {
  it('has the captures', () => assert.ok(captures.length >= 16, `only ${captures.length} captures`));

  for (const name of captures.filter((n) => n !== 'tokenrequest')) {
    it(`${name}: decodes to kubectl's JSON for the same object, key order included`, () => {
      const expected = JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8'));
      const got = decodeKubernetesProtobuf(read(`${name}.pb`));
      assert.deepEqual(got.object, expected);
      assert.equal(JSON.stringify(got.object), JSON.stringify(expected));
      assert.equal(got.apiVersion, expected.apiVersion);
      assert.equal(got.kind, expected.kind);
    });
  }

  for (const name of captures) {
    it(`${name}: re-encodes to the very bytes kubectl sent`, () => {
      const body = read(`${name}.pb`);
      const d = decodeKubernetesProtobuf(body);
      assert.equal(Buffer.from(encodeKubernetesProtobuf(d.apiVersion, d.kind, d.object)).toString('hex'), Buffer.from(body).toString('hex'));
    });
  }

  it('tokenrequest (kubectl create token sa1 --duration=1h --audience=a1 --bound-object-kind=Pod --bound-object-name=pod1)', () => {
    // no dry-run exists for `create token`; this is the Go JSON form of the same TokenRequest
    assert.deepEqual(decodeKubernetesProtobuf(read('tokenrequest.pb')), {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      object: {
        kind: 'TokenRequest',
        apiVersion: 'authentication.k8s.io/v1',
        metadata: { creationTimestamp: null },
        spec: {
          audiences: ['a1'],
          expirationSeconds: 3600,
          boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'pod1' },
        },
        status: { token: '', expirationTimestamp: null },
      },
    });
  });

  it('keeps replicas and other set-but-zero pointer fields', () => {
    // the deployment capture has replicas: 3; rewrite it to 0 through the encoder and back
    const d = decodeKubernetesProtobuf(read('deployment.pb'));
    const spec = d.object.spec as Record<string, unknown>;
    const zero = { ...d.object, spec: { ...spec, replicas: 0 } };
    const back = decodeKubernetesProtobuf(encodeKubernetesProtobuf('apps/v1', 'Deployment', zero));
    assert.equal((back.object.spec as Record<string, unknown>).replicas, 0);
    const { replicas: _, ...noReplicas } = spec;
    const absent = decodeKubernetesProtobuf(encodeKubernetesProtobuf('apps/v1', 'Deployment', { ...d.object, spec: noReplicas }));
    assert.equal('replicas' in (absent.object.spec as Record<string, unknown>), false);
  });
});
