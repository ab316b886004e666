import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONDITION_TYPES, failingConditions, updateConditions, type DeletionReport, type NamespaceCondition } from './conditions.js';

const empty = (): DeletionReport => ({ contentErrors: [], remaining: new Map(), finalizers: new Map() });

describe('namespace deletion conditions', () => {
  const cases: { name: string; report: DeletionReport; want: Record<string, [string, string]> }[] = [
    { name: 'all done', report: empty(), want: {} },
    {
      name: 'content held by finalizers',
      report: { ...empty(), remaining: new Map([['configmaps.', 2], ['widgets.example.com', 1]]), finalizers: new Map([['example.com/hold', 3]]) },
      want: {
        NamespaceContentRemaining: ['SomeResourcesRemain', 'Some resources are remaining: configmaps. has 2 resource instances, widgets.example.com has 1 resource instances'],
        NamespaceFinalizersRemaining: ['SomeFinalizersRemain', 'Some content in the namespace has finalizers remaining: example.com/hold in 3 resource instances'],
      },
    },
    {
      name: 'deletion and discovery failures',
      report: { ...empty(), discoveryError: 'boom', contentErrors: ['z failed', 'a failed'] },
      want: {
        NamespaceDeletionDiscoveryFailure: ['DiscoveryFailed', 'boom'],
        NamespaceDeletionContentFailure: ['ContentDeletionFailed', 'Failed to delete all resource types, 2 remaining: a failed, z failed'],
      },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = failingConditions(c.report);
      assert.deepEqual(Object.fromEntries([...got].map(([t, v]) => [t, [v.reason, v.message]])), c.want);
      const conds: NamespaceCondition[] = [];
      assert.equal(updateConditions(conds, c.report, 'T1'), true);
      assert.deepEqual(conds.map((x) => x.type), [...CONDITION_TYPES]);
      for (const x of conds) assert.equal(x.status, c.want[x.type] ? 'True' : 'False', x.type);
    });
  }

  it('keeps unchanged conditions and moves lastTransitionTime only when the status flips', () => {
    const conds: NamespaceCondition[] = [];
    const held: DeletionReport = { ...empty(), remaining: new Map([['pods.', 1]]) };
    updateConditions(conds, held, 'T1');
    assert.equal(updateConditions(conds, held, 'T2'), false);
    const more: DeletionReport = { ...empty(), remaining: new Map([['pods.', 2]]) };
    assert.equal(updateConditions(conds, more, 'T3'), true);
    const remaining = conds.find((x) => x.type === 'NamespaceContentRemaining')!;
    assert.equal(remaining.lastTransitionTime, 'T1');
    assert.match(remaining.message, /pods\. has 2/);
    updateConditions(conds, empty(), 'T4');
    assert.equal(remaining.status, 'False');
    assert.equal(remaining.lastTransitionTime, 'T4');
    assert.equal(remaining.message, 'All content successfully removed');
    assert.equal(conds.find((x) => x.type === 'NamespaceDeletionDiscoveryFailure')!.lastTransitionTime, 'T1');
  });
});
