import type { IncomingMessage, ServerResponse } from 'node:http';
import { definitions } from '../../api/schema/index.js';
import type { SchemaDefinitions } from '../../api/schema/types.js';
import { sendRaw } from '../http.js';
import {
  buildOpenAPIV2,
  buildOpenAPIV3Set,
  encodeOpenAPIV2Proto,
  OPENAPI_V2_PROTOBUF_RESPONSE,
  type OpenAPIResource,
  type OpenAPIV3Set,
} from '../openapi/index.js';
import { resourceNotFound } from './resources.js';

/**
 * Serves /openapi/v2 (JSON, or gnostic protobuf when asked) and /openapi/v3 (the root and
 * one document per group-version, addressed by content hash), built lazily from the served
 * resources and their schemas and rebuilt when they change.
 */
export class OpenAPIHandler {
  private v3: OpenAPIV3Set | undefined;
  private v2json: string | undefined;
  private v2proto: Uint8Array | undefined;

  constructor(private source: () => { resources: readonly OpenAPIResource[]; definitions: SchemaDefinitions }) {}

  static forBuiltins(resources: () => readonly OpenAPIResource[]): OpenAPIHandler {
    return new OpenAPIHandler(() => ({ resources: resources(), definitions: definitions() }));
  }

  /** Drops the built documents (the served resources changed). */
  invalidate(): void {
    this.v3 = undefined;
    this.v2json = undefined;
    this.v2proto = undefined;
  }

  handle = async (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<boolean> => {
    if (path !== '/openapi/v2' && path !== '/openapi/v3' && !path.startsWith('/openapi/v3/')) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (path === '/openapi/v2') {
      const accept = req.headers.accept ?? '';
      if (accept.includes('protobuf')) {
        this.v2proto ??= encodeOpenAPIV2Proto(this.buildV2());
        sendRaw(res, 200, OPENAPI_V2_PROTOBUF_RESPONSE, Buffer.from(this.v2proto));
        return true;
      }
      this.v2json ??= JSON.stringify(this.buildV2());
      sendRaw(res, 200, 'application/json', this.v2json);
      return true;
    }
    const set = (this.v3 ??= (() => {
      const { resources, definitions: defs } = this.source();
      return buildOpenAPIV3Set(resources, defs);
    })());
    if (path === '/openapi/v3') {
      sendRaw(res, 200, 'application/json', JSON.stringify(set.root));
      return true;
    }
    const key = path.slice('/openapi/v3/'.length);
    const doc = set.documents.get(key);
    if (!doc) throw resourceNotFound();
    const hash = query.get('hash');
    if (hash && hash !== doc.hash) {
      // As upstream: a stale hash redirects to the current document.
      res.writeHead(301, { Location: `/openapi/v3/${key}?hash=${doc.hash}` });
      res.end();
      return true;
    }
    res.setHeader('Etag', `"${doc.hash}"`);
    if (hash) res.setHeader('Cache-Control', 'public, immutable');
    sendRaw(res, 200, 'application/json', doc.json);
    return true;
  };

  private buildV2() {
    const { resources, definitions: defs } = this.source();
    return buildOpenAPIV2(resources, defs);
  }
}
