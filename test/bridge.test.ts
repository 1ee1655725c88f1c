/**
 * `bridge link` and `bridge vlan`: port options live on this kernel (a bridge
 * and a veth port in a namespace the test made), the requests byte for byte
 * against iproute2's `bridge` (strace), and the VLAN dump decoded from
 * hand-made bytes (this kernel has no VLAN filtering: `bridge vlan add`
 * answers EOPNOTSUPP, but the request is still compared).
 */
import { describe, expect, it } from 'vitest';
import { parseBridgeVlans } from '../lib/bridge.js';
import { Writer } from '../lib/codec.js';
import { NetlinkError, type Handle } from '../lib/index.js';
import { BRIDGE_VLAN_INFO, bridgeAfAttrs, bridgeLinkAttrs, bridgeVlanTunnelAttrs } from '../lib/wire/bridge.js';
import { ifinfomsg, linkAttrs } from '../lib/wire/link.js';
import { captureLib, captureTool, haveStrace, hex } from './golden.js';
import { execFileSync } from 'node:child_process';
import { haveIp, toolEnv, withNs, type TestNetns, why } from './helpers.js';

/** br0 with ports va (peer vb) and vc (peer vd). */
async function topology(nl: Handle): Promise<void> {
  await nl.link.add({ name: 'br0', kind: 'bridge' });
  await nl.link.add({ name: 'va', kind: 'veth', info: { peer: { name: 'vb' } } });
  await nl.link.add({ name: 'vc', kind: 'veth', info: { peer: { name: 'vd' } } });
  await nl.link.set('va', { master: 'br0' });
  await nl.link.set('vc', { master: 'br0' });
}

