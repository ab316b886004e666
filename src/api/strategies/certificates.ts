/**
 * certificates.k8s.io/v1 CertificateSigningRequests, as kube-apiserver 1.32 prepares and
 * validates them (pkg/apis/certificates/validation, the CSR strategy).
 *
 * Not done here: upstream fills spec.username/uid/groups/extra from the requesting user
 * (strategies see no request context), and it verifies the request's signature (only the
 * PEM framing and DER envelope are checked).
 */
import { X509Certificate } from 'node:crypto';
import { fieldErrors, type FieldError } from '../../apimachinery/field-errors.js';
import { field, type FieldPath } from '../../apimachinery/field-path.js';
import { isObject, type KubeObject } from '../../apimachinery/types.js';
import { isDNS1123Label, isDNS1123Subdomain } from '../../apimachinery/validation.js';
import { formatTime } from '../../apimachinery/time.js';
import type { StrategyOverlay, TypeStrategy } from '../strategy.js';
import { has, num, objects, str, strings, sub, type Obj } from './access.js';
import { goValue } from './go-values.js';
import { byteLen } from './validators.js';

const USAGES = [
  'any',
  'cert sign',
  'client auth',
  'code signing',
  'content commitment',
  'crl sign',
  'data encipherment',
  'decipher only',
  'digital signature',
  'email protection',
  'encipher only',
  'ipsec end system',
  'ipsec tunnel',
  'ipsec user',
  'key agreement',
  'key encipherment',
  'microsoft sgc',
  'netscape sgc',
  'ocsp signing',
  's/mime',
  'server auth',
  'signing',
  'timestamping',
];
const LEGACY_UNKNOWN_SIGNER = 'kubernetes.io/legacy-unknown';
const CONDITION_STATUSES = ['False', 'True', 'Unknown'];
const DNS1123_SUBDOMAIN_MAX = 253;
const DNS1123_LABEL_MAX = 63;

/** `[]byte{0x2d, ...}` as Go's %#v prints a byte slice. */
export function goBytes(b: Buffer): string {
  return `[]byte{${[...b].map((x) => '0x' + x.toString(16)).join(', ')}}`;
}

interface PemBlock {
  type: string;
  headers: boolean;
  der: Buffer;
  rest: string;
}

/** The first PEM block of `text` (as Go's pem.Decode), or undefined. */
function pemDecode(text: string): PemBlock | undefined {
  const m = /-----BEGIN ([^\n-]*)-----\r?\n([\s\S]*?)-----END \1-----[ \t]*\r?\n?/.exec(text);
  if (!m) return undefined;
  const body = m[2]!;
  const headers = /^[^\n:]+:/.test(body) && body.includes('\n\n');
  const b64 = (headers ? body.slice(body.indexOf('\n\n')) : body).replace(/\s+/g, '');
  return { type: m[1]!, headers, der: Buffer.from(b64, 'base64'), rest: text.slice(m.index + m[0].length) };
}

/** Why a CSR's request is unusable (upstream's ParseCSR), or undefined. */
export function csrRequestProblem(request: Buffer): string | undefined {
  const block = pemDecode(request.toString('latin1'));
  if (!block || block.type !== 'CERTIFICATE REQUEST') return 'PEM block type must be CERTIFICATE REQUEST';
  // a DER SEQUENCE is all that is checked (see the file comment)
  if (block.der.length < 2 || block.der[0] !== 0x30) return 'x509: malformed certificate request';
  return undefined;
}

/** Why a CSR's issued certificate is unusable (upstream's validateCertificate), or undefined. */
export function csrCertificateProblem(pem: Buffer): string | undefined {
  if (pem.length === 0) return undefined;
  let text = pem.toString('latin1');
  let blocks = 0;
  for (let block = pemDecode(text); block; block = pemDecode(text)) {
    if (block.type !== 'CERTIFICATE') return `only CERTIFICATE PEM blocks are allowed, found "${block.type}"`;
    if (block.headers) return 'no PEM block headers are permitted';
    blocks++;
    try {
      new X509Certificate(block.der);
    } catch {
      return 'x509: malformed certificate';
    }
    text = block.rest;
  }
  return blocks === 0 ? 'must contain at least one CERTIFICATE PEM block' : undefined;
}

