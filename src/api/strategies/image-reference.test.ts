import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultPullPolicy, parseImageReference } from './image-reference.js';

describe('image references', () => {
  const cases: [string, 'Always' | 'IfNotPresent', string | undefined][] = [
    ['nginx', 'Always', 'latest'],
    ['nginx:latest', 'Always', 'latest'],
    ['nginx:1.27', 'IfNotPresent', '1.27'],
    ['library/nginx:1.27-alpine', 'IfNotPresent', '1.27-alpine'],
    ['registry.k8s.io/pause:3.10', 'IfNotPresent', '3.10'],
    ['localhost:5000/app', 'Always', 'latest'],
    ['localhost:5000/app:v1', 'IfNotPresent', 'v1'],
    ['[::1]:5000/app:v1', 'IfNotPresent', 'v1'],
    [`busybox@sha256:${'a'.repeat(64)}`, 'IfNotPresent', ''],
    [`busybox:latest@sha256:${'a'.repeat(64)}`, 'Always', 'latest'],
    ['Registry.Example.com/team/app', 'Always', 'latest'],
    // unparsable references get no tag, hence IfNotPresent (as upstream)
    ['Nginx', 'IfNotPresent', undefined],
    ['team/App:v1', 'IfNotPresent', undefined],
    ['a'.repeat(64), 'IfNotPresent', undefined],
    ['', 'IfNotPresent', undefined],
    ['nginx:', 'IfNotPresent', undefined],
  ];
  for (const [image, policy, tag] of cases) {
    it(`${JSON.stringify(image)} -> ${policy}`, () => {
      assert.equal(defaultPullPolicy(image), policy);
      assert.equal(parseImageReference(image)?.tag, tag);
    });
  }
  it('non-strings default to IfNotPresent', () => assert.equal(defaultPullPolicy(undefined), 'IfNotPresent'));
});
