/**
 * core/v1 ConfigMaps, Secrets and ServiceAccounts, as kube-apiserver 1.32 defaults and
 * validates them (SetDefaults_Secret, the stringData conversion, ValidateConfigMap(Update),
 * ValidateSecret(Update), the secret and service account warnings).
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { fieldErrors, type FieldError } from '../../apimachinery/field-errors.js';
import { field } from '../../apimachinery/field-path.js';
import { compareGoStrings } from '../../apimachinery/go-format.js';
import { isObject, type KubeObject } from '../../apimachinery/types.js';
import { isConfigMapKey } from '../../apimachinery/validation.js';
import { deepEqual } from '../../util/deep.js';
import type { StrategyOverlay, TypeStrategy } from '../strategy.js';
import { sub, type Obj } from './access.js';
import { goJSONObjectError } from './go-json.js';
import { base64Len, byteLen, immutable } from './validators.js';

/** Upstream's MaxSecretSize: 1 MiB of data per ConfigMap or Secret. */
export const MAX_SECRET_SIZE = 1024 * 1024;

const IMMUTABLE_MSG = 'field is immutable when `immutable` is set';
const sortedKeys = (m: Obj) => Object.keys(m).sort(compareGoStrings);

// ---------------------------------------------------------------------------------------
// ConfigMaps

/** Upstream's ValidateConfigMap (keys, duplicates across data and binaryData, total size). */
export function validateConfigMap(cm: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const data = sub(cm, 'data');
  const binary = sub(cm, 'binaryData');
  let total = 0;
  for (const key of sortedKeys(data)) {
    const p = field('data').key(key);
    for (const m of isConfigMapKey(key)) errs.push(fieldErrors.invalid(p, key, m));
    if (key in binary) errs.push(fieldErrors.invalid(p, key, 'duplicate of key present in binaryData'));
    total += byteLen(String(data[key] ?? ''));
  }
  for (const key of sortedKeys(binary)) {
    for (const m of isConfigMapKey(key)) errs.push(fieldErrors.invalid(field('binaryData').key(key), key, m));
    total += base64Len(binary[key]);
  }
  // the whole object is at fault: upstream reports it at the empty path
  if (total > MAX_SECRET_SIZE) errs.push(fieldErrors.tooLong(field(), '', MAX_SECRET_SIZE));
  return errs;
}

function validateConfigMapUpdate(cm: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if ((old as Obj).immutable === true) {
    if ((cm as Obj).immutable !== true) errs.push(fieldErrors.forbidden(field('immutable'), IMMUTABLE_MSG));
    if (!deepEqual(sub(cm, 'data'), sub(old, 'data'))) errs.push(fieldErrors.forbidden(field('data'), IMMUTABLE_MSG));
    if (!deepEqual(sub(cm, 'binaryData'), sub(old, 'binaryData'))) errs.push(fieldErrors.forbidden(field('binaryData'), IMMUTABLE_MSG));
  }
  return [...errs, ...validateConfigMap(cm)];
}

const configMaps: Partial<TypeStrategy> = {
  validate: validateConfigMap,
  validateUpdate: validateConfigMapUpdate,
};

// ---------------------------------------------------------------------------------------
// Secrets

/**
 * The v1 conversion of stringData (type Opaque is defaulted in defaults.ts): its entries are
 * written into data (base64, overriding data's entries of the same key) and stringData is
 * dropped, so it is never stored or returned.
 */
export function convertStringData(secret: KubeObject): void {
  const s = secret as Obj;
  if (isObject(s.stringData)) {
    const data = isObject(s.data) ? s.data : (s.data = {});
    for (const [k, v] of Object.entries(s.stringData)) data[k] = Buffer.from(String(v ?? ''), 'utf8').toString('base64');
  }
  delete s.stringData;
}

const decoded = (data: Obj, key: string): Buffer | undefined =>
  key in data ? Buffer.from(typeof data[key] === 'string' ? (data[key] as string) : '', 'base64') : undefined;

/** Upstream's ValidateSecret: keys, total size and the per-type required keys. */
export function validateSecret(secret: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const data = sub(secret, 'data');
  let total = 0;
  for (const key of sortedKeys(data)) {
    for (const m of isConfigMapKey(key)) errs.push(fieldErrors.invalid(field('data').key(key), key, m));
    total += base64Len(data[key]);
  }
  if (total > MAX_SECRET_SIZE) errs.push(fieldErrors.tooLong(field('data'), '', MAX_SECRET_SIZE));
  const type = typeof (secret as Obj).type === 'string' ? ((secret as Obj).type as string) : '';
  const dp = (k: string) => field('data').key(k);
  switch (type) {
    case 'kubernetes.io/service-account-token':
      if (!secret.metadata?.annotations?.['kubernetes.io/service-account.name']) {
        errs.push(fieldErrors.required(field('metadata', 'annotations').key('kubernetes.io/service-account.name'), ''));
      }
      break;
    case 'kubernetes.io/dockercfg':
    case 'kubernetes.io/dockerconfigjson': {
      const key = type === 'kubernetes.io/dockercfg' ? '.dockercfg' : '.dockerconfigjson';
      const bytes = decoded(data, key);
      if (!bytes) {
        errs.push(fieldErrors.required(dp(key), ''));
        break;
      }
      const problem = goJSONObjectError(bytes.toString('utf8'));
      if (problem) errs.push(fieldErrors.invalid(dp(key), '<secret contents redacted>', problem));
      break;
    }
    case 'kubernetes.io/basic-auth':
      if (!('username' in data) && !('password' in data)) {
        errs.push(fieldErrors.required(dp('username'), ''), fieldErrors.required(dp('password'), ''));
      }
      break;
    case 'kubernetes.io/ssh-auth':
      if (!decoded(data, 'ssh-privatekey')?.length) errs.push(fieldErrors.required(dp('ssh-privatekey'), ''));
      break;
    case 'kubernetes.io/tls':
      if (!('tls.crt' in data)) errs.push(fieldErrors.required(dp('tls.crt'), ''));
      if (!('tls.key' in data)) errs.push(fieldErrors.required(dp('tls.key'), ''));
      break;
  }
  return errs;
}

