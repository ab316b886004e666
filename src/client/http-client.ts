import { StatusError, StatusReason, type Status } from '../apimachinery/status.js';
import type { KubeList, KubeObject } from '../apimachinery/types.js';
import {
  resourcePath,
  type ApiClient,
  type ClientDeleteOptions,
  type ClientListOptions,
  type ClientWatch,
  type ClientWatchEvent,
  type ClientWatchOptions,
  type Gvr,
  type PatchOptions,
  type PatchType,
  type WriteOptions,
} from './api-client.js';
import type { RestClient, RestResponse } from './rest.js';

const PATCH_TYPES: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

function toError(res: RestResponse): StatusError {
  let status: Partial<Status> | undefined;
  try {
    status = res.json<Status>();
  } catch {
    status = undefined;
  }
  if (status?.kind === 'Status') {
    const e = new StatusError(res.status, (status.reason ?? '') as StatusReason, status.message ?? '', status.details);
    return e;
  }
  return new StatusError(res.status, StatusReason.Unknown, `the server responded with HTTP ${res.status}: ${res.text().slice(0, 200)}`);
}

function writeQuery(opts: WriteOptions | undefined): Record<string, string | undefined> {
  return { dryRun: opts?.dryRun ? 'All' : undefined, fieldManager: opts?.fieldManager };
}

/** The API over HTTPS (see ApiClient). */
export class HttpClient implements ApiClient {
  constructor(private readonly rest: RestClient) {}

  private async call<T>(method: string, path: string, query: Record<string, string | number | boolean | undefined> = {}, body?: unknown, contentType?: string): Promise<T> {
    const res = await this.rest.request({ method, path, query, body, contentType });
    if (res.status < 200 || res.status > 299) throw toError(res);
    return res.json<T>();
  }

  get(g: Gvr, ns: string, name: string, opts: { subresource?: string } = {}): Promise<KubeObject> {
    return this.call('GET', resourcePath(g, ns, name, opts.subresource));
  }

  list(g: Gvr, ns: string, opts: ClientListOptions = {}): Promise<KubeList> {
    return this.call('GET', resourcePath(g, ns), { ...opts });
  }

  async watch(g: Gvr, ns: string, opts: ClientWatchOptions = {}): Promise<ClientWatch> {
    const ac = new AbortController();
    const stream = this.rest.stream<ClientWatchEvent>({ path: resourcePath(g, ns), query: { watch: 1, ...opts }, signal: ac.signal });
    // Start the request now so errors (e.g. 410) surface from the first iteration.
    const first = stream.next();
    first.catch(() => {});
    return {
      close: () => ac.abort(),
      [Symbol.asyncIterator]: () => {
        let started = false;
        return {
          next: async (): Promise<IteratorResult<ClientWatchEvent>> => {
            try {
              const r = started ? await stream.next() : await first;
              started = true;
              return r.done ? { value: undefined, done: true } : r;
            } catch (e: unknown) {
              if (ac.signal.aborted) return { value: undefined, done: true };
              const err = e as { statusCode?: number; body?: string };
              if (err.statusCode) {
                try {
                  const s = JSON.parse(err.body ?? '') as Status;
                  throw new StatusError(err.statusCode, (s.reason ?? '') as StatusReason, s.message ?? '', s.details);
                } catch (inner: unknown) {
                  if (inner instanceof StatusError) throw inner;
                }
              }
              throw e;
            }
          },
          return: async () => {
            ac.abort();
            return { value: undefined, done: true };
          },
        };
      },
    };
  }

  create(g: Gvr, ns: string, obj: KubeObject, opts?: WriteOptions): Promise<KubeObject> {
    // Subresource creates (binding, eviction, token) address the parent object by name.
    const path = opts?.subresource ? resourcePath(g, ns, obj.metadata?.name, opts.subresource) : resourcePath(g, ns);
    return this.call('POST', path, writeQuery(opts), obj);
  }

  update(g: Gvr, ns: string, obj: KubeObject, opts?: WriteOptions): Promise<KubeObject> {
    return this.call('PUT', resourcePath(g, ns, obj.metadata?.name, opts?.subresource), writeQuery(opts), obj);
  }

  patch(g: Gvr, ns: string, name: string, type: PatchType, patch: unknown, opts?: PatchOptions): Promise<KubeObject> {
    const body = typeof patch === 'string' ? patch : JSON.stringify(patch);
    return this.call(
      'PATCH',
      resourcePath(g, ns, name, opts?.subresource),
      { ...writeQuery(opts), force: opts?.force ? 'true' : undefined },
      body,
      PATCH_TYPES[type],
    );
  }

  async delete(g: Gvr, ns: string, name: string, opts: ClientDeleteOptions = {}): Promise<KubeObject | undefined> {
    const body = { kind: 'DeleteOptions', apiVersion: 'v1', ...opts, dryRun: opts.dryRun ? ['All'] : undefined };
    const r = await this.call<KubeObject>('DELETE', resourcePath(g, ns, name), {}, body);
    return r.kind === 'Status' ? undefined : r;
  }
}
