import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { FieldPath } from './field-path.js';
import {
  annotationsSize,
  isCIdentifier,
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isFullyQualifiedDomainName,
  isHTTPHeaderName,
  isInRange,
  isPercent,
  isQualifiedName,
  isRelaxedEnvVarName,
  isValidCIDR,
  isValidGroupID,
  isValidIP,
  isValidIPv4Address,
  isValidIPv6Address,
  isValidLabelValue,
  isValidPathSegmentName,
  isValidPortName,
  isValidPortNum,
  isValidUserID,
  isWildcardDNS1123Subdomain,
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  parseIPSloppy,
  regexError,
  validateAnnotations,
  validateLabels,
  validateNonnegativeField,
  validatePathSegmentName,
} from './validation.js';

const rep = (c: string, n: number) => c.repeat(n);

/** Checks a validator against good and bad values. */
function goodBad(name: string, fn: (v: string) => string[], good: string[], bad: string[]) {
  describe(name, () => {
    for (const v of good) it(`accepts ${JSON.stringify(v.length > 40 ? v.slice(0, 20) + '…' : v)}`, () => assert.deepEqual(fn(v), []));
    for (const v of bad) it(`rejects ${JSON.stringify(v.length > 40 ? v.slice(0, 20) + '…' : v)}`, () => assert.notDeepEqual(fn(v), []));
  });
}

const DNS1123_LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

