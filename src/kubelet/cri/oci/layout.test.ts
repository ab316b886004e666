import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { archiveOciLayout, buildOciArchive, buildOciLayout, ociArchitecture, OciMediaType, referenceTag } from './layout.js';
import { readTar, TarEntryType, writeTar } from './tar.js';

const layer = writeTar([{ path: 'hello.txt', type: TarEntryType.File, mode: 0o644, data: Buffer.from('hi\n') }], 0);
const spec = {
  names: ['docker.io/library/demo:latest', 'docker.io/library/demo:1.0'],
  layers: [layer],
  config: { Cmd: ['cat', '/hello.txt'], Env: ['PATH=/bin'] },
  architecture: 'amd64',
};

const sha = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('OCI image layout', () => {
  it('addresses every blob by its sha256 and links manifest, config and layers', () => {
    const l = buildOciLayout(spec);
    for (const [digest, blob] of l.blobs) assert.equal(sha(blob), digest);
    const manifest = JSON.parse(l.blobs.get(l.manifestDigest)!.toString());
    assert.equal(manifest.schemaVersion, 2);
    assert.equal(manifest.mediaType, OciMediaType.Manifest);
    assert.equal(manifest.config.digest, l.configDigest);
    assert.equal(manifest.config.size, l.blobs.get(l.configDigest)!.length);
    assert.equal(manifest.layers.length, 1);
    assert.equal(manifest.layers[0].mediaType, OciMediaType.LayerGzip);
    const gz = l.blobs.get(manifest.layers[0].digest)!;
    assert.equal(manifest.layers[0].size, gz.length);
    assert.deepEqual(gunzipSync(gz), layer);

    const config = JSON.parse(l.blobs.get(l.configDigest)!.toString());
    assert.deepEqual(config.rootfs, { type: 'layers', diff_ids: [sha(layer)] });
    assert.equal(config.architecture, 'amd64');
    assert.equal(config.os, 'linux');
    assert.deepEqual(config.config.Cmd, ['cat', '/hello.txt']);
  });

  it('lists one index entry per name, annotated for ctr import', () => {
    const l = buildOciLayout(spec);
    assert.equal(l.index.mediaType, OciMediaType.Index);
    assert.deepEqual(
      l.index.manifests.map((m) => [m.digest, m.annotations?.['io.containerd.image.name'], m.annotations?.['org.opencontainers.image.ref.name'], m.platform?.architecture]),
      [
        [l.manifestDigest, 'docker.io/library/demo:latest', 'latest', 'amd64'],
        [l.manifestDigest, 'docker.io/library/demo:1.0', '1.0', 'amd64'],
      ],
    );
  });

  it('archives oci-layout, index.json and the blobs, byte-for-byte reproducibly', () => {
    const a = buildOciArchive(spec);
    assert.deepEqual(buildOciArchive(spec), a);
    const files = readTar(a);
    const l = buildOciLayout(spec);
    assert.deepEqual(
      files.map((f) => f.path),
      ['oci-layout', 'index.json', 'blobs', 'blobs/sha256', ...[...l.blobs.keys()].sort().map((d) => `blobs/sha256/${d.slice(7)}`)],
    );
    assert.deepEqual(JSON.parse(Buffer.from(files[0]!.data!).toString()), { imageLayoutVersion: '1.0.0' });
    assert.deepEqual(JSON.parse(Buffer.from(files[1]!.data!).toString()), l.index);
    assert.deepEqual(archiveOciLayout(l), a);
    assert.notDeepEqual(buildOciArchive({ ...spec, config: { Cmd: ['true'] } }), a, 'another config, another archive');
  });

  it('rejects an image without a name', () => {
    assert.throws(() => buildOciLayout({ ...spec, names: [] }), /at least one name/);
  });

  it('maps names and architectures', () => {
    const tags: [string, string][] = [
      ['docker.io/library/nginx:1.27', '1.27'],
      ['localhost:5000/app', 'latest'],
      ['localhost:5000/app:v2', 'v2'],
      ['registry.k8s.io/pause:3.10', '3.10'],
    ];
    for (const [ref, tag] of tags) assert.equal(referenceTag(ref), tag, ref);
    assert.equal(ociArchitecture('x64'), 'amd64');
    assert.equal(ociArchitecture('arm64'), 'arm64');
  });
});
