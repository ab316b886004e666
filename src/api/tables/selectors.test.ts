import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatLabels, formatLabelSelector, labelSelectorGoString, labelSelectorString } from './selectors.js';

describe('formatLabels', () => {
  it('sorts keys and joins', () => assert.equal(formatLabels({ tier: 'web', app: 'shop' }), 'app=shop,tier=web'));
  it('renders empty and absent as <none>', () => {
    assert.equal(formatLabels({}), '<none>');
    assert.equal(formatLabels(undefined), '<none>');
  });
});

describe('label selectors', () => {
  const cases: Array<{ name: string; selector: unknown; format: string; bare: string }> = [
    { name: 'absent', selector: undefined, format: '<none>', bare: '' },
    { name: 'empty', selector: {}, format: '<none>', bare: '' },
    { name: 'match labels sorted by key', selector: { matchLabels: { b: '2', a: '1' } }, format: 'a=1,b=2', bare: 'a=1,b=2' },
    {
      name: 'expressions, values sorted',
      selector: {
        matchLabels: { app: 'web' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['frontend', 'backend'] },
          { key: 'env', operator: 'Exists' },
          { key: 'canary', operator: 'DoesNotExist' },
          { key: 'zone', operator: 'NotIn', values: ['b', 'a'] },
        ],
      },
      format: 'app=web,!canary,env,tier in (backend,frontend),zone notin (a,b)',
      bare: 'app=web,!canary,env,tier in (backend,frontend),zone notin (a,b)',
    },
    {
      name: 'same key keeps insertion order (labels first)',
      selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'app', operator: 'Exists' }] },
      format: 'app=web,app',
      bare: 'app=web,app',
    },
    {
      name: 'unknown operator',
      selector: { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] },
      format: '<error>',
      bare: '<invalid>',
    },
    { name: 'In without values', selector: { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, format: '<error>', bare: '<invalid>' },
    { name: 'invalid key', selector: { matchLabels: { 'bad key': 'x' } }, format: '<error>', bare: '<invalid>' },
    { name: 'prefixed key', selector: { matchLabels: { 'app.kubernetes.io/name': 'x' } }, format: 'app.kubernetes.io/name=x', bare: 'app.kubernetes.io/name=x' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(formatLabelSelector(c.selector), c.format);
      assert.equal(labelSelectorString(c.selector), c.bare);
    });
  }

  it('renders the Go struct notation', () => {
    assert.equal(
      labelSelectorGoString({ matchLabels: { env: 'test', app: 'x' }, matchExpressions: [{ key: 'k', operator: 'In', values: ['a', 'b'] }] }),
      '&LabelSelector{MatchLabels:map[string]string{app: x,env: test,},MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:k,Operator:In,Values:[a b],},},}',
    );
    assert.equal(
      labelSelectorGoString({}),
      '&LabelSelector{MatchLabels:map[string]string{},MatchExpressions:[]LabelSelectorRequirement{},}',
    );
  });
});