function validateSecretUpdate(secret: KubeObject, old: KubeObject): FieldError[] {
  const s = secret as Obj;
  const o = old as Obj;
  const errs = immutable(s.type ?? '', o.type ?? '', field('type'));
  if (o.immutable === true) {
    if (s.immutable !== true) errs.push(fieldErrors.forbidden(field('immutable'), IMMUTABLE_MSG));
    if (!deepEqual(sub(s, 'data'), sub(o, 'data'))) errs.push(fieldErrors.forbidden(field('data'), IMMUTABLE_MSG));
  }
  return [...errs, ...validateSecret(secret)];
}

/** PEM blocks of a text, as Go's pem.Decode finds them. */
function pemBlocks(text: string): { type: string; body: string }[] {
  const out: { type: string; body: string }[] = [];
  const re = /-----BEGIN ([^-\r\n]*)-----\r?\n([\s\S]*?)-----END \1-----/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push({ type: m[1]!, body: m[0] });
  return out;
}

/**
 * The error Go's tls.X509KeyPair gives for a TLS secret's pair, or undefined when the
 * certificate and key parse and match (upstream returns it as a warning).
 */
export function tlsKeyPairProblem(certPem: string, keyPem: string): string | undefined {
  const certBlocks = pemBlocks(certPem);
  const certs = certBlocks.filter((b) => b.type === 'CERTIFICATE');
  if (certs.length === 0) {
    if (certBlocks.length === 0) return 'tls: failed to find any PEM data in certificate input';
    return `tls: failed to find "CERTIFICATE" PEM block in certificate input after skipping PEM blocks of the following types: [${certBlocks.map((b) => b.type).join(' ')}]`;
  }
  const keyBlocks = pemBlocks(keyPem);
  const keys = keyBlocks.filter((b) => b.type === 'PRIVATE KEY' || b.type.endsWith(' PRIVATE KEY'));
  if (keys.length === 0) {
    if (keyBlocks.length === 0) return 'tls: failed to find any PEM data in key input';
    if (keyBlocks.some((b) => b.type === 'CERTIFICATE')) return 'tls: found a certificate rather than a key in the PEM for the private key';
    return `tls: failed to find PEM block with type ending in "PRIVATE KEY" in key input after skipping PEM blocks of the following types: [${keyBlocks.map((b) => b.type).join(' ')}]`;
  }
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certs[0]!.body);
  } catch {
    return 'x509: malformed certificate';
  }
  try {
    const key = createPrivateKey(keys[0]!.body);
    if (!cert.checkPrivateKey(key)) return 'tls: private key does not match public key';
  } catch {
    return 'tls: failed to parse private key';
  }
  return undefined;
}

function secretWarnings(secret: KubeObject): string[] {
  if ((secret as Obj).type !== 'kubernetes.io/tls') return [];
  const data = sub(secret, 'data');
  const problem = tlsKeyPairProblem(decoded(data, 'tls.crt')?.toString('utf8') ?? '', decoded(data, 'tls.key')?.toString('utf8') ?? '');
  return problem ? [problem] : [];
}

const secrets: Partial<TypeStrategy> = {
  default: convertStringData,
  validate: validateSecret,
  validateUpdate: validateSecretUpdate,
  warnings: (s) => secretWarnings(s),
};

// ---------------------------------------------------------------------------------------
// ServiceAccounts

const ENFORCE_MOUNTABLE_SECRETS = 'kubernetes.io/enforce-mountable-secrets';

const serviceAccounts: Partial<TypeStrategy> = {
  warnings(sa) {
    if (sa.metadata?.annotations?.[ENFORCE_MOUNTABLE_SECRETS] === undefined) return [];
    return [`metadata.annotations[${ENFORCE_MOUNTABLE_SECRETS}]: deprecated in v1.32+; prefer separate namespaces to isolate access to mounted secrets`];
  },
};

/** ConfigMaps, Secrets and ServiceAccounts. */
export const CORE_CONFIG_STRATEGIES: StrategyOverlay = {
  '/configmaps': configMaps,
  '/secrets': secrets,
  '/serviceaccounts': serviceAccounts,
};
