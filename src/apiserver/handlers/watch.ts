import { errors, isStatusError } from '../../apimachinery/status.js';
import { negotiateOutput } from '../negotiation.js';
import type { ApiWatchEvent } from '../registry/context.js';
import type { ResourceStore } from '../registry/resource-store.js';
import type { ResourceHandlerDeps, ResourceRequest } from './resources.js';
import { transformOne } from './transform.js';

/**
 * Streams a watch as kube-apiserver does over HTTP/1.1: a chunked JSON stream of
 * `{"type": ..., "object": ...}` lines, ending after timeoutSeconds (default: a random time
 * between the minimum request timeout and twice it), when the client goes away, or with
 * an ERROR event carrying a Status (e.g. 410 Expired when the position is too old).
 * Backpressure: while the socket is full nothing more is written; the cache watcher's
 * bounded buffer absorbs the difference, and a watcher too far behind is ended.
 */
export async function serveWatch(r: ResourceRequest, rs: ResourceStore, namespace: string, deps: ResourceHandlerDeps): Promise<void> {
  const { query, res, info } = r;
  const output = negotiateOutput(r.req.headers.accept, { table: true, partial: true });
  let fieldSelector = query.get('fieldSelector') ?? undefined;
  if (info.name) {
    // GET .../pods/NAME?watch=true and /watch/.../pods/NAME watch one object.
    const byName = `metadata.name=${info.name}`;
    fieldSelector = fieldSelector ? `${fieldSelector},${byName}` : byName;
  }
  const timeoutParam = query.get('timeoutSeconds');
  let timeoutSeconds: number;
  if (timeoutParam !== null && timeoutParam !== '') {
    if (!/^\d+$/.test(timeoutParam)) throw errors.badRequest(`invalid value for timeoutSeconds: "${timeoutParam}"`);
    timeoutSeconds = Number(timeoutParam);
  } else {
    timeoutSeconds = deps.minRequestTimeoutSeconds * (1 + Math.random());
  }
  const sendInitial = query.get('sendInitialEvents');
  const watch = await rs.watch(namespace, {
    labelSelector: query.get('labelSelector') ?? undefined,
    fieldSelector,
    resourceVersion: query.get('resourceVersion') ?? undefined,
    resourceVersionMatch: (query.get('resourceVersionMatch') ?? undefined) as 'NotOlderThan' | 'Exact' | undefined,
    allowWatchBookmarks: query.get('allowWatchBookmarks') === 'true',
    sendInitialEvents: sendInitial === null || sendInitial === '' ? undefined : sendInitial === 'true',
  });
  let ct = 'application/json';
  if (output.as) ct += `;as=${output.as};g=meta.k8s.io;v=${output.asVersion ?? 'v1'}`;
  res.writeHead(200, { 'Content-Type': ct, 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();

  const includeObject = query.get('includeObject') ?? 'Metadata';
  const bookmarks = query.get('allowWatchBookmarks') === 'true';
  let firstTable = true;
  const encodeEvent = (e: ApiWatchEvent): string => {
    if (e.type === 'BOOKMARK' || e.type === 'ERROR' || !output.as) {
      const obj = e.json ?? JSON.stringify(e.object);
      return `{"type":"${e.type}","object":${obj}}\n`;
    }
    // As upstream: only the first table of a watch carries the column definitions.
    const t = transformOne(rs, { obj: e.object, json: e.json ?? '', rv: 0 }, output, includeObject, deps.clock.now(), !firstTable);
    firstTable = false;
    return `{"type":"${e.type}","object":${JSON.stringify(t.obj)}}\n`;
  };

  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    watch.close();
    clearTimeout(timer);
    clearInterval(bm);
  };
  const timer = setTimeout(finish, timeoutSeconds * 1000);
  const bm = bookmarks
    ? setInterval(() => {
        if (!done) res.write(encodeEvent(watch.bookmark()));
      }, deps.bookmarkIntervalMs)
    : undefined;
  r.signal.addEventListener('abort', finish, { once: true });
  res.on('close', finish);

  try {
    for await (const e of watch) {
      if (done) break;
      const ok = res.write(encodeEvent(e));
      if (!ok && !done) await new Promise<void>((resolve) => {
        const onDrain = () => {
          res.off('close', onDrain);
          resolve();
        };
        res.once('drain', onDrain);
        res.once('close', onDrain);
      });
    }
  } catch (err: unknown) {
    if (!done && isStatusError(err)) res.write(`{"type":"ERROR","object":${JSON.stringify(err.status)}}\n`);
    else if (!done) res.write(`{"type":"ERROR","object":${JSON.stringify(errors.internal(err).status)}}\n`);
  } finally {
    finish();
    if (!res.writableEnded) res.end();
  }
}
