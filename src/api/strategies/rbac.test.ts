import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { created, runCreate, runUpdate } from './test-util.js';

const G = 'rbac.authorization.k8s.io';

describe('Role and ClusterRole', () => {
  const role = (rules: unknown[]) => ({ metadata: { name: 'r', namespace: 'default' }, rules });

  const cases: [string, unknown[], string[]][] = [
    ['a rule without verbs', [{ apiGroups: [''], resources: ['pods'] }], ['rules[0].verbs: Required value: verbs must contain at least one value']],
    [
      'a resource rule without groups or resources',
      [{ verbs: ['get'] }],
      ['rules[0].apiGroups: Required value: resource rules must supply at least one api group', 'rules[0].resources: Required value: resource rules must supply at least one resource'],
    ],
    [
      'non-resource URLs in a namespaced role',
      [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
      ['rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs'],
    ],
    [
      'resource names across several resources',
      [{ verbs: ['get'], apiGroups: [''], resources: ['pods', 'secrets'], resourceNames: ['x'] }],
      ['rules[0].resourceNames: Required value: resource names cannot apply to multiple resources'],
    ],
  ];
  for (const [name, rules, expected] of cases) {
    it(`rejects ${name}`, () => assert.deepEqual(runCreate(`${G}/roles`, role(rules)).errors, expected));
  }

  it('allows non-resource URLs in cluster roles', () => {
    assert.deepEqual(runCreate(`${G}/clusterroles`, { metadata: { name: 'c' }, rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }] }).errors, []);
  });

  it('requires a selector in an aggregation rule', () => {
    assert.deepEqual(runCreate(`${G}/clusterroles`, { metadata: { name: 'c' }, aggregationRule: {} }).errors, [
      'aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil',
    ]);
  });
});

describe('RoleBinding and ClusterRoleBinding', () => {
  const rb = (roleRef: Record<string, unknown>, subjects: unknown[]) => ({ metadata: { name: 'b', namespace: 'default' }, roleRef, subjects });

  it('defaults the roleRef and subject API groups', () => {
    const out = runCreate(`${G}/rolebindings`, rb({ kind: 'Role', name: 'r' }, [{ kind: 'User', name: 'jane' }, { kind: 'ServiceAccount', name: 'sa' }]));
    assert.deepEqual(out.errors, []);
    assert.deepEqual((out.obj as Record<string, unknown>).roleRef, { kind: 'Role', name: 'r', apiGroup: G });
    assert.deepEqual((out.obj as Record<string, unknown>).subjects, [
      { kind: 'User', name: 'jane', apiGroup: G },
      { kind: 'ServiceAccount', name: 'sa', apiGroup: '' },
    ]);
  });

  const cases: [string, string, unknown, string[]][] = [
    ['an unknown subject kind', 'rolebindings', rb({ kind: 'Role', name: 'r' }, [{ kind: 'Robot', name: 'x' }]), ['subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"']],
    [
      'a Role in a cluster binding',
      'clusterrolebindings',
      { metadata: { name: 'b' }, roleRef: { kind: 'Role', name: 'r' } },
      ['roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"'],
    ],
    [
      'a service account without namespace in a cluster binding',
      'clusterrolebindings',
      { metadata: { name: 'b' }, roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'ServiceAccount', name: 'sa' }] },
      ['subjects[0].namespace: Required value'],
    ],
    ['a roleRef without name', 'rolebindings', rb({ kind: 'Role' }, []), ['roleRef.name: Required value']],
    [
      'a user subject of the wrong group',
      'rolebindings',
      rb({ kind: 'Role', name: 'r' }, [{ kind: 'User', name: 'u', apiGroup: 'example.com' }]),
      ['subjects[0].apiGroup: Unsupported value: "example.com": supported values: "rbac.authorization.k8s.io"'],
    ],
  ];
  for (const [name, resource, obj, expected] of cases) {
    it(`rejects ${name}`, () => assert.deepEqual(runCreate(`${G}/${resource}`, obj).errors, expected));
  }

  it('refuses to change the roleRef', () => {
    const old = created(`${G}/rolebindings`, rb({ kind: 'Role', name: 'a' }, []));
    assert.deepEqual(runUpdate(`${G}/rolebindings`, rb({ kind: 'Role', name: 'b' }, []), old).errors, [
      'roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"b"}: cannot change roleRef',
    ]);
    assert.deepEqual(runUpdate(`${G}/rolebindings`, rb({ kind: 'Role', name: 'a' }, [{ kind: 'Group', name: 'devs' }]), old).errors, []);
  });
});