describe('bridge link (live)', () => {
  it('set changes the port options and list reads them back, as bridge -d link show does', async () => {
    await withNs(async (ns) => {
      await topology(ns.nl);
      await ns.nl.bridge.link.set('va', { learning: false, flood: false, cost: 7, priority: 3, hairpin: true, isolated: true, neighSuppress: true, locked: true, mcastFlood: false, bcastFlood: false, guard: true, rootBlock: true });
      const [va] = await ns.nl.bridge.link.list({ dev: 'va' });
      expect(va).toMatchObject({ dev: 'va', master: 'br0', learning: false, flood: false, cost: 7, priority: 3, hairpin: true, isolated: true, neighSuppress: true, locked: true, mcastFlood: false, bcastFlood: false, guard: true, rootBlock: true, state: 'disabled' });
      // the other port kept the defaults
      const [vc] = await ns.nl.bridge.link.list({ dev: 'vc' });
      expect(vc).toMatchObject({ dev: 'vc', learning: true, flood: true, hairpin: false, isolated: false });
      // the same state through ip's view (IFLA_LINKINFO slave data)
      const l = await ns.nl.link.get('va');
      expect(l.slaveKind).toBe('bridge');
      expect(l.slaveInfo).toMatchObject({ learning: false, cost: 7, priority: 3 });
      // list: both ports, filtered by master; nothing for another master
      expect((await ns.nl.bridge.link.list({ master: 'br0' })).map((p) => p.dev).sort()).toEqual(['va', 'vc']);
      expect(await ns.nl.bridge.link.list({ master: 'va' })).toEqual([]);
      const br = (await ns.nl.link.get('br0')).index;
      expect((await ns.nl.bridge.link.list({ master: br })).map((p) => [p.dev, p.master]).sort()).toEqual([['va', 'br0'], ['vc', 'br0']]);
      // backup_port by name, then nobackup_port (0)
      await ns.nl.bridge.link.set('va', { backupPort: 'vc' });
      const vcIndex = (await ns.nl.link.get('vc')).index;
      expect((await ns.nl.bridge.link.list({ dev: 'va' }))[0].backupPort).toBe(vcIndex);
      await ns.nl.bridge.link.set('va', { backupPort: 0 });
      expect((await ns.nl.bridge.link.list({ dev: 'va' }))[0].backupPort).toBeUndefined();
      // the blocking form
      expect(ns.nl.sync.bridge.link.list({ dev: 'vc' })[0].cost).toBe(vc.cost);
    });
  });

  it.skipIf(!haveIp())('list agrees with bridge -d -j link show' + why(!haveIp(), "iproute2's ip (with -j) or nsenter missing"), async () => {
    await withNs(async (ns) => {
      await topology(ns.nl);
      await ns.nl.bridge.link.set('vc', { learning: false, hairpin: true, cost: 9, priority: 5, mcastToUnicast: true, vlanTunnel: true });
      const theirs = JSON.parse(execFileSync('nsenter', [`--net=${ns.path}`, 'bridge', '-d', '-j', 'link', 'show'], { encoding: 'utf8', env: toolEnv() })) as Record<string, unknown>[];
      const ours = await ns.nl.bridge.link.list();
      const words: [string, string][] = [
        ['dev', 'ifname'], ['master', 'master'], ['mtu', 'mtu'], ['state', 'state'], ['priority', 'priority'], ['cost', 'cost'], ['hairpin', 'hairpin'],
        ['guard', 'guard'], ['rootBlock', 'root_block'], ['fastleave', 'fastleave'], ['learning', 'learning'], ['flood', 'flood'], ['mcastFlood', 'mcast_flood'],
        ['bcastFlood', 'bcast_flood'], ['multicastRouter', 'mcast_router'], ['mcastToUnicast', 'mcast_to_unicast'], ['neighSuppress', 'neigh_suppress'],
        ['vlanTunnel', 'vlan_tunnel'], ['isolated', 'isolated'], ['locked', 'locked'], ['index', 'ifindex'],
      ];
      const view = (o: Record<string, unknown>, side: 0 | 1) => Object.fromEntries(words.filter((w) => o[w[side]] !== undefined).map((w) => [w[1], o[w[side]]]));
      expect(ours.map((p) => view(p as unknown as Record<string, unknown>, 0)).sort((a, b) => Number(a.ifindex) - Number(b.ifindex)))
        .toEqual(theirs.map((p) => view(p, 1)).sort((a, b) => Number(a.ifindex) - Number(b.ifindex)));
      expect(theirs.length).toBe(2);
    });
  });

  it('refuses bad input before sending anything', async () => {
    await withNs(async (ns) => {
      await topology(ns.nl);
      const bad: [unknown, unknown, RegExp][] = [
        ['va', { learning: 'off' }, /options\.learning must be a boolean/],
        ['va', { lerning: false }, /unknown field 'lerning' \(did you mean 'learning'\?\)/],
        ['va', { cost: -1 }, /options\.cost/],
        ['va', { state: 'sleeping' }, /options\.state must be one of/],
        ['va', { hwmode: 'veba' }, /options\.hwmode/],
        ['va', { rootId: '8000.00' }, /options\.rootId is read only/],
        ['va', {}, /nothing to change/],
        ['va', { self: true }, /nothing to change/],
        ['va', null, /options must be a plain object/],
        ['a b', { learning: false }, /dev/],
        ['va', { backupPort: 'x'.repeat(16) }, /options\.backupPort/],
      ];
      for (const [dev, o, re] of bad) {
        const { messages, error } = await captureLib(ns, () => ns.nl.bridge.link.set(dev as string, o as never));
        expect(String(error), JSON.stringify(o)).toMatch(re);
        expect(messages, JSON.stringify(o)).toEqual([]);
      }
      // nothing changed
      expect((await ns.nl.bridge.link.list({ dev: 'va' }))[0].learning).toBe(true);
    });
  });
});

/** One request compared with iproute2's `bridge`. */
interface Case {
  name: string;
  /** The tool (default bridge). */
  tool?: 'bridge' | 'ip';
  bridge: string[];
  lib: (nl: Handle) => Promise<unknown>;
}

