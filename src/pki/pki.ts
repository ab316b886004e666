import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { webcrypto } from 'node:crypto';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const subtle = webcrypto.subtle;
const DAY = 24 * 3600 * 1000;

/** A certificate and its private key, PEM-encoded. */
export interface CertPair {
  certPem: string;
  keyPem: string;
}

export interface CertAuthority extends CertPair {
  cert: x509.X509Certificate;
  key: CryptoKey;
}

export interface IssueOptions {
  commonName: string;
  organizations?: string[];
  /** DNS names and IP addresses for the subjectAltName. */
  hosts?: string[];
  usage: 'server' | 'client' | 'both';
  validDays?: number;
}

function pemKey(der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN PRIVATE KEY-----\n${b64}\n-----END PRIVATE KEY-----\n`;
}

async function importKey(pem: string): Promise<CryptoKey> {
  const b64 = pem.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, '').replace(/\s+/g, '');
  return subtle.importKey('pkcs8', Buffer.from(b64, 'base64'), ALG, true, ['sign']);
}

const serial = () => Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^[89a-f]/, '1');

function dnEscape(v: string): string {
  return v.replace(/([,+"\\<>;=])/g, '\\$1');
}

/** Creates a self-signed certificate authority. */
export async function createCA(commonName: string, validDays = 3650): Promise<CertAuthority> {
  const keys = (await subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${dnEscape(commonName)}`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + validDays * DAY),
    signingAlgorithm: ALG,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, key: keys.privateKey, certPem: cert.toString('pem') + '\n', keyPem: pemKey(await subtle.exportKey('pkcs8', keys.privateKey)) };
}

/** Issues a leaf certificate signed by `ca`. */
export async function issueCert(ca: CertAuthority, opts: IssueOptions): Promise<CertPair> {
  const keys = (await subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const subject = [`CN=${dnEscape(opts.commonName)}`, ...(opts.organizations ?? []).map((o) => `O=${dnEscape(o)}`)].join(', ');
  const eku: string[] = [];
  if (opts.usage !== 'client') eku.push(x509.ExtendedKeyUsage.serverAuth);
  if (opts.usage !== 'server') eku.push(x509.ExtendedKeyUsage.clientAuth);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension(eku),
    await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
  ];
  if (opts.hosts?.length) {
    extensions.push(
      new x509.SubjectAlternativeNameExtension(
        [...new Set(opts.hosts)].map((h) => (isIP(h) ? { type: 'ip' as const, value: h } : { type: 'dns' as const, value: h })),
      ),
    );
  }
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject,
    issuer: ca.cert.subject,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + (opts.validDays ?? 365) * DAY),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey,
    signingKey: ca.key,
    extensions,
  });
  return { certPem: cert.toString('pem') + '\n', keyPem: pemKey(await subtle.exportKey('pkcs8', keys.privateKey)) };
}

/** The hosts a certificate's subjectAltName covers. */
export function certHosts(certPem: string): string[] {
  const cert = new x509.X509Certificate(certPem);
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  return san ? san.names.items.map((n) => n.value) : [];
}

export function certNotAfter(certPem: string): Date {
  return new x509.X509Certificate(certPem).notAfter;
}

export interface ClusterPki {
  ca: CertAuthority;
  server: CertPair;
  admin: CertPair;
  dir: string;
}

function readPair(dir: string, name: string): CertPair | undefined {
  const c = join(dir, `${name}.crt`);
  const k = join(dir, `${name}.key`);
  if (!existsSync(c) || !existsSync(k)) return undefined;
  return { certPem: readFileSync(c, 'utf8'), keyPem: readFileSync(k, 'utf8') };
}

function writePair(dir: string, name: string, pair: CertPair): void {
  writeFileSync(join(dir, `${name}.crt`), pair.certPem, { mode: 0o644 });
  writeFileSync(join(dir, `${name}.key`), pair.keyPem, { mode: 0o600 });
}

/**
 * Loads the cluster's PKI from `dir`, creating what is missing: the CA, the apiserver's
 * serving certificate (re-issued when it does not cover `serverHosts` or expires within 30
 * days), and the admin client certificate (CN=admin, O=system:masters).
 * Restarts reuse everything, so kubeconfigs stay valid.
 */
export async function ensureClusterPki(dir: string, serverHosts: string[]): Promise<ClusterPki> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let caPair = readPair(dir, 'ca');
  let ca: CertAuthority;
  if (caPair) {
    ca = { ...caPair, cert: new x509.X509Certificate(caPair.certPem), key: await importKey(caPair.keyPem) };
  } else {
    ca = await createCA('k8ts-ca');
    writePair(dir, 'ca', ca);
    caPair = ca;
  }
  const soon = Date.now() + 30 * DAY;
  let server = readPair(dir, 'server');
  if (
    !server ||
    !serverHosts.every((h) => certHosts(server!.certPem).includes(h)) ||
    certNotAfter(server.certPem).getTime() < soon
  ) {
    server = await issueCert(ca, { commonName: 'kube-apiserver', hosts: serverHosts, usage: 'server' });
    writePair(dir, 'server', server);
  }
  let admin = readPair(dir, 'admin');
  if (!admin || certNotAfter(admin.certPem).getTime() < soon) {
    admin = await issueCert(ca, { commonName: 'admin', organizations: ['system:masters'], usage: 'client' });
    writePair(dir, 'admin', admin);
  }
  return { ca, server, admin, dir };
}

/** Renders a kubeconfig for `server` authenticating with a client certificate. */
export function kubeconfigYaml(opts: { server: string; caPem: string; client: CertPair; cluster?: string; user?: string }): string {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const cluster = opts.cluster ?? 'k8ts';
  const user = opts.user ?? 'admin';
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${cluster}`,
    '  cluster:',
    `    server: ${opts.server}`,
    `    certificate-authority-data: ${b64(opts.caPem)}`,
    'users:',
    `- name: ${user}`,
    '  user:',
    `    client-certificate-data: ${b64(opts.client.certPem)}`,
    `    client-key-data: ${b64(opts.client.keyPem)}`,
    'contexts:',
    `- name: ${cluster}`,
    '  context:',
    `    cluster: ${cluster}`,
    `    user: ${user}`,
    `current-context: ${cluster}`,
    'preferences: {}',
    '',
  ].join('\n');
}
