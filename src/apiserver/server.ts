import { createServer as createHttpsServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errors, isStatusError } from '../apimachinery/status.js';
import type { Clock } from '../util/clock.js';
import { logger } from '../util/log.js';
import { versionInfo } from '../version.js';
import type { Authenticator } from './authn/index.js';
import { forbiddenMessage, type AuthorizationAttributes, type Authorizer } from './authz/index.js';
import { DiscoveryModel } from './discovery.js';
import { handleResource, resourceNotFound, type ResourceHandlerDeps } from './handlers/resources.js';
import { SubresourceHandlers, type SubresourceDeps } from './handlers/subresources.js';
import { sendError, sendObject, sendRaw } from './http.js';
import { parseMediaRanges } from './negotiation.js';
import { OpenAPIHandler } from './handlers/openapi.js';
import type { BuiltinResource } from '../api/resources.js';
import { parseRequestInfo, type RequestInfo } from './request-info.js';
import type { UserInfo } from './registry/context.js';
import type { Registry } from './registry/registry.js';
import { definitions, type Schema } from '../api/schema/index.js';
import { reviewHandlers } from './registry/reviews.js';

const log = logger('apiserver');

/** Serves an extra non-resource path (OpenAPI, metrics...). Return false to fall through. */
export type PathHandler = (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams) => Promise<boolean> | boolean;

export interface ApiServerOptions {
  registry: Registry;
  clock: Clock;
  authenticator: Authenticator;
  authorizer: Authorizer;
  /** Validates bearer tokens for TokenReview. */
  authenticateToken?: (token: string) => Promise<UserInfo | undefined>;
  tls: { certPem: string; keyPem: string; caPem: string };
  bindAddress: string;
  port: number;
  /** Concurrent non-long-running requests allowed (upstream: 400 read-only + 200 mutating). */
  maxReadonlyInflight?: number;
  maxMutatingInflight?: number;
  minRequestTimeoutSeconds?: number;
  bookmarkIntervalMs?: number;
  subresources?: Omit<SubresourceDeps, 'clock'>;
  /** Extra handlers for non-resource paths, consulted before discovery. */
  pathHandlers?: PathHandler[];
  /** Named readiness checks reported by /readyz (all must pass). */
  readyChecks?: Record<string, () => boolean>;
}

const PUBLIC_PATHS = new Set(['/healthz', '/livez', '/readyz', '/version']);
const AGGREGATED_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const AGGREGATED_V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';

/** Long-running requests are exempt from the in-flight limit (upstream's isLongRunningRequest). */
function isLongRunning(info: RequestInfo): boolean {
  return info.verb === 'watch' || ['log', 'exec', 'attach', 'portforward', 'proxy'].includes(info.subresource);
}

/**
 * kube-apiserver's HTTPS front: the handler chain authentication -> authorization ->
 * in-flight limits -> routing (discovery, extra paths, resources). Each request's failure
 * becomes a Status response; no input takes the server down.
 */
export class ApiServer {
  private server: Server | undefined;
  readonly discovery: DiscoveryModel;
  private readonly deps: ResourceHandlerDeps;
  private readonly openapi: OpenAPIHandler;
  private readonlyInflight = 0;
  private mutatingInflight = 0;
  private readonly connections = new Set<import('node:stream').Duplex>();
  private url = '';

