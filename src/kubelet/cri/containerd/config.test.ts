import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containerdConfigToml, tomlString } from './config.js';
import { ContainerdSupervisor, containerdSocketPath } from './supervisor.js';

/** A minimal reader for the TOML we generate: `[section]` headers and `key = value` lines. */
function sections(toml: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>([['', new Map()]]);
  let current = out.get('')!;
  for (const raw of toml.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      assert.ok(!out.has(header[1]!), `section ${header[1]} appears once`);
      current = new Map();
      out.set(header[1]!, current);
      continue;
    }
    const kv = /^([A-Za-z_]+) = (.+)$/.exec(line);
    assert.ok(kv, `a key = value line: ${line}`);
    assert.ok(!current.has(kv[1]!), `key ${kv[1]} appears once`);
    current.set(kv[1]!, kv[2]!);
  }
  return out;
}

const CRI = 'plugins."io.containerd.grpc.v1.cri"';

describe('containerd config.toml', () => {
  const toml = containerdConfigToml({
    root: '/data/containerd/root',
    state: '/data/containerd/state',
    socketPath: '/data/containerd/containerd.sock',
    runcRoot: '/data/containerd/state/runc',
    optDir: '/data/containerd/opt',
    sandboxImage: 'registry.k8s.io/pause:3.10',
    cniBinDir: '/usr/lib/cni',
    cniConfDir: '/data/containerd/cni/net.d',
  });
  const s = sections(toml);

  const want: [string, string, string][] = [
    ['', 'version', '2'],
    ['', 'root', '"/data/containerd/root"'],
    ['', 'state', '"/data/containerd/state"'],
    ['grpc', 'address', '"/data/containerd/containerd.sock"'],
    ['ttrpc', 'address', '""'],
    ['debug', 'address', '""'],
    ['metrics', 'address', '""'],
    ['plugins."io.containerd.internal.v1.opt"', 'path', '"/data/containerd/opt"'],
    [CRI, 'sandbox_image', '"registry.k8s.io/pause:3.10"'],
    [CRI, 'restrict_oom_score_adj', 'true'],
    [CRI, 'stream_server_address', '"127.0.0.1"'],
    [CRI, 'stream_server_port', '"0"'],
    [`${CRI}.containerd`, 'snapshotter', '"overlayfs"'],
    [`${CRI}.containerd`, 'default_runtime_name', '"runc"'],
    [`${CRI}.containerd.runtimes.runc`, 'runtime_type', '"io.containerd.runc.v2"'],
    [`${CRI}.containerd.runtimes.runc.options`, 'SystemdCgroup', 'false'],
    [`${CRI}.containerd.runtimes.runc.options`, 'Root', '"/data/containerd/state/runc"'],
    [`${CRI}.cni`, 'bin_dir', '"/usr/lib/cni"'],
    [`${CRI}.cni`, 'conf_dir', '"/data/containerd/cni/net.d"'],
  ];
  for (const [section, key, value] of want) {
    it(`sets ${section ? `[${section}] ` : ''}${key} = ${value}`, () => {
      assert.equal(s.get(section)?.get(key), value);
    });
  }

  it('is a pure function of its options', () => {
    const o = { root: '/r', state: '/s', socketPath: '/s.sock', optDir: '/o', sandboxImage: 'p:1', cniBinDir: '/b', cniConfDir: '/c' };
    assert.equal(containerdConfigToml(o), containerdConfigToml({ ...o }));
    assert.equal(sections(containerdConfigToml(o)).get(`${CRI}.containerd.runtimes.runc.options`)?.has('Root'), false);
    assert.equal(sections(containerdConfigToml({ ...o, logLevel: 'warn' })).get('debug')?.get('level'), '"warn"');
  });

  it('quotes strings for TOML', () => {
    assert.equal(tomlString('/a "b"\\c'), '"/a \\"b\\"\\\\c"');
  });
});

describe('ContainerdSupervisor paths', () => {
  it('keeps everything under its dir and the CNI conf dir under it by default', () => {
    const sup = new ContainerdSupervisor({ dir: '/var/lib/k8ts/containerd' });
    assert.equal(sup.configPath, '/var/lib/k8ts/containerd/config.toml');
    assert.equal(sup.socketPath, '/var/lib/k8ts/containerd/containerd.sock');
    assert.equal(sup.cniConfDir, '/var/lib/k8ts/containerd/cni/net.d');
    assert.equal(sup.ipamDataDir, '/var/lib/k8ts/containerd/cni/networks');
    assert.equal(sup.cgroupRoot, '/kubepods');
    assert.equal(sup.sandboxImage, 'registry.k8s.io/pause:3.10');
    const s = sections(sup.configToml());
    assert.equal(s.get('')?.get('root'), '"/var/lib/k8ts/containerd/root"');
    assert.equal(s.get('')?.get('state'), '"/var/lib/k8ts/containerd/state"');
    assert.equal(s.get(`${CRI}.cni`)?.get('conf_dir'), '"/var/lib/k8ts/containerd/cni/net.d"');
  });

  it('moves a socket path too long for a unix socket under /run/k8ts', () => {
    const long = `/tmp/${'x'.repeat(120)}`;
    const p = containerdSocketPath(long);
    assert.match(p, /^\/run\/k8ts\/[0-9a-f]{16}\/containerd\.sock$/);
    assert.equal(containerdSocketPath(long), p, 'stable for the same dir');
    assert.notEqual(containerdSocketPath(`${long}y`), p);
    assert.equal(containerdSocketPath('/d'), '/d/containerd.sock');
  });
});