const cases: Case[] = [
  { name: 'link set learning off', bridge: ['link', 'set', 'dev', 'va', 'learning', 'off'], lib: (nl) => nl.bridge.link.set('va', { learning: false }) },
  {
    name: 'link set: every option (written in bridge link set order whatever the caller wrote)',
    bridge: ['link', 'set', 'dev', 'va', 'backup_port', 'vc', 'locked', 'on', 'isolated', 'on', 'vlan_tunnel', 'on', 'neigh_suppress', 'on', 'mcast_router', '2', 'state', '0', 'priority', '3', 'cost', '5', 'learning_sync', 'on', 'learning', 'on', 'mcast_to_unicast', 'on', 'bcast_flood', 'off', 'mcast_flood', 'on', 'flood', 'off', 'root_block', 'on', 'fastleave', 'on', 'hairpin', 'on', 'guard', 'on'],
    lib: (nl) => nl.bridge.link.set('va', { backupPort: 'vc', locked: true, isolated: true, vlanTunnel: true, neighSuppress: true, multicastRouter: 2, state: 'disabled', priority: 3, cost: 5, learningSync: true, learning: true, mcastToUnicast: true, bcastFlood: false, mcastFlood: true, flood: false, rootBlock: true, fastleave: true, hairpin: true, guard: true }),
  },
  { name: 'link set master', bridge: ['link', 'set', 'dev', 'va', 'learning', 'off', 'master'], lib: (nl) => nl.bridge.link.set('va', { learning: false, master: true }) },
  { name: 'link set nobackup_port hwmode vepa self', bridge: ['link', 'set', 'dev', 'va', 'nobackup_port', 'hwmode', 'vepa', 'self'], lib: (nl) => nl.bridge.link.set('va', { backupPort: 0, hwmode: 'vepa', self: true }) },
  { name: 'link set hwmode only', bridge: ['link', 'set', 'dev', 'va', 'hwmode', 'veb'], lib: (nl) => nl.bridge.link.set('va', { hwmode: 'veb' }) },
  { name: 'vlan add vid pvid untagged', bridge: ['vlan', 'add', 'dev', 'va', 'vid', '10', 'pvid', 'untagged'], lib: (nl) => nl.bridge.vlan.add({ dev: 'va', vid: 10, pvid: true, untagged: true }) },
  { name: 'vlan add range', bridge: ['vlan', 'add', 'dev', 'va', 'vid', '20-30'], lib: (nl) => nl.bridge.vlan.add({ dev: 'va', vid: 20, vidEnd: 30 }) },
  { name: 'vlan add range untagged master', bridge: ['vlan', 'add', 'dev', 'va', 'vid', '20-30', 'untagged', 'master'], lib: (nl) => nl.bridge.vlan.add({ dev: 'va', vid: 20, vidEnd: 30, untagged: true, master: true }) },
  { name: 'vlan add self on the bridge', bridge: ['vlan', 'add', 'dev', 'br0', 'vid', '5', 'self'], lib: (nl) => nl.bridge.vlan.add({ dev: 'br0', vid: 5, self: true }) },
  { name: 'vlan del range', bridge: ['vlan', 'del', 'dev', 'va', 'vid', '20-30'], lib: (nl) => nl.bridge.vlan.del({ dev: 'va', vid: 20, vidEnd: 30 }) },
  { name: 'vlan del pvid untagged', bridge: ['vlan', 'del', 'dev', 'va', 'vid', '10', 'pvid', 'untagged'], lib: (nl) => nl.bridge.vlan.del({ dev: 'va', vid: 10, pvid: true, untagged: true }) },
  { name: 'vlan add tunnel_info', bridge: ['vlan', 'add', 'dev', 'va', 'vid', '10', 'tunnel_info', 'id', '100'], lib: (nl) => nl.bridge.vlan.add({ dev: 'va', vid: 10, tunnelId: 100 }) },
  { name: 'vlan add tunnel_info range', bridge: ['vlan', 'add', 'dev', 'va', 'vid', '10-12', 'tunnel_info', 'id', '100-102'], lib: (nl) => nl.bridge.vlan.add({ dev: 'va', vid: 10, vidEnd: 12, tunnelId: 100, tunnelIdEnd: 102 }) },
  {
    name: 'the bridge\'s VLAN filtering options (ip link add … type bridge vlan_filtering 1 vlan_protocol 802.1ad vlan_default_pvid 5)',
    tool: 'ip',
    bridge: ['link', 'add', 'br1', 'type', 'bridge', 'vlan_filtering', '1', 'vlan_protocol', '802.1ad', 'vlan_default_pvid', '5'],
    lib: (nl) => nl.link.add({ name: 'br1', kind: 'bridge', info: { vlanFiltering: true, vlanProtocol: '802.1ad', vlanDefaultPvid: 5 } }),
  },
  { name: 'vlan del tunnel_info', bridge: ['vlan', 'del', 'dev', 'va', 'vid', '10', 'tunnel_info', 'id', '100'], lib: (nl) => nl.bridge.vlan.del({ dev: 'va', vid: 10, tunnelId: 100 }) },
];

