import type { UserInfo } from '../registry/context.js';

/** What authorization decides on (upstream's authorizer.Attributes). */
export interface AuthorizationAttributes {
  user: UserInfo;
  verb: string;
  isResourceRequest: boolean;
  /** Non-resource requests: the URL path. */
  path: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
}

export type Decision = 'allow' | 'deny' | 'noOpinion';

export interface Authorizer {
  authorize(a: AuthorizationAttributes): Promise<{ decision: Decision; reason?: string }>;
}

/** Allows members of system:masters everything (as upstream's privileged group), no opinion otherwise. */
export class MastersAuthorizer implements Authorizer {
  async authorize(a: AuthorizationAttributes) {
    return { decision: a.user.groups.includes('system:masters') ? ('allow' as const) : ('noOpinion' as const) };
  }
}

/** Allows what every client needs before it can do anything: discovery, health, version. */
export class PublicInfoAuthorizer implements Authorizer {
  private static readonly PATHS = ['/healthz', '/livez', '/readyz', '/version', '/api', '/apis', '/openapi'];

  async authorize(a: AuthorizationAttributes) {
    if (a.isResourceRequest || a.verb !== 'get') return { decision: 'noOpinion' as const };
    const ok = PublicInfoAuthorizer.PATHS.some((p) => a.path === p || a.path.startsWith(p + '/'));
    return { decision: ok ? ('allow' as const) : ('noOpinion' as const) };
  }
}

/** Asks authorizers in order; the first allow or deny decides; no opinion from all denies. */
export class UnionAuthorizer implements Authorizer {
  constructor(private readonly authorizers: readonly Authorizer[]) {}

  async authorize(a: AuthorizationAttributes) {
    for (const z of this.authorizers) {
      const d = await z.authorize(a);
      if (d.decision !== 'noOpinion') return d;
    }
    return { decision: 'deny' as const };
  }
}

/** Upstream's wording for a denied request. */
export function forbiddenMessage(a: AuthorizationAttributes, reason?: string): string {
  const who = `User "${a.user.name}"`;
  let msg: string;
  if (!a.isResourceRequest) {
    msg = `${who} cannot ${a.verb} path "${a.path}"`;
  } else {
    const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    msg = `${who} cannot ${a.verb} resource "${res}" in API group "${a.apiGroup}"`;
    msg += a.namespace ? ` in the namespace "${a.namespace}"` : ' at the cluster scope';
  }
  return reason ? `${msg}: ${reason}` : msg;
}
