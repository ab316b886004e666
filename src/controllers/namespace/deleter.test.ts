import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { KubeObject } from '../../apimachinery/types.js';
import { gvr, type ClientDeleteOptions, type Gvr } from '../../client/api-client.js';
import { FakeApiClient } from '../../client/fake-api-client.js';
import { FakeClock } from '../../util/clock.js';
import { GroupDiscoveryFailedError, type DiscoveredResource } from '../framework/discovery.js';
import type { NamespaceCondition } from './conditions.js';
import { NAMESPACES, NamespacedResourcesDeleter, ResourcesRemainingError } from './deleter.js';

/** A fake whose deletes honour metadata.finalizers (the object is only marked). */
class FinalizingFake extends FakeApiClient {
  override async delete(g: Gvr, ns: string, name: string, opts?: ClientDeleteOptions): Promise<KubeObject | undefined> {
    const cur = await this.get(g, ns, name);
    if (cur.metadata?.finalizers?.length) {
      cur.metadata.deletionTimestamp ??= '2026-01-01T00:00:00Z';
      return this.update(g, ns, cur);
    }
    return super.delete(g, ns, name, opts);
  }
}

const CONFIGMAPS = gvr('v1', 'configmaps');
const res = (resource: string, kind: string, group = '', version = 'v1'): DiscoveredResource => ({
  group,
  version,
  resource,
  kind,
  namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
});

describe('NamespacedResourcesDeleter', () => {
  let clock: FakeClock;
  let client: FinalizingFake;
  let discovery: () => Promise<DiscoveredResource[]>;
  let deleter: NamespacedResourcesDeleter;
  const conditions = async () =>
    Object.fromEntries(
      (((await client.get(NAMESPACES, '', 'doomed')).status as { conditions?: NamespaceCondition[] }).conditions ?? []).map((c) => [c.type, [c.status, c.message]]),
    );
  const finalizeCalls = () => client.calls.filter((c) => c.verb === 'update' && (c.opts as { subresource?: string } | undefined)?.subresource === 'finalize');

  beforeEach(async () => {
    clock = new FakeClock();
    client = new FinalizingFake({ clock, kinds: { namespaces: 'Namespace', configmaps: 'ConfigMap' } });
    await client.create(NAMESPACES, '', {
      metadata: { name: 'doomed', deletionTimestamp: '2026-01-01T00:00:00Z' },
      spec: { finalizers: ['kubernetes', 'example.com/other'] },
      status: { phase: 'Active' },
    });
    await client.create(CONFIGMAPS, 'doomed', { metadata: { name: 'plain' } });
    discovery = async () => [res('configmaps', 'ConfigMap'), { ...res('bindings', 'Binding'), verbs: ['create'] }];
    deleter = new NamespacedResourcesDeleter({ client, discovery: () => discovery(), clock });
  });

  it('marks the namespace Terminating, deletes its content and releases only the kubernetes finalizer', async () => {
    await deleter.delete('doomed');
    assert.deepEqual((await client.list(CONFIGMAPS, 'doomed')).items, []);
    const ns = await client.get(NAMESPACES, '', 'doomed');
    assert.equal((ns.status as { phase: string }).phase, 'Terminating');
    assert.equal(finalizeCalls().length, 1);
    assert.deepEqual((finalizeCalls()[0]!.body as { spec: { finalizers: string[] } }).spec.finalizers, ['example.com/other']);
    assert.deepEqual((await conditions()).NamespaceContentRemaining, ['False', 'All content successfully removed']);
  });

  it('waits for content held by finalizers (estimate 15 s) and says what holds it', async () => {
    await client.create(CONFIGMAPS, 'doomed', { metadata: { name: 'held', finalizers: ['example.com/hold'] } });
    await assert.rejects(deleter.delete('doomed'), (e: unknown) => e instanceof ResourcesRemainingError && e.estimate === 15);
    assert.equal(finalizeCalls().length, 0);
    const c = await conditions();
    assert.deepEqual(c.NamespaceContentRemaining, ['True', 'Some resources are remaining: configmaps. has 1 resource instances']);
    assert.deepEqual(c.NamespaceFinalizersRemaining, ['True', 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances']);
  });

  it('reports a discovery failure, deletes what it could, and does not finalize', async () => {
    discovery = async () => {
      throw new GroupDiscoveryFailedError(new Map([['metrics.k8s.io/v1beta1', 'the server is currently unable to handle the request']]), [res('configmaps', 'ConfigMap')]);
    };
    await assert.rejects(deleter.delete('doomed'), /unable to retrieve the complete list of server APIs: metrics.k8s.io\/v1beta1/);
    assert.deepEqual((await client.list(CONFIGMAPS, 'doomed')).items, []);
    assert.equal(finalizeCalls().length, 0);
    assert.deepEqual((await conditions()).NamespaceDeletionDiscoveryFailure, [
      'True',
      'Discovery failed for some groups, 1 failing: unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: the server is currently unable to handle the request',
    ]);
  });

  it('reports a resource whose content cannot be deleted', async () => {
    client.onCall = (a) => {
      if (a.verb === 'list' && a.gvr.resource === 'configmaps') throw Object.assign(new Error('etcdserver: request timed out'));
    };
    await assert.rejects(deleter.delete('doomed'), /request timed out/);
    assert.deepEqual((await conditions()).NamespaceDeletionContentFailure, ['True', 'Failed to delete all resource types, 1 remaining: etcdserver: request timed out']);
  });

  it('does nothing for a namespace that is not being deleted or already finalized', async () => {
    await client.create(NAMESPACES, '', { metadata: { name: 'alive' }, spec: { finalizers: ['kubernetes'] } });
    await client.create(NAMESPACES, '', { metadata: { name: 'done', deletionTimestamp: '2026-01-01T00:00:00Z' }, status: { phase: 'Terminating' } });
    client.calls.length = 0;
    await deleter.delete('alive');
    await deleter.delete('done');
    await deleter.delete('missing');
    assert.equal(client.calls.filter((c) => c.verb !== 'get').length, 0);
  });
});