async function golden(c: Case, side: (ns: TestNetns) => Promise<Buffer[]>): Promise<Buffer[]> {
  return withNs(async (ns) => {
    await topology(ns.nl);
    return side(ns);
  });
}

describe.skipIf(!haveStrace())('bridge requests match iproute2 (bridge 6.1, strace)' + why(!haveStrace(), 'strace cannot run here (not installed, or no ptrace)'), () => {
  for (const c of cases)
    it(c.name, async () => {
      const theirs = await golden(c, async (ns) => captureTool(ns, c.tool ?? 'bridge', c.bridge).messages);
      const ours = await golden(c, async (ns) => (await captureLib(ns, () => c.lib(ns.nl))).messages);
      expect(theirs.length, `bridge sent no request for: bridge ${c.bridge.join(' ')}`).toBeGreaterThan(0);
      expect(ours.map(hex), `bridge ${c.bridge.join(' ')}`).toEqual(theirs.map(hex));
    });

  it('vlan show asks for the VLANs in the dump (AF_BRIDGE, IFLA_EXT_MASK)', async () => {
    await withNs(async (ns) => {
      await topology(ns.nl);
      const got: Buffer[] = [];
      ns.nl.conn.tap = (m) => got.push(m);
      try {
        expect(await ns.nl.bridge.vlan.list()).toEqual(expect.any(Array));
      } finally {
        ns.nl.conn.tap = undefined;
      }
      const dumps = got.filter((m) => m.readUInt16LE(4) === 18 && m.readUInt16LE(6) & 0x300);
      expect(dumps.length).toBe(1);
      const m = dumps[0];
      expect(m[16]).toBe(7); // ifi_family AF_BRIDGE
      // IFLA_EXT_MASK (29) = RTEXT_FILTER_BRVLAN_COMPRESSED (4)
      expect(hex(m.subarray(32))).toBe(hex(Buffer.from([8, 0, 29, 0, 4, 0, 0, 0])));
    });
  });
});

