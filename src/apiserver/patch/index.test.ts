import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Schema } from '../../api/schema/types.js';
import { isStatusError } from '../../apimachinery/status.js';
import {
  applyPatch,
  BUILTIN_PATCH_CONTENT_TYPES,
  CONTENT_TYPE_BY_KIND,
  CUSTOM_RESOURCE_PATCH_CONTENT_TYPES,
  decodePatchBody,
  patchKindForContentType,
  patchMediaType,
} from './index.js';

describe('patch content types', () => {
  const cases: [string, string | undefined][] = [
    ['application/json-patch+json', 'json'],
    ['application/merge-patch+json', 'merge'],
    ['application/strategic-merge-patch+json', 'strategic'],
    ['application/strategic-merge-patch+json; charset=utf-8', 'strategic'],
    ['application/merge-patch+json;charset=UTF-8', 'merge'],
    // As upstream: no trimming, no case folding.
    ['application/merge-patch+json ; charset=utf-8', undefined],
    ['Application/Merge-Patch+JSON', undefined],
    ['application/apply-patch+yaml', undefined],
    ['application/json', undefined],
    ['', undefined],
  ];
  for (const [header, kind] of cases) {
    it(`${JSON.stringify(header)} -> ${kind ?? 'none'}`, () => assert.equal(patchKindForContentType(header), kind));
  }

  it('keeps a leading ; as part of the media type, as upstream', () => {
    assert.equal(patchMediaType(';a'), ';a');
    assert.equal(patchMediaType('a;b;c'), 'a');
  });

  it('lists the accepted types in upstream order', () => {
    assert.deepEqual(BUILTIN_PATCH_CONTENT_TYPES, [
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/strategic-merge-patch+json',
      'application/apply-patch+yaml',
    ]);
    assert.ok(!CUSTOM_RESOURCE_PATCH_CONTENT_TYPES.includes(CONTENT_TYPE_BY_KIND.strategic));
    for (const kind of ['json', 'merge', 'strategic'] as const) {
      assert.equal(patchKindForContentType(CONTENT_TYPE_BY_KIND[kind]), kind);
    }
  });
});

describe('applyPatch', () => {
  const original = { metadata: { labels: { a: '1' } }, spec: { containers: [{ name: 'x', image: 'i:1' }, { name: 'y' }] } };
  const defs: Record<string, Schema> = {
    Pod: { type: 'object', properties: { metadata: { type: 'object' }, spec: { $ref: 'PodSpec' } } },
    PodSpec: {
      type: 'object',
      properties: {
        containers: {
          type: 'array',
          items: { type: 'object', properties: { name: { type: 'string' }, image: { type: 'string' } } },
          'x-kubernetes-patch-strategy': 'merge',
          'x-kubernetes-patch-merge-key': 'name',
        },
      },
    },
  };
  const ctx = { schema: { $ref: 'Pod' }, resolve: (r: string) => defs[r] };
  const patch = { spec: { containers: [{ name: 'x', image: 'i:2' }] } };

  it('dispatches by kind: strategic merges the list by key, merge replaces it', () => {
    assert.deepEqual(applyPatch('strategic', original, patch, ctx), {
      metadata: { labels: { a: '1' } },
      spec: { containers: [{ name: 'x', image: 'i:2' }, { name: 'y' }] },
    });
    assert.deepEqual(applyPatch('merge', original, patch, ctx), { metadata: { labels: { a: '1' } }, ...patch });
    assert.deepEqual(applyPatch('strategic', original, patch), { metadata: { labels: { a: '1' } }, ...patch });
  });

  it('applies a JSON patch', () => {
    const ops = [{ op: 'replace', path: '/spec/containers/0/image', value: 'i:3' }];
    assert.deepEqual(applyPatch('json', original, ops), {
      metadata: { labels: { a: '1' } },
      spec: { containers: [{ name: 'x', image: 'i:3' }, { name: 'y' }] },
    });
  });

  it('passes JSON patch limits through', () => {
    const ops = [{ op: 'copy', from: '/metadata', path: '/copy' }];
    assert.throws(
      () => applyPatch('json', original, ops, { jsonPatch: { maxCopyBytes: 5 } }),
      (e: unknown) => isStatusError(e) && e.code === 422,
    );
  });

  it('decodes then applies a body as the handler would', () => {
    const { body, strictErrors } = decodePatchBody('strategic', JSON.stringify(patch));
    assert.deepEqual(strictErrors, []);
    assert.deepEqual(applyPatch('strategic', original, body, ctx), applyPatch('strategic', original, patch, ctx));
  });
});
