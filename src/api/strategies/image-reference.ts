/**
 * Container image references as the kubelet's and apiserver's defaulting read them
 * (upstream's parsers.ParseImageName over the distribution reference grammar): only the
 * tag and digest matter here, to pick the default imagePullPolicy.
 */

const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const IPV6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const HOST = `(?:${DOMAIN_NAME}|${IPV6})`;
const DOMAIN = `${HOST}(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const REFERENCE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const ANCHORED_IDENTIFIER = /^[a-f0-9]{64}$/;
const NAME_TOTAL_LENGTH_MAX = 255;

export interface ImageReference {
  name: string;
  tag: string;
  digest: string;
}

/**
 * Parses an image reference as upstream's ParseNormalizedNamed followed by ParseImageName:
 * a reference with neither tag nor digest gets the tag `latest`. Returns undefined for
 * references upstream cannot parse (upper case repositories, bad characters, 64-hex names).
 */
export function parseImageReference(image: string): ImageReference | undefined {
  if (ANCHORED_IDENTIFIER.test(image)) return undefined;
  const m = REFERENCE.exec(image);
  if (!m) return undefined;
  const name = m[1]!;
  if (name.length > NAME_TOTAL_LENGTH_MAX) return undefined;
  // As splitDockerDomain: the first component is a registry only if it looks like one;
  // the repository path after it must be lower case.
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const isDomain = slash >= 0 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first);
  const remainder = isDomain ? name.slice(slash + 1) : name;
  if (remainder.toLowerCase() !== remainder) return undefined;
  const tag = m[2] ?? '';
  const digest = m[3] ?? '';
  return { name, tag: tag || (digest ? '' : 'latest'), digest };
}

/** The default pull policy: Always for `:latest` (or no tag and no digest), else IfNotPresent. */
export function defaultPullPolicy(image: unknown): 'Always' | 'IfNotPresent' {
  const ref = typeof image === 'string' ? parseImageReference(image) : undefined;
  return ref?.tag === 'latest' ? 'Always' : 'IfNotPresent';
}