describe('bridge vlan input', () => {
  it('refuses bad input before sending anything', async () => {
    await withNs(async (ns) => {
      await topology(ns.nl);
      const bad: [unknown, RegExp][] = [
        [{ dev: 'va' }, /vlan\.vid is required/],
        [{ vid: 10 }, /vlan\.dev is required/],
        [{ dev: 'va', vid: 0 }, /vlan\.vid/],
        [{ dev: 'va', vid: 4095 }, /vlan\.vid/],
        [{ dev: 'va', vid: 10, vidEnd: 9 }, /vlan\.vidEnd \(9\) must not be below/],
        [{ dev: 'va', vid: 10, vidEnd: 12, pvid: true }, /pvid cannot be given for a range/],
        [{ dev: 'va', vid: 10, vidEnd: 12, tunnelId: 100 }, /as long as the VLAN range/],
        [{ dev: 'va', vid: 10, tunnelIdEnd: 100 }, /tunnelIdEnd needs vlan\.tunnelId/],
        [{ dev: 'va', vid: 10, tunnelId: 0 }, /vlan\.tunnelId/],
        [{ dev: 'va', vid: 10, tunnelId: 5, pvid: true }, /do not apply to a tunnel mapping/],
        [{ dev: 'va', vid: 10, untagged: 1 }, /vlan\.untagged/],
        [{ dev: 'va', vid: 10, tagged: true }, /tagged/],
      ];
      for (const [o, re] of bad) {
        const { messages, error } = await captureLib(ns, () => ns.nl.bridge.vlan.add(o as never));
        expect(String(error), JSON.stringify(o)).toMatch(re);
        expect(messages, JSON.stringify(o)).toEqual([]);
      }
    });
  });

  it('the kernel refuses VLANs on a bridge without vlan filtering support, as a NetlinkError', async () => {
    await withNs(async (ns) => {
      await topology(ns.nl);
      const e = await ns.nl.bridge.vlan.add({ dev: 'va', vid: 10 }).catch((x: unknown) => x);
      // this kernel lacks CONFIG_BRIDGE_VLAN_FILTERING (EOPNOTSUPP); a full kernel takes it (vlan filtering off: the entry is kept for later)
      if (e !== undefined) expect(e).toMatchObject({ code: 'EOPNOTSUPP', syscall: 'RTM_SETLINK' });
      else expect((await ns.nl.bridge.vlan.list({ dev: 'va' }))[0].vlans).toContainEqual({ vid: 10 });
    });
  });
});

describe('bridge vlan (live; needs CONFIG_BRIDGE_VLAN_FILTERING: runs in ../shared/kernel-vm)', () => {
  it('add, list, del: ports, ranges, pvid/untagged, the bridge\'s own VLANs, tunnel mappings', async (ctx) => {
    await withNs(async (ns) => {
      await topology(ns.nl);
      try {
        await ns.nl.link.set('br0', { kind: 'bridge', info: { vlanFiltering: true } });
      } catch (e) {
        if (e instanceof NetlinkError && e.code === 'EOPNOTSUPP') ctx.skip('kernel built without bridge VLAN filtering (CONFIG_BRIDGE_VLAN_FILTERING): EOPNOTSUPP');
        throw e;
      }
      await ns.nl.bridge.vlan.add({ dev: 'va', vid: 10, pvid: true, untagged: true });
      await ns.nl.bridge.vlan.add({ dev: 'va', vid: 20, vidEnd: 30 });
      await ns.nl.bridge.vlan.add({ dev: 'br0', vid: 20, self: true });
      const [va] = await ns.nl.bridge.vlan.list({ dev: 'va' });
      // vid 1 is the bridge's default pvid, which vid 10 took over
      expect(va.vlans).toEqual([{ vid: 1, untagged: true }, { vid: 10, pvid: true, untagged: true }, { vid: 20, vidEnd: 30 }]);
      const all = await ns.nl.bridge.vlan.list();
      expect(all.find((p) => p.dev === 'br0')?.vlans).toContainEqual({ vid: 20 });
      expect(all.find((p) => p.dev === 'vc')?.vlans).toEqual([{ vid: 1, pvid: true, untagged: true }]);
      await ns.nl.bridge.vlan.del({ dev: 'va', vid: 25, vidEnd: 30 });
      expect((await ns.nl.bridge.vlan.list({ dev: 'va' }))[0].vlans).toContainEqual({ vid: 20, vidEnd: 24 });
      await expect(ns.nl.bridge.vlan.add({ dev: 'va', vid: 40, vidEnd: 45, pvid: true } as never)).rejects.toThrow(/pvid cannot be given for a range/);
      // VLAN-to-VNI mappings on a vxlan port in external mode with vlan_tunnel on
      await ns.nl.link.add({ name: 'vx', kind: 'vxlan', info: { id: 0, external: true, dstport: 4789 } });
      await ns.nl.link.set('vx', { master: 'br0' });
      await ns.nl.bridge.link.set('vx', { vlanTunnel: true });
      await ns.nl.bridge.vlan.add({ dev: 'vx', vid: 100, vidEnd: 102 });
      await ns.nl.bridge.vlan.add({ dev: 'vx', vid: 100, vidEnd: 102, tunnelId: 1000, tunnelIdEnd: 1002 });
      const [vx] = await ns.nl.bridge.vlan.list({ dev: 'vx' });
      expect(vx.tunnels).toEqual([{ vid: 100, vidEnd: 102, tunnelId: 1000, tunnelIdEnd: 1002 }]);
      await ns.nl.bridge.vlan.del({ dev: 'vx', vid: 101, tunnelId: 1001 });
      expect((await ns.nl.bridge.vlan.list({ dev: 'vx' }))[0].tunnels).toEqual([{ vid: 100, tunnelId: 1000 }, { vid: 102, tunnelId: 1002 }]);
    });
  });
});

