/**
 * A minimal, deterministic POSIX ustar writer: directories, regular files and symlinks, owned
 * by root, with a fixed mtime, in the order given. Enough for OCI image layers built by hand;
 * it writes no PAX headers, so names must fit ustar's 100 + 155 byte name/prefix split.
 */

export const TarEntryType = { File: 'file', Directory: 'dir', Symlink: 'symlink' } as const;
export type TarEntryType = (typeof TarEntryType)[keyof typeof TarEntryType];

export interface TarEntry {
  /** Relative path inside the archive, no leading slash; directories without a trailing one. */
  path: string;
  type: TarEntryType;
  /** Permission bits (e.g. 0o755). */
  mode: number;
  /** File contents (type file). */
  data?: Uint8Array;
  /** Link target (type symlink). */
  linkTarget?: string;
  uid?: number;
  gid?: number;
}

const BLOCK = 512;

function writeString(buf: Buffer, offset: number, length: number, value: string): void {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > length) throw new Error(`tar: "${value}" does not fit ${length} bytes`);
  bytes.copy(buf, offset);
}

/** Octal, zero-padded to length-1 digits and NUL-terminated, as ustar numeric fields are. */
function writeOctal(buf: Buffer, offset: number, length: number, value: number): void {
  const s = value.toString(8).padStart(length - 1, '0');
  if (s.length > length - 1) throw new Error(`tar: ${value} does not fit a ${length}-byte field`);
  writeString(buf, offset, length, s + '\0');
}

/** Splits a name into ustar (prefix, name): name <= 100 bytes, prefix <= 155, split at a '/'. */
export function splitUstarName(path: string): { prefix: string; name: string } {
  if (Buffer.byteLength(path) <= 100) return { prefix: '', name: path };
  for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name) return { prefix, name };
  }
  throw new Error(`tar: path too long for ustar: ${path}`);
}

function header(entry: TarEntry, mtime: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  const path = entry.type === TarEntryType.Directory ? `${entry.path}/` : entry.path;
  const { prefix, name } = splitUstarName(path);
  writeString(h, 0, 100, name);
  writeOctal(h, 100, 8, entry.mode & 0o7777);
  writeOctal(h, 108, 8, entry.uid ?? 0);
  writeOctal(h, 116, 8, entry.gid ?? 0);
  writeOctal(h, 124, 12, entry.type === TarEntryType.File ? (entry.data?.length ?? 0) : 0);
  writeOctal(h, 136, 12, mtime);
  h.fill(0x20, 148, 156); // checksum is computed with its own field as spaces
  h[156] = (entry.type === TarEntryType.File ? '0' : entry.type === TarEntryType.Directory ? '5' : '2').charCodeAt(0);
  if (entry.type === TarEntryType.Symlink) writeString(h, 157, 100, entry.linkTarget ?? '');
  writeString(h, 257, 6, 'ustar\0');
  writeString(h, 263, 2, '00');
  writeString(h, 265, 32, 'root');
  writeString(h, 297, 32, 'root');
  writeString(h, 345, 155, prefix);
  let sum = 0;
  for (const b of h) sum += b;
  writeString(h, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return h;
}

/**
 * Serialises entries into a tar archive (ending with the two zero blocks). Same entries and
 * mtime (seconds since the epoch) give the same bytes.
 */
export function writeTar(entries: readonly TarEntry[], mtime: number): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    parts.push(header(e, mtime));
    if (e.type === TarEntryType.File && e.data && e.data.length > 0) {
      parts.push(Buffer.from(e.data.buffer, e.data.byteOffset, e.data.length));
      const pad = (BLOCK - (e.data.length % BLOCK)) % BLOCK;
      if (pad) parts.push(Buffer.alloc(pad));
    }
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

/** Reads back the entries of an uncompressed ustar archive (as `writeTar` writes them). */
export function readTar(tar: Uint8Array): TarEntry[] {
  const buf = Buffer.from(tar.buffer, tar.byteOffset, tar.length);
  const out: TarEntry[] = [];
  const str = (o: number, l: number) => {
    const s = buf.subarray(o, o + l);
    const nul = s.indexOf(0);
    return s.subarray(0, nul < 0 ? l : nul).toString('utf8');
  };
  for (let off = 0; off + BLOCK <= buf.length; ) {
    if (buf.subarray(off, off + BLOCK).every((b) => b === 0)) break;
    const name = str(off, 100);
    const prefix = str(off + 345, 155);
    const size = parseInt(str(off + 124, 12) || '0', 8);
    const mode = parseInt(str(off + 100, 8) || '0', 8);
    const typeflag = String.fromCharCode(buf[off + 156]!);
    let path = prefix ? `${prefix}/${name}` : name;
    const type = typeflag === '5' ? TarEntryType.Directory : typeflag === '2' ? TarEntryType.Symlink : TarEntryType.File;
    if (type === TarEntryType.Directory) path = path.replace(/\/$/, '');
    const entry: TarEntry = { path, type, mode, uid: parseInt(str(off + 108, 8), 8), gid: parseInt(str(off + 116, 8), 8) };
    if (type === TarEntryType.Symlink) entry.linkTarget = str(off + 157, 100);
    off += BLOCK;
    if (type === TarEntryType.File) {
      entry.data = Uint8Array.from(buf.subarray(off, off + size));
      off += Math.ceil(size / BLOCK) * BLOCK;
    }
    out.push(entry);
  }
  return out;
}
