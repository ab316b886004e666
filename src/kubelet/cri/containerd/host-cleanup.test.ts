import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  cgroupMounts,
  descendantsOf,
  flagValue,
  isContainerdWithConfig,
  isShimOf,
  mountsUnder,
  parseCmdline,
  parseMountinfo,
  parseNsLink,
  parseStatPpid,
} from './host-cleanup.js';

const SOCK = '/tmp/k8ts-x/containerd/containerd.sock';

describe('host cleanup parsers', () => {
  it('parses /proc cmdline and stat', () => {
    assert.deepEqual(parseCmdline('containerd-shim-runc-v2\0-namespace\0k8s.io\0'), ['containerd-shim-runc-v2', '-namespace', 'k8s.io']);
    assert.deepEqual(parseCmdline(''), []);
    assert.equal(parseStatPpid('1234 (sleep) S 77 1234 1 0 -1'), 77);
    assert.equal(parseStatPpid('99 (a (weird) name) R 5 99 1 0'), 5);
  });

  it('reads the namespace inode from /proc/PID/ns/net links', () => {
    assert.equal(parseNsLink('net:[4026532712]'), 4026532712);
    assert.equal(parseNsLink('pid:[4026532712]'), undefined);
    assert.equal(parseNsLink(''), undefined);
  });

  it('reads flag values in both spellings', () => {
    const argv = ['x', '-namespace', 'k8s.io', '--address=/a.sock', '-id', 'abc'];
    assert.equal(flagValue(argv, 'namespace'), 'k8s.io');
    assert.equal(flagValue(argv, 'address'), '/a.sock');
    assert.equal(flagValue(argv, 'id'), 'abc');
    assert.equal(flagValue(argv, 'missing'), undefined);
  });

  const shims: [string, string[], boolean][] = [
    ['our shim', ['/usr/bin/containerd-shim-runc-v2', '-namespace', 'k8s.io', '-id', 'abc', '-address', SOCK], true],
    ['another socket', ['/usr/bin/containerd-shim-runc-v2', '-namespace', 'k8s.io', '-id', 'abc', '-address', '/run/containerd/containerd.sock'], false],
    ['another namespace', ['containerd-shim-runc-v2', '-namespace', 'moby', '-id', 'abc', '-address', SOCK], false],
    ['a socket path that merely starts like ours', ['containerd-shim-runc-v2', '-namespace', 'k8s.io', '-address', `${SOCK}2`], false],
    ['not a shim', ['/bin/sleep', '-namespace', 'k8s.io', '-address', SOCK], false],
    ['a kernel thread', [], false],
  ];
  for (const [name, argv, want] of shims) {
    it(`isShimOf: ${name}`, () => assert.equal(isShimOf(argv, SOCK), want));
  }

  it('recognises a containerd started with a config (directly or through setpriv)', () => {
    assert.equal(isContainerdWithConfig(['/usr/bin/containerd', '--config', '/d/config.toml'], '/d/config.toml'), true);
    assert.equal(isContainerdWithConfig(['containerd', '--config=/d/config.toml'], '/d/config.toml'), true);
    assert.equal(isContainerdWithConfig(['/usr/bin/setpriv', '--pdeathsig', 'KILL', '/usr/bin/containerd', '--config', '/d/config.toml'], '/d/config.toml'), true);
    assert.equal(isContainerdWithConfig(['/usr/bin/containerd', '--config', '/other/config.toml'], '/d/config.toml'), false);
    assert.equal(isContainerdWithConfig(['vim', '/usr/bin/containerd', '--config', '/d/config.toml'], '/d/config.toml'), false);
  });

  it('finds descendants deepest first', () => {
    const procs = [
      { pid: 10, ppid: 1, argv: ['shim'] },
      { pid: 11, ppid: 10, argv: ['init'] },
      { pid: 12, ppid: 11, argv: ['child'] },
      { pid: 13, ppid: 10, argv: ['exec'] },
      { pid: 20, ppid: 1, argv: ['other'] },
    ];
    const d = descendantsOf(procs, 10);
    assert.deepEqual([...d].sort(), [11, 12, 13]);
    assert.ok(d.indexOf(12) < d.indexOf(11), 'grandchild before child');
    assert.deepEqual(descendantsOf(procs, 20), []);
  });

  const mountinfo = [
    '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/vda rw',
    '30 22 0:26 / /sys/fs/cgroup/memory rw,nosuid shared:9 - cgroup cgroup rw,memory',
    '31 22 0:27 / /sys/fs/cgroup/unified rw,nosuid shared:10 - cgroup2 cgroup2 rw',
    '40 22 0:50 / /tmp/k8ts-x/containerd/state/io.containerd.runtime.v2.task/k8s.io/abc/rootfs rw - overlay overlay rw,lowerdir=/a',
    '41 22 0:51 / /tmp/k8ts-x/containerd/state/io.containerd.grpc.v1.cri/sandboxes/abc/shm rw - tmpfs shm rw,size=65536k',
    '42 40 0:52 / /tmp/k8ts-x/containerd/state/io.containerd.runtime.v2.task/k8s.io/abc/rootfs/proc rw - proc proc rw',
    '43 22 0:53 / /tmp/k8ts-xy/other rw - tmpfs tmpfs rw',
    '44 22 0:54 / /tmp/with\\040space rw - tmpfs tmpfs rw',
    '',
  ].join('\n');

  it('parses mountinfo, with octal escapes', () => {
    const m = parseMountinfo(mountinfo);
    assert.equal(m.length, 8);
    assert.deepEqual(m[1], { mountPoint: '/sys/fs/cgroup/memory', fsType: 'cgroup', source: 'cgroup' });
    assert.equal(m[7]!.mountPoint, '/tmp/with space');
  });

  it('lists mounts under a directory deepest first, not its siblings', () => {
    assert.deepEqual(mountsUnder(parseMountinfo(mountinfo), ['/tmp/k8ts-x']), [
      '/tmp/k8ts-x/containerd/state/io.containerd.runtime.v2.task/k8s.io/abc/rootfs/proc',
      '/tmp/k8ts-x/containerd/state/io.containerd.runtime.v2.task/k8s.io/abc/rootfs',
      '/tmp/k8ts-x/containerd/state/io.containerd.grpc.v1.cri/sandboxes/abc/shm',
    ]);
  });

  it('finds the cgroup hierarchies', () => {
    assert.deepEqual(cgroupMounts(parseMountinfo(mountinfo)), ['/sys/fs/cgroup/memory', '/sys/fs/cgroup/unified']);
  });
});
