/**
 * Docker-style image reference normalisation, as containerd's CRI plugin resolves the names
 * the kubelet passes: `busybox` -> `docker.io/library/busybox:latest`, `me/app:1` ->
 * `docker.io/me/app:1`; a first component with a dot or a port, or `localhost`, is a
 * registry host. Digest references (`name@sha256:...`) keep their digest and get no tag.
 */
export function normalizeImageRef(ref: string): string {
  const trimmed = ref.trim();
  if (!trimmed) throw new Error('empty image reference');
  if (/^sha256:[0-9a-f]{64}$/.test(trimmed)) return trimmed;
  const at = trimmed.indexOf('@');
  const namePart = at >= 0 ? trimmed.slice(0, at) : trimmed;
  const digest = at >= 0 ? trimmed.slice(at) : '';
  const slash = namePart.indexOf('/');
  const first = slash >= 0 ? namePart.slice(0, slash) : '';
  const hasDomain = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let name = hasDomain ? namePart : `docker.io/${namePart}`;
  if (!hasDomain && slash < 0) name = `docker.io/library/${namePart}`;
  const lastSlash = name.lastIndexOf('/');
  const hasTag = name.lastIndexOf(':') > lastSlash;
  if (!hasTag && !digest) name += ':latest';
  if (name !== name.toLowerCase() && !hasDomain) throw new Error(`invalid reference format: repository name must be lowercase: "${ref}"`);
  return name + digest;
}