  constructor(private readonly opts: ApiServerOptions) {
    this.discovery = new DiscoveryModel(opts.registry.descriptors());
    this.openapi = new OpenAPIHandler(() => {
      const seen = new Map<BuiltinResource, boolean>();
      const custom: Record<string, Schema> = {};
      for (const d of opts.registry.descriptors()) {
        seen.set(d.info, seen.get(d.info) || d.schema !== undefined);
        if (!d.schema) continue;
        // Custom resources: their schema under upstream's reversed-group name (com.example.stable.v1.CronTab).
        const pkg = `${d.group.split('.').reverse().join('.')}.${d.version}`;
        custom[`${pkg}.${d.kind}`] = { ...d.schema, 'x-kubernetes-group-version-kind': [{ group: d.group, version: d.version, kind: d.kind }] };
        custom[`${pkg}.${d.listKind}`] = {
          type: 'object',
          required: ['items'],
          properties: {
            apiVersion: { type: 'string' },
            kind: { type: 'string' },
            metadata: { $ref: 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta' },
            items: { type: 'array', items: { $ref: `${pkg}.${d.kind}` } },
          },
          'x-kubernetes-group-version-kind': [{ group: d.group, version: d.version, kind: d.listKind }],
        };
      }
      const resources = [...seen].map(([info, isCustom]) => (isCustom ? { ...info, protobuf: false } : info));
      return { resources, definitions: Object.keys(custom).length ? { ...definitions(), ...custom } : definitions() };
    });
    this.deps = {
      registry: opts.registry,
      clock: opts.clock,
      subresources: new SubresourceHandlers({ clock: opts.clock, ...opts.subresources }),
      virtualCreates: reviewHandlers({ authorizer: opts.authorizer, authenticateToken: opts.authenticateToken }),
      minRequestTimeoutSeconds: opts.minRequestTimeoutSeconds ?? 1800,
      bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 60_000,
    };
  }

  /** Starts listening; resolves to the server's URL. */
  async listen(): Promise<string> {
    const server = createHttpsServer(
      {
        cert: this.opts.tls.certPem,
        key: this.opts.tls.keyPem,
        ca: this.opts.tls.caPem,
        requestCert: true,
        rejectUnauthorized: false,
        keepAliveTimeout: 120_000,
      },
      (req, res) => void this.handle(req, res),
    );
    server.headersTimeout = 60_000;
    server.requestTimeout = 0;
    server.on('connection', (s) => {
      this.connections.add(s);
      s.on('close', () => this.connections.delete(s));
    });
    server.on('clientError', (_err, socket) => socket.destroy());
    server.on('tlsClientError', () => {});
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.bindAddress, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const addr = server.address() as AddressInfo;
    const host = this.opts.bindAddress.includes(':') ? `[${this.opts.bindAddress}]` : this.opts.bindAddress;
    this.url = `https://${host === '0.0.0.0' ? '127.0.0.1' : host}:${addr.port}`;
    return this.url;
  }

  get address(): string {
    return this.url.replace(/^https:\/\//, '');
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of this.connections) s.destroy();
    });
  }

  /** Rebuilds discovery after the served resources changed (CRDs). */
  refreshDiscovery(): void {
    this.discovery.rebuild(this.opts.registry.descriptors());
    this.openapi.invalidate();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The signal aborts when the client goes away; made lazily, most requests never need it.
    let abort: AbortController | undefined;
    const signal = (): AbortSignal => {
      if (!abort) {
        const ac = (abort = new AbortController());
        if (res.writableFinished || res.destroyed) ac.abort();
        else res.once('close', () => ac.abort());
      }
      return abort.signal;
    };
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'https://k8ts.invalid');
    } catch {
      return sendError(res, errors.badRequest('malformed URL'));
    }
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    const query = url.searchParams;
    try {
      if (PUBLIC_PATHS.has(path) && req.method === 'GET') return this.servePublic(res, path, query);
      const user = await this.opts.authenticator.authenticate(req);
      if (!user) throw errors.unauthorized();
      const info = parseRequestInfo(req.method ?? 'GET', path, query);
      await this.authorize(user, info);
      if (isLongRunning(info)) return await this.route(req, res, info, user, query, signal);
      const mutating = !['GET', 'HEAD', 'OPTIONS'].includes(req.method ?? 'GET');
      const limit = mutating ? (this.opts.maxMutatingInflight ?? 200) : (this.opts.maxReadonlyInflight ?? 400);
      if ((mutating ? this.mutatingInflight : this.readonlyInflight) >= limit) throw errors.tooManyRequests();
      if (mutating) this.mutatingInflight++;
      else this.readonlyInflight++;
      try {
        await this.route(req, res, info, user, query, signal);
      } finally {
        if (mutating) this.mutatingInflight--;
        else this.readonlyInflight--;
      }
    } catch (e: unknown) {
      if (!isStatusError(e)) log.error('request failed', { method: req.method, path, error: e instanceof Error ? e.stack : String(e) });
      // Drain what the client sent so the connection can be reused.
      if (!req.complete) req.resume();
      sendError(res, e);
    }
  }

  private async authorize(user: UserInfo, info: RequestInfo): Promise<void> {
    const attrs: AuthorizationAttributes = {
      user,
      verb: info.isResourceRequest ? info.verb : (info.verb === 'head' ? 'get' : info.verb),
      isResourceRequest: info.isResourceRequest,
      path: info.path,
      apiGroup: info.apiGroup,
      apiVersion: info.apiVersion,
      namespace: info.namespace,
      resource: info.resource,
      subresource: info.subresource,
      name: info.name,
    };
    const d = await this.opts.authorizer.authorize(attrs);
    if (d.decision === 'allow') return;
    const msg = forbiddenMessage(attrs, d.reason);
    if (!info.isResourceRequest) throw errors.forbiddenMessage(`forbidden: ${msg}`);
    throw errors.forbidden({ group: info.apiGroup, resource: info.resource }, info.name, msg);
  }

  private servePublic(res: ServerResponse, path: string, query: URLSearchParams): void {
    if (path === '/version') return sendObject(res, 200, versionInfo(), { format: 'json' });
    const checks: Record<string, () => boolean> = { ping: () => true, ...(path === '/readyz' ? this.opts.readyChecks : {}) };
    const failed = Object.entries(checks).filter(([, f]) => !f()).map(([n]) => n);
    const verbose = query.has('verbose');
    if (!verbose) {
      if (failed.length === 0) return sendRaw(res, 200, 'text/plain; charset=utf-8', 'ok');
      return sendRaw(res, 500, 'text/plain; charset=utf-8', failed.map((n) => `[-]${n} failed: reason withheld\n`).join('') + `${path.slice(1)} check failed\n`);
    }
    const lines = Object.keys(checks).map((n) => (failed.includes(n) ? `[-]${n} failed: reason withheld` : `[+]${n} ok`));
    const tail = failed.length ? `${path.slice(1)} check failed` : `${path.slice(1)} check passed`;
    return sendRaw(res, failed.length ? 500 : 200, 'text/plain; charset=utf-8', lines.join('\n') + `\n${tail}\n`);
  }

  private async route(
    req: IncomingMessage,
    res: ServerResponse,
    info: RequestInfo,
    user: UserInfo,
    query: URLSearchParams,
    signal: () => AbortSignal,
  ): Promise<void> {
    if (info.isResourceRequest) {
      return handleResource({ req, res, info, query, user, get signal() { return signal(); } }, this.deps);
    }
    const path = info.path;
    if (await this.openapi.handle(req, res, path, query)) return;
    for (const h of this.opts.pathHandlers ?? []) {
      if (await h(req, res, path, query)) return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') throw errors.methodNotAllowed();
    const segs = path.split('/').filter(Boolean);
    if (segs[0] === 'api' || segs[0] === 'apis') return this.serveDiscovery(req, res, segs);
    throw resourceNotFound();
  }

  private serveDiscovery(req: IncomingMessage, res: ServerResponse, segs: string[]): void {
    const d = this.discovery;
    if (segs.length === 1) {
      const prefix = segs[0] as 'api' | 'apis';
      const aggregated = this.wantsAggregated(req.headers.accept);
      if (aggregated) {
        const body = d.aggregated(prefix, aggregated === AGGREGATED_V2 ? 'v2' : 'v2beta1');
        res.setHeader('Vary', 'Accept');
        return sendRaw(res, 200, aggregated, JSON.stringify(body));
      }
      return sendObject(res, 200, prefix === 'api' ? d.apiVersions(this.address) : d.apiGroupList(), { format: 'json' });
    }
    if (segs[0] === 'api') {
      if (segs.length === 2 && d.hasGroupVersion('', segs[1]!)) return sendObject(res, 200, d.apiResourceList('', segs[1]!), { format: 'json' });
      throw resourceNotFound();
    }
    const group = segs[1]!;
    if (segs.length === 2 && d.versions(group).length) return sendObject(res, 200, d.apiGroupObject(group), { format: 'json' });
    if (segs.length === 3 && d.hasGroupVersion(group, segs[2]!)) return sendObject(res, 200, d.apiResourceList(group, segs[2]!), { format: 'json' });
    throw resourceNotFound();
  }

  /** The aggregated-discovery media type the client prefers, if it asks for one first. */
  private wantsAggregated(accept: string | undefined): string | undefined {
    for (const r of parseMediaRanges(accept)) {
      if (r.params['as'] === 'APIGroupDiscoveryList' && r.params['g'] === 'apidiscovery.k8s.io') {
        if (r.params['v'] === 'v2') return AGGREGATED_V2;
        if (r.params['v'] === 'v2beta1') return AGGREGATED_V2BETA1;
        continue;
      }
      return undefined;
    }
    return undefined;
  }
}
