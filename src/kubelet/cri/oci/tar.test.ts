import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { readTar, splitUstarName, TarEntryType, writeTar, type TarEntry } from './tar.js';

const entries: TarEntry[] = [
  { path: 'bin', type: TarEntryType.Directory, mode: 0o755 },
  { path: 'bin/busybox', type: TarEntryType.File, mode: 0o755, data: Buffer.from('#!fake busybox\n') },
  { path: 'bin/sh', type: TarEntryType.Symlink, mode: 0o777, linkTarget: '/bin/busybox' },
  { path: 'tmp', type: TarEntryType.Directory, mode: 0o1777 },
  { path: 'etc/empty', type: TarEntryType.File, mode: 0o644, data: new Uint8Array() },
];

function field(h: Buffer, off: number, len: number): string {
  const s = h.subarray(off, off + len);
  const nul = s.indexOf(0);
  return s.subarray(0, nul < 0 ? len : nul).toString();
}

describe('tar writer', () => {
  it('writes 512-byte ustar headers with valid checksums, padded data and two end blocks', () => {
    const tar = writeTar(entries, 1_700_000_000);
    // 5 headers + 1 data block (the only non-empty file) + 2 end blocks
    assert.equal(tar.length, 512 * 8);
    const h = tar.subarray(512, 1024);
    assert.equal(field(h, 0, 100), 'bin/busybox');
    assert.equal(field(h, 100, 8), '0000755');
    assert.equal(field(h, 124, 12), '00000000017');
    assert.equal(parseInt(field(h, 136, 12), 8), 1_700_000_000);
    assert.equal(String.fromCharCode(h[156]!), '0');
    assert.equal(field(h, 257, 6), 'ustar');
    assert.equal(field(h, 263, 2), '00');
    const stored = parseInt(field(h, 148, 8), 8);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
    assert.equal(stored, sum);
    assert.equal(tar.subarray(1024, 1024 + 15).toString(), '#!fake busybox\n');
    assert.ok(tar.subarray(1024 + 15, 1536).every((b) => b === 0), 'data padded with zeros');
    assert.ok(tar.subarray(tar.length - 1024).every((b) => b === 0), 'end-of-archive blocks');
  });

  it('marks directories with a trailing slash and symlinks with their target', () => {
    const tar = writeTar(entries, 0);
    assert.equal(field(tar, 0, 100), 'bin/');
    assert.equal(String.fromCharCode(tar[156]!), '5');
    const link = tar.subarray(512 * 3, 512 * 4);
    assert.equal(field(link, 0, 100), 'bin/sh');
    assert.equal(String.fromCharCode(link[156]!), '2');
    assert.equal(field(link, 157, 100), '/bin/busybox');
    assert.equal(field(tar.subarray(512 * 4), 100, 8), '0001777', 'sticky bit kept');
  });

  it('reads back what it wrote, and is deterministic', () => {
    const a = writeTar(entries, 42);
    assert.deepEqual(writeTar(entries, 42), a);
    const back = readTar(a);
    assert.deepEqual(
      back.map((e) => [e.path, e.type, e.mode, e.linkTarget, e.data ? Buffer.from(e.data).toString() : undefined]),
      entries.map((e) => [e.path, e.type, e.mode, e.linkTarget, e.type === TarEntryType.File ? Buffer.from(e.data ?? []).toString() : undefined]),
    );
  });

  it('splits long names into ustar prefix and name', () => {
    const cases: [string, { prefix: string; name: string } | 'error'][] = [
      ['short/name', { prefix: '', name: 'short/name' }],
      [`${'d'.repeat(120)}/file`, { prefix: 'd'.repeat(120), name: 'file' }],
      [`a/${'b'.repeat(99)}/${'c'.repeat(60)}`, { prefix: `a/${'b'.repeat(99)}`, name: 'c'.repeat(60) }],
      ['x'.repeat(101), 'error'],
    ];
    for (const [path, want] of cases) {
      if (want === 'error') assert.throws(() => splitUstarName(path), /too long/);
      else assert.deepEqual(splitUstarName(path), want);
    }
    const long = `${'d'.repeat(120)}/file`;
    const back = readTar(writeTar([{ path: long, type: TarEntryType.File, mode: 0o644, data: Buffer.from('x') }], 0));
    assert.equal(back[0]!.path, long);
  });

  it('is read by the system tar', { skip: !existsSync('/usr/bin/tar') && !existsSync('/bin/tar') }, () => {
    const r = spawnSync('tar', ['-tvf', '-'], { input: writeTar(entries, 0) });
    assert.equal(r.status, 0, r.stderr.toString());
    const out = r.stdout.toString();
    assert.match(out, /bin\/sh -> \/bin\/busybox/);
    assert.match(out, /-rwxr-xr-x root\/root\s+15 .* bin\/busybox/);
    assert.match(out, /drwxrwxrwt root\/root .* tmp\//);
  });
});