/** Upstream's ValidateSignerName. */
export function validateSignerName(path: FieldPath, name: string): FieldError[] {
  if (!name) return [fieldErrors.required(path, '')];
  const segments = name.split('/');
  if (segments.length !== 2) return [fieldErrors.invalid(path, name, "must be a fully qualified domain and path of the form 'example.com/signer-name'")];
  const errs: FieldError[] = [];
  const [domain, rest] = segments as [string, string];
  if (byteLen(domain) > DNS1123_SUBDOMAIN_MAX) errs.push(fieldErrors.tooLong(path, domain, DNS1123_SUBDOMAIN_MAX));
  const labels = domain.split('.');
  for (const lbl of labels) {
    const msgs = isDNS1123Label(lbl);
    if (msgs.length) {
      for (const m of msgs) errs.push(fieldErrors.invalid(path, domain, `validating label ${JSON.stringify(lbl)}: ${m}`));
      break;
    }
  }
  if (labels.length < 2) errs.push(fieldErrors.invalid(path, domain, 'should be a domain with at least two segments separated by dots'));
  for (const lbl of rest.split('.')) {
    const msgs = isDNS1123Subdomain(lbl);
    if (msgs.length) {
      for (const m of msgs) errs.push(fieldErrors.invalid(path, rest, `validating label ${JSON.stringify(lbl)}: ${m}`));
      break;
    }
  }
  const max = DNS1123_SUBDOMAIN_MAX + (DNS1123_SUBDOMAIN_MAX + DNS1123_LABEL_MAX + 1) + 1;
  if (byteLen(name) > max) errs.push(fieldErrors.tooLong(path, name, max));
  return errs;
}

/** Upstream's validateConditions for a CSR (v1: strict). */
function validateCSRConditions(csr: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const path = field('status', 'conditions');
  const seen = new Set<string>();
  let approved = false;
  let denied = false;
  objects(sub(csr, 'status'), 'conditions').forEach((c, i) => {
    const p = path.index(i);
    const type = str(c, 'type');
    const status = str(c, 'status');
    if (!type) errs.push(fieldErrors.required(p.child('type'), ''));
    if (!CONDITION_STATUSES.includes(status)) errs.push(fieldErrors.notSupported(p.child('status'), status, CONDITION_STATUSES));
    if (type === 'Approved' || type === 'Denied' || type === 'Failed') {
      if (type === 'Approved') {
        approved = true;
        if (denied) errs.push(fieldErrors.invalid(p.child('type'), type, 'Approved and Denied conditions are mutually exclusive'));
      } else if (type === 'Denied') {
        denied = true;
        if (approved) errs.push(fieldErrors.invalid(p.child('type'), type, 'Approved and Denied conditions are mutually exclusive'));
      }
      if (status !== 'True') errs.push(fieldErrors.notSupported(p.child('status'), status, ['True']));
    }
    if (seen.has(type)) errs.push(fieldErrors.duplicate(p.child('type'), type));
    seen.add(type);
  });
  return errs;
}

