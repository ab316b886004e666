import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csrClock, goBytes } from './certificates.js';
import { created, runCreate, runStatusUpdate, runUpdate } from './test-util.js';

const CSR = 'certificates.k8s.io/certificatesigningrequests';
const REQUEST = `-----BEGIN CERTIFICATE REQUEST-----
MIHJMHECAQAwDzENMAsGA1UEAwwEamFuZTBZMBMGByqGSM49AgEGCCqGSM49AwEH
A0IABBvXxu+14Wj3epu/uVMVL8phbHqLjAu+F4xnxmO5e+JGSLQwvsTIUaxWwxAk
qfN4MFWx+xJ4AST9m/TU18xrONSgADAKBggqhkjOPQQDAgNIADBFAiAsojnzssdA
d77suUKBRALqz/WbBFx1OEsVJPsBEpVr3QIhANCfGecyIaWQ2T7rSVzSBR8FYqEc
7B1QcYZ6+gDd5PXB
-----END CERTIFICATE REQUEST-----
`;
const b64 = (s: string) => Buffer.from(s).toString('base64');
const csr = (spec: Record<string, unknown>) => ({
  metadata: { name: 'jane' },
  spec: { request: b64(REQUEST), signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'], ...spec },
});

csrClock.now = () => Date.parse('2024-05-01T10:00:00Z');

describe('CertificateSigningRequest', () => {
  it('accepts a client certificate request and starts with an empty status', () => {
    const out = runCreate(CSR, { ...csr({}), status: { certificate: 'x' } });
    assert.deepEqual(out.errors, []);
    assert.deepEqual(out.obj.status, {});
  });

  const cases: [string, Record<string, unknown>, string[]][] = [
    ['a request that is no PEM', { request: b64('hi') }, [`spec.request: Invalid value: ${goBytes(Buffer.from('hi'))}: PEM block type must be CERTIFICATE REQUEST`]],
    ['no usages', { usages: [] }, ['spec.usages: Required value']],
    [
      'an unknown and a duplicate usage',
      { usages: ['client auth', 'flying', 'client auth'] },
      [
        'spec.usages[1]: Unsupported value: "flying": supported values: "any", "cert sign", "client auth", "code signing", "content commitment", "crl sign", "data encipherment", "decipher only", "digital signature", "email protection", "encipher only", "ipsec end system", "ipsec tunnel", "ipsec user", "key agreement", "key encipherment", "microsoft sgc", "netscape sgc", "ocsp signing", "s/mime", "server auth", "signing", "timestamping"',
        'spec.usages[2]: Duplicate value: "client auth"',
      ],
    ],
    ['the legacy signer', { signerName: 'kubernetes.io/legacy-unknown' }, ['spec.signerName: Invalid value: "kubernetes.io/legacy-unknown": the legacy signerName is not allowed via this API version']],
    ['a signer without path', { signerName: 'example.com' }, ["spec.signerName: Invalid value: \"example.com\": must be a fully qualified domain and path of the form 'example.com/signer-name'"]],
    ['a signer domain of one label', { signerName: 'example/signer' }, ['spec.signerName: Invalid value: "example": should be a domain with at least two segments separated by dots']],
    ['a short lifetime', { expirationSeconds: 60 }, ['spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 600 seconds (10 minutes)']],
  ];
  for (const [name, spec, expected] of cases) {
    it(`rejects ${name}`, () => assert.deepEqual(runCreate(CSR, csr(spec)).errors, expected));
  }

  it('ignores spec changes on the main resource', () => {
    const old = created(CSR, csr({}));
    const out = runUpdate(CSR, csr({ usages: ['server auth'] }), old);
    assert.deepEqual(out.errors, []);
    assert.deepEqual((out.obj.spec as Record<string, unknown>).usages, ['client auth']);
  });

  it('stamps conditions on /status and keeps approvals from being dropped', () => {
    const approved = { ...created(CSR, csr({})), status: { conditions: [{ type: 'Approved', status: 'True', reason: 'OK', lastUpdateTime: '2024-04-01T00:00:00Z', lastTransitionTime: '2024-04-01T00:00:00Z' }] } };
    const out = runStatusUpdate(CSR, { ...approved, status: { conditions: [{ type: 'Failed', status: 'True', reason: 'Broken' }] } }, approved);
    assert.deepEqual(out.errors, []);
    assert.deepEqual((out.obj.status as Record<string, unknown>).conditions, [
      { type: 'Failed', status: 'True', reason: 'Broken', lastUpdateTime: '2024-05-01T10:00:00Z', lastTransitionTime: '2024-05-01T10:00:00Z' },
      { type: 'Approved', status: 'True', reason: 'OK', lastUpdateTime: '2024-04-01T00:00:00Z', lastTransitionTime: '2024-04-01T00:00:00Z' },
    ]);
  });

  it('rejects an issued certificate that is not PEM', () => {
    const old = created(CSR, csr({}));
    assert.deepEqual(runStatusUpdate(CSR, { ...old, status: { certificate: b64('nope') } }, old).errors, [
      'status.certificate: Invalid value: "<certificate data>": must contain at least one CERTIFICATE PEM block',
    ]);
  });
});
