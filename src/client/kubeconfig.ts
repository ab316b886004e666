import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';

/** How to reach and authenticate to an API server. */
export interface ClusterCredentials {
  server: string;
  caPem?: string;
  certPem?: string;
  keyPem?: string;
  token?: string;
  insecureSkipTLSVerify?: boolean;
}

interface KubeconfigDoc {
  clusters?: { name: string; cluster: Record<string, unknown> }[];
  users?: { name: string; user: Record<string, unknown> }[];
  contexts?: { name: string; context: { cluster: string; user: string } }[];
  'current-context'?: string;
}

/** Reads the current context of a kubeconfig file (inline *-data and file references). */
export function loadKubeconfig(path: string, context?: string): ClusterCredentials {
  const doc = parse(readFileSync(path, 'utf8')) as KubeconfigDoc;
  const base = dirname(path);
  const ctxName = context ?? doc['current-context'];
  const ctx = doc.contexts?.find((c) => c.name === ctxName)?.context;
  if (!ctx) throw new Error(`kubeconfig ${path}: context ${ctxName} not found`);
  const cluster = doc.clusters?.find((c) => c.name === ctx.cluster)?.cluster;
  const user = doc.users?.find((u) => u.name === ctx.user)?.user ?? {};
  if (!cluster) throw new Error(`kubeconfig ${path}: cluster ${ctx.cluster} not found`);
  const data = (obj: Record<string, unknown>, key: string): string | undefined => {
    const inline = obj[`${key}-data`];
    if (typeof inline === 'string') return Buffer.from(inline, 'base64').toString('utf8');
    const file = obj[key];
    if (typeof file === 'string') return readFileSync(resolve(base, file), 'utf8');
    return undefined;
  };
  return {
    server: String(cluster.server),
    caPem: data(cluster, 'certificate-authority'),
    certPem: data(user, 'client-certificate'),
    keyPem: data(user, 'client-key'),
    token: typeof user.token === 'string' ? user.token : undefined,
    insecureSkipTLSVerify: cluster['insecure-skip-tls-verify'] === true,
  };
}