/** Upstream's validateCertificateSigningRequest (v1 options). */
export function validateCSR(csr: KubeObject): FieldError[] {
  const spec = sub(csr, 'spec');
  const p = field('spec');
  const errs: FieldError[] = [];
  const request = Buffer.from(str(spec, 'request'), 'base64');
  const problem = csrRequestProblem(request);
  if (problem) errs.push(fieldErrors.invalid(p.child('request'), goValue(goBytes(request)), problem));
  const usages = strings(spec, 'usages');
  if (usages.length === 0) errs.push(fieldErrors.required(p.child('usages'), ''));
  usages.forEach((u, i) => {
    if (!USAGES.includes(u)) errs.push(fieldErrors.notSupported(p.child('usages').index(i), u, USAGES));
  });
  const seen = new Set<string>();
  usages.forEach((u, i) => {
    if (seen.has(u)) errs.push(fieldErrors.duplicate(p.child('usages').index(i), u));
    seen.add(u);
  });
  const signer = str(spec, 'signerName');
  if (signer === LEGACY_UNKNOWN_SIGNER) errs.push(fieldErrors.invalid(p.child('signerName'), signer, 'the legacy signerName is not allowed via this API version'));
  else errs.push(...validateSignerName(p.child('signerName'), signer));
  if (has(spec, 'expirationSeconds') && num(spec, 'expirationSeconds') < 600) {
    errs.push(fieldErrors.invalid(p.child('expirationSeconds'), num(spec, 'expirationSeconds'), 'may not specify a duration less than 600 seconds (10 minutes)'));
  }
  errs.push(...validateCSRConditions(csr));
  const cert = Buffer.from(str(sub(csr, 'status'), 'certificate'), 'base64');
  const certProblem = csrCertificateProblem(cert);
  if (certProblem) errs.push(fieldErrors.invalid(field('status', 'certificate'), '<certificate data>', certProblem));
  return errs;
}

/** As upstream's validateCertificateSigningRequestUpdate: Approved, Denied and Failed conditions cannot be removed. */
function validateCSRUpdate(csr: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateCSR(csr);
  const count = (o: KubeObject, t: string) => objects(sub(o, 'status'), 'conditions').filter((c) => c.type === t).length;
  for (const t of ['Approved', 'Denied', 'Failed']) {
    if (count(csr, t) < count(old, t)) errs.push(fieldErrors.forbidden(field('status', 'conditions'), `updates may not remove a condition of type "${t}"`));
  }
  // as upstream: an issued certificate may not change
  const before = str(sub(old, 'status'), 'certificate');
  if (before && str(sub(csr, 'status'), 'certificate') !== before) {
    errs.push(fieldErrors.invalid(field('status', 'certificate'), '<certificate data>', 'updates may not modify existing certificate content'));
  }
  return errs;
}

/** The strategies' clock for condition times; replaceable in tests. */
export const csrClock = { now: (): number => Date.now() };

/** As upstream's populateConditionTimestamps. */
function stampConditions(conditions: Obj[], oldConditions: Obj[]): void {
  const now = formatTime(csrClock.now());
  for (const c of conditions) {
    if (!str(c, 'lastUpdateTime')) c.lastUpdateTime = now;
    if (!str(c, 'lastTransitionTime')) {
      const same = oldConditions.find((o) => o.type === c.type && o.status === c.status && str(o, 'lastTransitionTime'));
      c.lastTransitionTime = same ? same.lastTransitionTime : now;
    }
  }
}

const certificateSigningRequests: Partial<TypeStrategy> = {
  prepareForCreate(csr) {
    csr.status = {};
  },
  prepareForUpdate(csr, old) {
    // as upstream: the main resource cannot change spec or status
    csr.spec = structuredClone(old.spec);
    if (old.status !== undefined) csr.status = structuredClone(old.status);
    else delete csr.status;
  },
  prepareForStatusUpdate(csr, old) {
    // As upstream: /status keeps the Approved and Denied conditions (they come from /approval)
    // and stamps conditions' times.
    const status = isObject(csr.status) ? csr.status : (csr.status = {});
    const conditions = objects(status, 'conditions');
    const oldConditions = objects(sub(old, 'status'), 'conditions');
    for (const type of ['Approved', 'Denied']) {
      const before = oldConditions.find((c) => c.type === type);
      if (!before) continue;
      const i = conditions.findIndex((c) => c.type === type);
      if (i < 0) conditions.push(structuredClone(before));
      else conditions[i] = structuredClone(before);
    }
    stampConditions(conditions, oldConditions);
    if (conditions.length) status.conditions = conditions;
  },
  validate: validateCSR,
  validateUpdate: validateCSRUpdate,
  validateStatusUpdate: validateCSRUpdate,
};

/** CertificateSigningRequests. */
export const CERTIFICATES_STRATEGIES: StrategyOverlay = {
  'certificates.k8s.io/certificatesigningrequests': certificateSigningRequests,
};