describe('exact messages', () => {
  const cases: [string, string[], string[]][] = [
    ['isDNS1123Label("Foo")', isDNS1123Label('Foo'), [DNS1123_LABEL_MSG]],
    ['isDNS1123Label("a.b")', isDNS1123Label('a.b'), ['must not contain dots']],
    ['isDNS1123Label(64 a)', isDNS1123Label(rep('a', 64)), ['must be no more than 63 characters']],
    ['isDNS1123Label(64 A)', isDNS1123Label(rep('A', 64)), ['must be no more than 63 characters', DNS1123_LABEL_MSG]],
    ['isDNS1123Subdomain("Foo")', isDNS1123Subdomain('Foo'), [DNS1123_SUBDOMAIN_MSG]],
    ['isDNS1123Subdomain(254 a)', isDNS1123Subdomain(rep('a', 254)), ['must be no more than 253 characters']],
    ['isDNS1035Label("1a")', isDNS1035Label('1a'), [DNS1035_MSG]],
    [
      'isQualifiedName("a/b/c")',
      isQualifiedName('a/b/c'),
      [
        "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
      ],
    ],
    ['isQualifiedName("/simple")', isQualifiedName('/simple'), ['prefix part must be non-empty']],
    [
      'isQualifiedName("example.com/")',
      isQualifiedName('example.com/'),
      [
        'name part must be non-empty',
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      ],
    ],
    ['isQualifiedName("Example.com/abc")', isQualifiedName('Example.com/abc'), ['prefix part ' + DNS1123_SUBDOMAIN_MSG]],
    [
      'isValidLabelValue("-a")',
      isValidLabelValue('-a'),
      [
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      ],
    ],
    [
      'isCIdentifier("1a")',
      isCIdentifier('1a'),
      [
        "a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName', regex used for validation is '[A-Za-z_][A-Za-z0-9_]*')",
      ],
    ],
    [
      'isEnvVarName("1a")',
      isEnvVarName('1a'),
      [
        "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')",
      ],
    ],
    ['isEnvVarName("..")', isEnvVarName('..'), ["must not be '..'"]],
    ['isEnvVarName(".")', isEnvVarName('.'), ["must not be '.'"]],
    ['isEnvVarName("..a")', isEnvVarName('..a'), ["must not start with '..'"]],
    ['isRelaxedEnvVarName("")', isRelaxedEnvVarName(''), ['environment variable name must be non-empty']],
    ['isRelaxedEnvVarName("a=b")', isRelaxedEnvVarName('a=b'), ["a valid environment variable name must consist only of printable ASCII characters other than '='"]],
    [
      'isConfigMapKey("a b")',
      isConfigMapKey('a b'),
      ["a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"],
    ],
    ['isConfigMapKey("..")', isConfigMapKey('..'), ["must not be '..'"]],
    [
      'isPercent("5")',
      isPercent('5'),
      ["a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"],
    ],
    [
      'isHTTPHeaderName("a b")',
      isHTTPHeaderName('a b'),
      ["a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')"],
    ],
    ['isValidPortNum(0)', isValidPortNum(0), ['must be between 1 and 65535, inclusive']],
    ['isValidUserID(-1)', isValidUserID(-1), ['must be between 0 and 2147483647, inclusive']],
    [
      'isValidPortName("-Ab--")',
      isValidPortName('-Ab--'),
      ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)', 'must not contain consecutive hyphens', 'must not begin or end with a hyphen'],
    ],
    ['isValidPortName("12345")', isValidPortName('12345'), ['must contain at least one letter (a-z)']],
    [
      'isValidPortName(16 a)',
      isValidPortName(rep('a', 16)),
      ['must be no more than 15 characters'],
    ],
    ['isValidIP("a")', isValidIP('a'), ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']],
    ['isValidCIDR("a")', isValidCIDR('a'), ['must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)']],
    ['isValidIPv4Address("::1")', isValidIPv4Address('::1'), ['must be a valid IPv4 address']],
    ['isValidIPv6Address("1.2.3.4")', isValidIPv6Address('1.2.3.4'), ['must be a valid IPv6 address']],
    [
      'isWildcardDNS1123Subdomain("a.b")',
      isWildcardDNS1123Subdomain('a.b'),
      [
        "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      ],
    ],
    ['isValidPathSegmentName("..")', isValidPathSegmentName('..'), ["may not be '..'"]],
    ['isValidPathSegmentName("a/b%c")', isValidPathSegmentName('a/b%c'), ["may not contain '/'", "may not contain '%'"]],
  ];
  for (const [name, got, want] of cases) it(name, () => assert.deepEqual(got, want));

  it('regexError formats examples as upstream', () => {
    assert.equal(regexError('m', 'f'), "m (regex used for validation is 'f')");
    assert.equal(regexError('m', 'f', 'a'), "m (e.g. 'a', regex used for validation is 'f')");
    assert.equal(regexError('m', 'f', 'a', 'b'), "m (e.g. 'a',  or 'b', regex used for validation is 'f')");
  });
});

goodBad(
  'isDNS1123Label',
  isDNS1123Label,
  ['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', '0', '01', '012', '1a', '1-a', '1--a--b--2', rep('a', 63)],
  ['', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-', '-1', '_', 'a_', '_a', 'a_b', '1_', '_1', '1_2', '.', 'a.', '.a', 'a.b', '1.', '.1', '1.2', ' ', 'a ', ' a', 'a b', '1 ', ' 1', '1 2', rep('a', 64), 'a\n'],
);

goodBad(
  'isDNS1123Subdomain',
  isDNS1123Subdomain,
  ['a', 'ab', 'a--1--2--b', '0', '1--a--b--2', 'a.a', 'a--1--2--b.a', 'a.1', '0.a', '1-a.a', '0.1', '1--a--b--2.1', 'a.b.c.d.e', 'aa.bb.cc.dd.ee', '1.2.3.4.5', rep('a', 253)],
  ['', 'A', 'aBc', '-', 'a-', '-a', '_', 'a_b', '.', 'a.', '.a', 'a..b', '1..2', ' ', 'a b', 'A.a', 'ab.A', 'a.B.c.d.e', 'a@b', 'a,b', 'a;b', 'a:b', 'a%b', 'a?b', 'a$b', rep('a', 254)],
);

goodBad(
  'isDNS1035Label',
  isDNS1035Label,
  ['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', rep('a', 63)],
  ['0', '01', '1a', '1-a', '', 'A', 'aBc', '-', 'a-', '-a', '_', 'a_b', '.', 'a.b', ' ', 'a b', rep('a', 64)],
);

goodBad(
  'isCIdentifier',
  isCIdentifier,
  ['a', 'ab', '_a', 'a_', 'a_1', 'a__1__2__b', '__abc_123', 'A', 'AbC', 'A__1__2__B', '__123_ABC'],
  ['', '1', '123', '1a', '-', 'a-', '1_', '.', 'a.b', ' ', 'a b', '#a#'],
);

goodBad(
  'isValidPortName',
  isValidPortName,
  ['telnet', 're-mail-ck', 'pop3', 'a', 'a-1', '1-a', 'a-1-b-2-c', '1-a-2-b-3'],
  ['longerthan15characters', '', rep('a', 16), '12345', '1-2-3-4', '-begin', 'end-', 'two--hyphens', 'whois++'],
);

goodBad(
  'isQualifiedName',
  isQualifiedName,
  [
    'simple',
    'now-with-dashes',
    '1-starts-with-num',
    '1234',
    'simple/simple',
    'now-with-dashes/now-with-dashes',
    'now.with.dots/simple',
    '1-num.2-num/3-num',
    '1234/5678',
    '1.2.3.4/5678',
    'Uppercase_Is_OK_123',
    'example.com/Uppercase_Is_OK_123',
    'requests.storage-foo',
    rep('a', 63),
    rep('a', 253) + '/' + rep('b', 63),
  ],
  ['nospecialchars%^=@', 'cantendwithadash-', '-cantstartwithadash-', 'only/one/slash', 'Example.com/abc', 'example_com/abc', 'example.com/', '/simple', rep('a', 64), rep('a', 254) + '/abc'],
);

goodBad(
  'isValidLabelValue',
  isValidLabelValue,
  ['simple', 'now-with-dashes', '1-starts-with-num', 'end-with-num-1', '1234', rep('a', 63), ''],
  ['nospecialchars%^=@', 'Tama-nui-te-rā.is.Māori.sun', '\\backslashes\\are\\bad', '-starts-with-dash', 'ends-with-dash-', '.starts.with.dot', 'ends.with.dot.', rep('a', 64)],
);

goodBad('isHTTPHeaderName', isHTTPHeaderName, ['genericHeader', 'x-header', 'X-Header-Name', 'a-1'], ['', 'a b', '?', '@', '{', 'a:b']);
goodBad('isPercent', isPercent, ['0%', '00000%', '1%', '01%', '100%', '93%'], ['', '0', '100', '0.0%', '99.9%', 'hundred%', 'infinity%', '-5%', '%', '1%%']);
goodBad('isConfigMapKey', isConfigMapKey, ['a', 'a.b', 'a-b', 'a_B', '.a', 'a..b', rep('a', 253)], ['', 'a b', 'a/b', '.', '..', '..a', rep('a', 254)]);
goodBad('isEnvVarName', isEnvVarName, ['a', 'A_1', 'my.env-name', 'MY_ENV.NAME', 'MyEnvName1', '-a', '.a'], ['', '1a', 'a b', 'a=b', '.', '..', '..a']);
goodBad('isRelaxedEnvVarName', isRelaxedEnvVarName, ['1a', 'a b', '!"#$%&\'()', '.a'], ['', 'a=b', 'ä', 'a\tb']);
goodBad('isWildcardDNS1123Subdomain', isWildcardDNS1123Subdomain, ['*.example.com', '*.bar.com', '*.foo.bar.com'], ['*.*.bar.com', '*.foo.*.com', '*bar.com', 'f*.bar.com', '*']);

describe('isValidPortNum, isInRange, user and group IDs', () => {
  it('ports', () => {
    for (const v of [1, 2, 1000, 16384, 32768, 65535]) assert.deepEqual(isValidPortNum(v), []);
    for (const v of [0, -1, 65536, 100000]) assert.equal(isValidPortNum(v).length, 1);
  });
  it('ranges', () => {
    assert.deepEqual(isInRange(1, 0, 10), []);
    assert.deepEqual(isInRange(25, 10, 25), []);
    assert.deepEqual(isInRange(1, 2, 10), ['must be between 2 and 10, inclusive']);
    assert.deepEqual(isInRange(5, -4, 2), ['must be between -4 and 2, inclusive']);
  });
  it('ids', () => {
    for (const v of [0, 1, 1000, 65535, 2147483647]) {
      assert.deepEqual(isValidUserID(v), []);
      assert.deepEqual(isValidGroupID(v), []);
    }
    for (const v of [-1, -1003, 2147483648, 4147483647]) {
      assert.equal(isValidUserID(v).length, 1);
      assert.equal(isValidGroupID(v).length, 1);
    }
  });
});

describe('IP addresses and CIDRs (sloppy, as upstream)', () => {
  const ips: [string, 4 | 6 | null][] = [
    ['1.2.3.4', 4],
    ['0.0.0.0', 4],
    ['255.255.255.255', 4],
    ['1234::abcd', 6],
    ['::', 6],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 6],
    ['0:0:0:0:0:0:0:0', 6],
    ['0001:002:03:4::', 6],
    ['1234::ABCD', 6],
    ['1.1.1.01', 4],
    ['::ffff:1.1.1.1', 4],
    ['::1.2.3.4', 6],
    ['1::2:3.4.5.6', 6],
    ['', null],
    ['aaaaaaa', null],
    ['myhost.mydomain', null],
    ['1.2.3.0/24', null],
    ['1.2.3.400', null],
    ['-1.0.0.0', null],
    ['2001:db8::10005', null],
    ['1.2.3.4:80', null],
    ['[2001:db8::1]', null],
    ['[2001:db8::1]:80', null],
    ['example.com:80', null],
    ['1234::abcd%eth0', null],
    ['169.254.0.0%eth0', null],
    ['1.2.3', null],
    ['1.2.3.4.5', null],
    ['1:2:3:4:5:6:7:8:9', null],
    ['1::2::3', null],
    ['1:2:3:4:5:6:7::8', null],
    [':1::', null],
    ['1:', null],
  ];
  for (const [ip, family] of ips) {
    it(JSON.stringify(ip), () => {
      assert.equal(isValidIP(ip).length === 0, family !== null);
      assert.equal(isValidIPv4Address(ip).length === 0, family === 4);
      assert.equal(isValidIPv6Address(ip).length === 0, family === 6);
    });
  }

  it('parses to 16 bytes', () => {
    assert.deepEqual([...parseIPSloppy('1.2.3.4')!], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 1, 2, 3, 4]);
    assert.deepEqual([...parseIPSloppy('1::2')!], [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
    assert.deepEqual([...parseIPSloppy('010.0.0.1')!].slice(12), [10, 0, 0, 1]);
  });

  const cidrs: [string, boolean][] = [
    ['1.0.0.0/8', true],
    ['0.0.0.0/0', true],
    ['1.1.1.1/32', true],
    ['2001:4860:4860::/48', true],
    ['::/0', true],
    ['::1/128', true],
    ['2a00:79e0:2:0::/64', true],
    ['2001:DB8::/64', true],
    ['1.1.01.0/24', true],
    ['::ffff:1.1.1.0/24', true],
    ['::ffff:1.1.1.0/120', true],
    ['1.2.3.4/24', true],
    ['2001:db8::1/64', true],
    ['192.168.0.0/016', true],
    ['', false],
    ['aaaaaaa', false],
    ['1.2.3.4', false],
    ['192.168.0.1/healthz', false],
    ['192.168.0.1/0/99', false],
    ['192.168.0.0/-16', false],
    ['192.168.0.0/+16', false],
    ['1.2.3.4/33', false],
    ['::/129', false],
  ];
  for (const [cidr, ok] of cidrs) it(`CIDR ${JSON.stringify(cidr)}`, () => assert.equal(isValidCIDR(cidr).length === 0, ok));
});

describe('isFullyQualifiedDomainName', () => {
  const p = FieldPath.root('spec').child('host');
  const msgs = (n: string) => isFullyQualifiedDomainName(p, n).map((e) => e.message());
  it('accepts domains with two or more segments', () => {
    for (const n of ['a.com', 'k8s.io', 'dev.k8s.io', 'dev.k8s.io.', 'a.b.c.d']) assert.deepEqual(msgs(n), []);
  });
  it('rejects others with upstream messages', () => {
    assert.deepEqual(msgs(''), ['spec.host: Required value']);
    assert.deepEqual(msgs('a'), ['spec.host: Invalid value: "a": should be a domain with at least two segments separated by dots']);
    assert.deepEqual(msgs('A.com'), [`spec.host: Invalid value: "A.com": ${DNS1123_SUBDOMAIN_MSG}`]);
    assert.deepEqual(msgs(`${rep('a', 64)}.com`), [`spec.host: Invalid value: "${rep('a', 64)}": must be no more than 63 characters`]);
  });
});

describe('name functions', () => {
  it('validate generateName prefixes with upstream’s trailing-dash mask', () => {
    assert.deepEqual(nameIsDNSSubdomain('foo-', true), []);
    assert.notDeepEqual(nameIsDNSSubdomain('foo-', false), []);
    assert.deepEqual(nameIsDNSLabel('a-', true), []);
    assert.deepEqual(nameIsDNS1035Label('abc-', true), []);
    // the mask drops two characters: '1a-' is checked as '1a' (fine for labels, not DNS-1035)
    assert.deepEqual(nameIsDNSLabel('1a-', true), []);
    assert.notDeepEqual(nameIsDNS1035Label('1b-', true), []);
    assert.deepEqual(nameIsDNS1035Label('a1-', true), []);
    // a lone '-' is not masked
    assert.notDeepEqual(nameIsDNSLabel('-', true), []);
    assert.deepEqual(nameIsDNSSubdomain('Foo', false), [DNS1123_SUBDOMAIN_MSG]);
  });

  it('path segment names', () => {
    assert.deepEqual(validatePathSegmentName('.', false), ["may not be '.'"]);
    assert.deepEqual(validatePathSegmentName('.', true), []);
    assert.deepEqual(validatePathSegmentName('a%', true), ["may not contain '%'"]);
    assert.deepEqual(validatePathSegmentName('system:admin', false), []);
  });
});

describe('validateLabels, validateAnnotations, validateNonnegativeField', () => {
  const p = FieldPath.root('metadata');

  it('labels report at the map path', () => {
    assert.deepEqual(validateLabels({ app: 'web', 'example.com/x': '' }, p.child('labels')), []);
    const errs = validateLabels({ 'bad key': 'ok', good: 'bad value' }, p.child('labels')).map((e) => e.message());
    assert.equal(errs.length, 2);
    assert.match(errs[0]!, /^metadata\.labels: Invalid value: "bad key": name part must consist of/);
    assert.match(errs[1]!, /^metadata\.labels: Invalid value: "bad value": a valid label must be an empty string/);
  });

  it('annotation keys are checked case-insensitively', () => {
    assert.deepEqual(validateAnnotations({ 'Example.COM/Key': 'anything at all', 'kubectl.kubernetes.io/last-applied-configuration': '{}' }, p.child('annotations')), []);
    const [e] = validateAnnotations({ 'a b': 'x' }, p.child('annotations'));
    assert.match(e!.message(), /^metadata\.annotations: Invalid value: "a b": name part must consist of/);
  });

  it('annotations are limited to 256 KiB in total', () => {
    const limit = 256 * 1024;
    assert.deepEqual(validateAnnotations({ a: rep('x', limit - 1) }, p.child('annotations')), []);
    const errs = validateAnnotations({ a: rep('x', limit) }, p.child('annotations'));
    assert.deepEqual(
      errs.map((e) => e.message()),
      ['metadata.annotations: Too long: may not be more than 262144 bytes'],
    );
    assert.equal(errs[0]!.type, 'FieldValueTooLong');
    // bytes, not characters
    assert.equal(annotationsSize({ k: 'é' }), 3);
  });

  it('nonnegative fields', () => {
    assert.deepEqual(validateNonnegativeField(0, 'spec.replicas'), []);
    assert.deepEqual(
      validateNonnegativeField(-1, 'spec.replicas').map((e) => e.message()),
      ['spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
    );
  });
});
