import { Agent, request as httpsRequest } from 'node:https';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { ClusterCredentials } from './kubeconfig.js';

export interface RestRequest {
  method?: string;
  /** Path with or without query string, e.g. `/api/v1/namespaces/default/pods`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** An object (sent as JSON unless contentType says otherwise), a string or bytes. */
  body?: unknown;
  contentType?: string;
  accept?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface RestResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body parsed as JSON (throws if it is not). */
  json<T = unknown>(): T;
  text(): string;
}

/**
 * A minimal HTTPS client for the Kubernetes API: client-certificate or bearer-token
 * authentication, keep-alive connections, JSON bodies, and streaming responses for watches.
 * Safe for concurrent use.
 */
export class RestClient {
  private readonly agent: Agent | undefined;
  private readonly base: URL;

  constructor(private readonly creds: ClusterCredentials, opts: { maxSockets?: number } = {}) {
    this.base = new URL(creds.server);
    if (this.base.protocol === 'https:') {
      this.agent = new Agent({
        keepAlive: true,
        maxSockets: opts.maxSockets ?? 64,
        ca: creds.caPem,
        cert: creds.certPem,
        key: creds.keyPem,
        rejectUnauthorized: !creds.insecureSkipTLSVerify,
      });
    }
  }

  get server(): string {
    return this.creds.server;
  }

  private url(req: RestRequest): URL {
    const u = new URL(req.path, this.base);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
    return u;
  }

  private open(req: RestRequest): Promise<IncomingMessage> {
    const u = this.url(req);
    let payload: Buffer | undefined;
    let contentType = req.contentType;
    if (req.body !== undefined) {
      if (Buffer.isBuffer(req.body) || req.body instanceof Uint8Array) payload = Buffer.from(req.body);
      else if (typeof req.body === 'string') payload = Buffer.from(req.body);
      else {
        payload = Buffer.from(JSON.stringify(req.body));
        contentType ??= 'application/json';
      }
    }
    const headers: Record<string, string> = { Accept: req.accept ?? 'application/json', ...req.headers };
    if (contentType) headers['Content-Type'] = contentType;
    if (payload) headers['Content-Length'] = String(payload.length);
    if (this.creds.token) headers.Authorization = `Bearer ${this.creds.token}`;
    const fn = u.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const r = fn(u, { method: req.method ?? 'GET', headers, agent: this.agent, signal: req.signal }, resolve);
      r.on('error', reject);
      if (payload) r.write(payload);
      r.end();
    });
  }

  async request(req: RestRequest): Promise<RestResponse> {
    const res = await this.open(req);
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    return {
      status: res.statusCode ?? 0,
      headers: res.headers,
      body,
      json: <T>() => JSON.parse(body.toString('utf8')) as T,
      text: () => body.toString('utf8'),
    };
  }

  /**
   * Opens a streaming request (a watch) and yields each newline-delimited JSON value. The
   * first yielded value is preceded by a status check: a non-200 answer throws with its body.
   */
  async *stream<T = unknown>(req: RestRequest): AsyncGenerator<T> {
    const res = await this.open(req);
    if (res.statusCode !== 200) {
      const chunks: Buffer[] = [];
      for await (const c of res) chunks.push(c as Buffer);
      throw Object.assign(new Error(`HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString('utf8')}`), {
        statusCode: res.statusCode,
        body: Buffer.concat(chunks).toString('utf8'),
      });
    }
    let buf = '';
    try {
      for await (const c of res) {
        buf += (c as Buffer).toString('utf8');
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (line.trim()) yield JSON.parse(line) as T;
        }
      }
      if (buf.trim()) yield JSON.parse(buf) as T;
    } finally {
      res.destroy();
    }
  }

  close(): void {
    this.agent?.destroy();
  }
}
