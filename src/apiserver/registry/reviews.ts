import { errors } from '../../apimachinery/status.js';
import { isObject, type KubeObject } from '../../apimachinery/types.js';
import type { AuthorizationAttributes, Authorizer } from '../authz/authorizer.js';
import type { RequestContext, UserInfo } from './context.js';

/**
 * Resources whose create computes an answer instead of storing an object: the review APIs
 * (authentication.k8s.io, authorization.k8s.io). Each returns the request object with its
 * status filled in, as upstream, and nothing is persisted.
 */
export type VirtualCreate = (ctx: RequestContext, namespace: string, body: KubeObject) => Promise<KubeObject>;

export interface ReviewDeps {
  authorizer: Authorizer;
  /** Validates a bearer token (TokenReview); undefined when no token authenticator exists. */
  authenticateToken?: (token: string) => Promise<UserInfo | undefined>;
}

function userAttrs(user: UserInfo, ra: Record<string, unknown> | undefined, nra: Record<string, unknown> | undefined, namespaceOverride?: string): AuthorizationAttributes {
  if (ra) {
    return {
      user,
      verb: String(ra.verb ?? ''),
      isResourceRequest: true,
      path: '',
      apiGroup: String(ra.group ?? ''),
      apiVersion: String(ra.version ?? ''),
      namespace: namespaceOverride ?? String(ra.namespace ?? ''),
      resource: String(ra.resource ?? ''),
      subresource: String(ra.subresource ?? ''),
      name: String(ra.name ?? ''),
    };
  }
  return {
    user,
    verb: String(nra?.verb ?? ''),
    isResourceRequest: false,
    path: String(nra?.path ?? ''),
    apiGroup: '',
    apiVersion: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
  };
}

async function decide(authz: Authorizer, a: AuthorizationAttributes): Promise<Record<string, unknown>> {
  const d = await authz.authorize(a);
  const status: Record<string, unknown> = { allowed: d.decision === 'allow' };
  if (d.decision === 'deny') status.denied = true;
  if (d.reason) status.reason = d.reason;
  return status;
}

function specOf(body: KubeObject, kind: string): Record<string, unknown> {
  if (!isObject(body.spec)) {
    throw errors.invalid({ group: 'authorization.k8s.io', kind }, '', []);
  }
  return body.spec;
}

function reviewOf(body: KubeObject, apiVersion: string, kind: string, status: Record<string, unknown>): KubeObject {
  return { ...body, apiVersion, kind, metadata: { ...(body.metadata ?? {}), creationTimestamp: null }, status };
}

export function reviewHandlers(deps: ReviewDeps): Record<string, VirtualCreate> {
  return {
    'authentication.k8s.io/selfsubjectreviews': async (ctx, _ns, body) => {
      const u = ctx.user;
      const userInfo: Record<string, unknown> = { username: u.name, groups: u.groups };
      if (u.uid) userInfo.uid = u.uid;
      if (u.extra) userInfo.extra = u.extra;
      return reviewOf(body, 'authentication.k8s.io/v1', 'SelfSubjectReview', { userInfo });
    },
    'authentication.k8s.io/tokenreviews': async (_ctx, _ns, body) => {
      const spec = isObject(body.spec) ? body.spec : {};
      const token = typeof spec.token === 'string' ? spec.token : '';
      const user = token && deps.authenticateToken ? await deps.authenticateToken(token) : undefined;
      const status: Record<string, unknown> = user
        ? { authenticated: true, user: { username: user.name, uid: user.uid, groups: user.groups, extra: user.extra }, audiences: spec.audiences }
        : { user: {}, error: token ? 'token not recognized' : 'no token given' };
      return reviewOf(body, 'authentication.k8s.io/v1', 'TokenReview', status);
    },
    'authorization.k8s.io/selfsubjectaccessreviews': async (ctx, _ns, body) => {
      const spec = specOf(body, 'SelfSubjectAccessReview');
      const a = userAttrs(
        ctx.user,
        isObject(spec.resourceAttributes) ? spec.resourceAttributes : undefined,
        isObject(spec.nonResourceAttributes) ? spec.nonResourceAttributes : undefined,
      );
      return reviewOf(body, 'authorization.k8s.io/v1', 'SelfSubjectAccessReview', await decide(deps.authorizer, a));
    },
    'authorization.k8s.io/subjectaccessreviews': async (_ctx, _ns, body) => {
      const spec = specOf(body, 'SubjectAccessReview');
      const user: UserInfo = {
        name: String(spec.user ?? ''),
        uid: typeof spec.uid === 'string' ? spec.uid : undefined,
        groups: Array.isArray(spec.groups) ? (spec.groups as string[]) : [],
        extra: isObject(spec.extra) ? (spec.extra as Record<string, string[]>) : undefined,
      };
      const a = userAttrs(user, isObject(spec.resourceAttributes) ? spec.resourceAttributes : undefined, isObject(spec.nonResourceAttributes) ? spec.nonResourceAttributes : undefined);
      return reviewOf(body, 'authorization.k8s.io/v1', 'SubjectAccessReview', await decide(deps.authorizer, a));
    },
    'authorization.k8s.io/localsubjectaccessreviews': async (_ctx, namespace, body) => {
      const spec = specOf(body, 'LocalSubjectAccessReview');
      const user: UserInfo = {
        name: String(spec.user ?? ''),
        groups: Array.isArray(spec.groups) ? (spec.groups as string[]) : [],
      };
      const ra = isObject(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
      if (ra?.namespace && ra.namespace !== namespace) {
        throw errors.badRequest(`spec.resourceAttributes.namespace must match the request namespace ${namespace}`);
      }
      const a = userAttrs(user, ra, undefined, namespace);
      return reviewOf(body, 'authorization.k8s.io/v1', 'LocalSubjectAccessReview', await decide(deps.authorizer, a));
    },
    'authorization.k8s.io/selfsubjectrulesreviews': async (ctx, _ns, body) => {
      // What a rules review can honestly say without enumerating every authorizer's rules:
      // everything for privileged users, and an incomplete answer otherwise.
      const all = ctx.user.groups.includes('system:masters');
      const status = all
        ? {
            resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
            nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
            incomplete: false,
          }
        : { resourceRules: [], nonResourceRules: [], incomplete: true, evaluationError: 'rules are not enumerated for this user' };
      return reviewOf(body, 'authorization.k8s.io/v1', 'SelfSubjectRulesReview', status);
    },
  };
}