describe('bridge vlan show decoding (kernel-free bytes)', () => {
  /** An AF_BRIDGE RTM_NEWLINK payload as the kernel sends for `bridge vlan show` with ranges compressed. */
  function message(): Buffer {
    const w = new Writer(512);
    ifinfomsg.encode(w, { family: 7, type: 1, index: 4, flags: 0, change: 0 }, 'm');
    linkAttrs.encodeOne(w, 'name', 'va');
    linkAttrs.encodeOne(w, 'master', 2);
    const a = bridgeLinkAttrs.beginNest(w, 'afSpec');
    const I = BRIDGE_VLAN_INFO;
    bridgeAfAttrs.encodeOne(w, 'vlanInfo', { flags: I.PVID | I.UNTAGGED, vid: 1 });
    bridgeAfAttrs.encodeOne(w, 'vlanInfo', { flags: I.RANGE_BEGIN, vid: 20 });
    bridgeAfAttrs.encodeOne(w, 'vlanInfo', { flags: I.RANGE_END, vid: 30 });
    bridgeAfAttrs.encodeOne(w, 'vlanInfo', { flags: I.UNTAGGED, vid: 40 });
    for (const [vid, id, flags] of [[10, 100, 0], [11, 200, I.RANGE_BEGIN], [13, 202, I.RANGE_END]]) {
      const n = bridgeAfAttrs.beginNest(w, 'vlanTunnelInfo');
      bridgeVlanTunnelAttrs.encode(w, { id, vid, flags });
      w.endAttr(n);
    }
    w.endAttr(a);
    return Buffer.from(w.buf.subarray(0, w.pos));
  }

  it('joins ranges and reads flags and tunnel mappings', () => {
    const b = message();
    expect(parseBridgeVlans(b, 0, b.length)).toEqual({
      index: 4,
      dev: 'va',
      vlans: [{ vid: 1, pvid: true, untagged: true }, { vid: 20, vidEnd: 30 }, { vid: 40, untagged: true }],
      tunnels: [{ vid: 10, tunnelId: 100 }, { vid: 11, vidEnd: 13, tunnelId: 200, tunnelIdEnd: 202 }],
    });
  });

  it('a message of another family is skipped; a truncated attribute is a DecodeError', () => {
    const b = message();
    const other = Buffer.from(b);
    other[0] = 0;
    expect(parseBridgeVlans(other, 0, other.length)).toBeUndefined();
    const cut = Buffer.from(b);
    cut.writeUInt16LE(0xff, 16 + 8 + 8); // the AF_SPEC nest claims more than there is
    expect(() => parseBridgeVlans(cut, 0, cut.length)).toThrow(/bridge/);
  });
});
