import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';

const CM = '/api/v1/namespaces/default/configmaps';
const APPLY = 'application/apply-patch+yaml';

interface Obj {
  metadata: { managedFields?: { manager: string; operation: string; fieldsV1: Record<string, unknown>; subresource?: string }[]; resourceVersion: string };
  data?: Record<string, string>;
  status?: unknown;
  message?: string;
  reason?: string;
  details?: { causes?: unknown[] };
}

describe('server-side apply over HTTPS', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({ controllers: [] });
  });
  after(() => c.stop());

  const apply = (name: string, body: unknown, query: Record<string, string | boolean> = { fieldManager: 'm1' }) =>
    c.req('PATCH', `${CM}/${name}`, typeof body === 'string' ? body : JSON.stringify(body), { contentType: APPLY, query });

  it('creates the object (201) and answers 200 afterwards', async () => {
    const created = await apply('a', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n');
    assert.equal(created.status, 201, created.text());
    const obj = created.json<Obj>();
    assert.deepEqual(obj.metadata.managedFields?.map((e) => [e.manager, e.operation, e.fieldsV1]), [['m1', 'Apply', { 'f:data': { 'f:k': {} } }]]);
    const again = await apply('a', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: 'v' } });
    assert.equal(again.status, 200);
    assert.equal(again.json<Obj>().metadata.resourceVersion, obj.metadata.resourceVersion);
  });

  it('rejects an apply without fieldManager, force on other patches, and a missing kind', async () => {
    const noManager = await apply('a', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } }, {});
    assert.equal(noManager.status, 422);
    assert.equal(noManager.json<Obj>().message, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    const forced = await c.req('PATCH', `${CM}/a`, { data: { k: 'w' } }, { contentType: 'application/merge-patch+json', query: { force: true } });
    assert.equal(forced.status, 422);
    assert.equal(forced.json<Obj>().message, 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch');
    const noKind = await apply('a', { apiVersion: 'v1', metadata: { name: 'a' } });
    assert.equal(noKind.status, 400);
  });

  it('returns 409 with FieldManagerConflict causes, and force moves ownership', async () => {
    const put = await c.req('PATCH', `${CM}/a`, { data: { k: 'edited' } }, { contentType: 'application/merge-patch+json', query: { fieldManager: 'editor' } });
    assert.equal(put.status, 200);
    const conflict = await apply('a', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: 'v' } });
    assert.equal(conflict.status, 409);
    const body = conflict.json<Obj>();
    assert.equal(body.reason, 'Conflict');
    assert.equal(body.message, 'Apply failed with 1 conflict: conflict with "editor" using v1: .data.k');
    assert.deepEqual(body.details?.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "editor" using v1', field: '.data.k' }]);
    const forced = await apply('a', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: 'v' } }, { fieldManager: 'm1', force: true });
    assert.equal(forced.status, 200);
    const mf = forced.json<Obj>().metadata.managedFields!;
    assert.deepEqual(mf.map((e) => e.manager), ['m1']);
  });

  it('tracks Update operations per manager, with the User-Agent as the default manager', async () => {
    const created = await c.req('POST', CM, { metadata: { name: 'u' }, data: { x: '1' } }, { headers: { 'user-agent': 'my-tool/1.0 (linux)' } });
    assert.equal(created.status, 201);
    const mf = created.json<Obj>().metadata.managedFields!;
    assert.deepEqual(mf.map((e) => [e.manager, e.operation, e.fieldsV1]), [['my-tool', 'Update', { 'f:data': { '.': {}, 'f:x': {} } }]]);
    const updated = await c.req('PATCH', `${CM}/u`, { data: { y: '2' } }, { contentType: 'application/merge-patch+json', query: { fieldManager: 'other' } });
    assert.deepEqual(
      updated.json<Obj>().metadata.managedFields!.map((e) => [e.manager, e.fieldsV1]),
      [
        ['my-tool', { 'f:data': { '.': {}, 'f:x': {} } }],
        ['other', { 'f:data': { 'f:y': {} } }],
      ],
    );
    // An explicitly empty list resets tracking.
    const reset = await c.req('PATCH', `${CM}/u`, { metadata: { managedFields: [] } }, { contentType: 'application/merge-patch+json' });
    assert.equal(reset.json<Obj>().metadata.managedFields, undefined);
  });

  it('applies to the status subresource of a resource with one, tracking it separately', async () => {
    const ns = '/api/v1/namespaces';
    const r = await c.req('PATCH', `${ns}/ssa-status/status`, JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ssa-status' }, status: { conditions: [{ type: 'X', status: 'True' }] } }), {
      contentType: APPLY,
      query: { fieldManager: 'st' },
    });
    assert.equal(r.status, 404, 'status apply does not create');
    await c.req('POST', ns, { metadata: { name: 'ssa-status' } });
    const ok = await c.req('PATCH', `${ns}/ssa-status/status`, JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ssa-status' }, status: { conditions: [{ type: 'X', status: 'True' }] } }), {
      contentType: APPLY,
      query: { fieldManager: 'st' },
    });
    assert.equal(ok.status, 200, ok.text());
    const entry = ok.json<Obj>().metadata.managedFields!.find((e) => e.manager === 'st')!;
    assert.equal(entry.subresource, 'status');
    assert.deepEqual(Object.keys(entry.fieldsV1), ['f:status']);
  });
});
