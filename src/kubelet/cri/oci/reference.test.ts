import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeImageRef } from './reference.js';

describe('normalizeImageRef', () => {
  const digest = 'sha256:' + 'a'.repeat(64);
  const cases: [string, string][] = [
    ['busybox', 'docker.io/library/busybox:latest'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36'],
    ['library/busybox', 'docker.io/library/busybox:latest'],
    ['me/app:v1', 'docker.io/me/app:v1'],
    ['docker.io/library/nginx', 'docker.io/library/nginx:latest'],
    ['registry.k8s.io/pause:3.10', 'registry.k8s.io/pause:3.10'],
    ['localhost/app', 'localhost/app:latest'],
    ['localhost:5000/team/app', 'localhost:5000/team/app:latest'],
    ['127.0.0.1:5000/app:1', '127.0.0.1:5000/app:1'],
    [`nginx@${digest}`, `docker.io/library/nginx@${digest}`],
    [`quay.io/x/y:1@${digest}`, `quay.io/x/y:1@${digest}`],
    [digest, digest],
  ];
  for (const [input, want] of cases) {
    it(`${input} -> ${want}`, () => assert.equal(normalizeImageRef(input), want));
  }
  it('rejects empty and upper-case repository names', () => {
    assert.throws(() => normalizeImageRef(''), /empty/);
    assert.throws(() => normalizeImageRef('BusyBox'), /lowercase/);
  });
});
