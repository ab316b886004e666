import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CONFLIST_FILE, cniConflist, hostportRules, parseIPv4Cidr, splitRuleArgs, writeCniConfig } from './config.js';

describe('CNI conflist', () => {
  it('chains bridge (host-local on the podCIDR), portmap and loopback at cniVersion 1.0.0', () => {
    const c = cniConflist({ podCIDR: '10.42.3.0/24' }) as {
      cniVersion: string;
      name: string;
      plugins: { type: string; bridge?: string; isGateway?: boolean; isDefaultGateway?: boolean; ipMasq?: boolean; hairpinMode?: boolean; ipam?: Record<string, unknown>; capabilities?: Record<string, boolean> }[];
    };
    assert.equal(c.cniVersion, '1.0.0');
    assert.equal(c.name, 'k8ts');
    assert.deepEqual(c.plugins.map((p) => p.type), ['bridge', 'portmap', 'loopback']);
    const [bridge, portmap] = c.plugins;
    assert.equal(bridge!.bridge, 'cni0');
    assert.equal(bridge!.isGateway, true);
    assert.equal(bridge!.isDefaultGateway, true);
    assert.equal(bridge!.ipMasq, true);
    assert.equal(bridge!.hairpinMode, true);
    assert.deepEqual(bridge!.ipam, { type: 'host-local', ranges: [[{ subnet: '10.42.3.0/24' }]] });
    assert.deepEqual(portmap!.capabilities, { portMappings: true });
  });

  it('takes a bridge name, network name, IPAM data dir and MTU', () => {
    const c = cniConflist({ podCIDR: '10.1.0.0/16', bridge: 'k8t0', networkName: 'n', ipamDataDir: '/d/ipam', mtu: 1400 }) as {
      name: string;
      plugins: Record<string, unknown>[];
    };
    assert.equal(c.name, 'n');
    assert.equal(c.plugins[0]!.bridge, 'k8t0');
    assert.equal(c.plugins[0]!.mtu, 1400);
    assert.equal((c.plugins[0]!.ipam as Record<string, unknown>).dataDir, '/d/ipam');
  });

  const bad: [string, RegExp][] = [
    ['10.42.0.0', /invalid IPv4 CIDR/],
    ['10.42.0.1/24', /host bits/],
    ['300.1.1.0/24', /invalid IPv4 CIDR/],
    ['10.0.0.0/31', /at most \/30/],
    ['fd00::/64', /invalid IPv4 CIDR/],
  ];
  for (const [cidr, re] of bad) {
    it(`rejects podCIDR ${cidr}`, () => assert.throws(() => cniConflist({ podCIDR: cidr }), re));
  }

  it('accepts CIDRs of any prefix up to /30', () => {
    assert.deepEqual(parseIPv4Cidr('0.0.0.0/0'), { address: [0, 0, 0, 0], prefix: 0 });
    assert.deepEqual(parseIPv4Cidr('192.168.4.0/22'), { address: [192, 168, 4, 0], prefix: 22 });
    assert.throws(() => parseIPv4Cidr('192.168.5.0/22'), /host bits/);
  });

  it('rejects bridge names Linux would not take', () => {
    assert.throws(() => cniConflist({ podCIDR: '10.0.0.0/24', bridge: 'a-very-long-bridge-name' }), /bridge name/);
    assert.throws(() => cniConflist({ podCIDR: '10.0.0.0/24', bridge: 'has space' }), /bridge name/);
  });
});

describe('writeCniConfig', () => {
  it('writes the conflist atomically and only when it changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8ts-cni-'));
    try {
      const confDir = join(dir, 'net.d');
      const first = await writeCniConfig(confDir, { podCIDR: '10.42.0.0/24' });
      assert.deepEqual(first, { path: join(confDir, CONFLIST_FILE), changed: true });
      assert.deepEqual(JSON.parse(readFileSync(first.path, 'utf8')), cniConflist({ podCIDR: '10.42.0.0/24' }));
      assert.equal((await writeCniConfig(confDir, { podCIDR: '10.42.0.0/24' })).changed, false);
      assert.equal((await writeCniConfig(confDir, { podCIDR: '10.42.1.0/24' })).changed, true);
      assert.deepEqual(readdirSync(confDir), [CONFLIST_FILE], 'no temporary file left');
      await assert.rejects(writeCniConfig(confDir, { podCIDR: 'nope' }), /invalid IPv4 CIDR/);
      assert.match(readFileSync(first.path, 'utf8'), /10\.42\.1\.0\/24/, 'a bad call leaves the file alone');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('portmap host chains', () => {
  const natIdle = [
    '-P PREROUTING ACCEPT',
    '-N CNI-HOSTPORT-DNAT',
    '-N CNI-HOSTPORT-MASQ',
    '-N CNI-HOSTPORT-SETMARK',
    '-N KUBE-SERVICES',
    '-A PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT',
    '-A OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT',
    '-A POSTROUTING -m comment --comment "CNI portfwd requiring masquerade" -j CNI-HOSTPORT-MASQ',
    '-A PREROUTING -j KUBE-SERVICES',
    '-A CNI-HOSTPORT-MASQ -m mark --mark 0x2000/0x2000 -j MASQUERADE',
    '-A CNI-HOSTPORT-SETMARK -m comment --comment "CNI portfwd masquerade mark" -j MARK --set-xmark 0x2000/0x2000',
  ].join('\n');

  it('splits rule lines with quoted comments', () => {
    assert.deepEqual(splitRuleArgs('-A POSTROUTING -m comment --comment "CNI portfwd requiring masquerade" -j CNI-HOSTPORT-MASQ'), [
      '-A', 'POSTROUTING', '-m', 'comment', '--comment', 'CNI portfwd requiring masquerade', '-j', 'CNI-HOSTPORT-MASQ',
    ]);
    assert.deepEqual(splitRuleArgs('-A X --comment "a \\"q\\" b"'), ['-A', 'X', '--comment', 'a "q" b']);
  });

  it('finds the jumps into the portmap chains and sees when no hostPort is programmed', () => {
    const { jumps, inUse } = hostportRules(natIdle);
    assert.equal(inUse, false);
    assert.deepEqual(jumps.map((j) => j[1]), ['PREROUTING', 'OUTPUT', 'POSTROUTING']);
    assert.equal(jumps[2]![5], 'CNI portfwd requiring masquerade');
  });

  it('treats a rule inside CNI-HOSTPORT-DNAT as a mapping in use', () => {
    const busy = `${natIdle}\n-A CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \\"k8ts\\" id: \\"abc\\"" -m multiport --dports 8080 -j CNI-DN-1`;
    assert.equal(hostportRules(busy).inUse, true);
  });
});
