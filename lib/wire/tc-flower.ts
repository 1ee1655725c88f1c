/**
 * The flower classifier (`tc filter add … flower …`): its TCA_FLOWER_*
 * table (linux/pkt_cls.h), written `name: [id, type, 'UAPI_NAME']`, its
 * options as camelCase of tc's words (`src_ip` → `srcIp`, `vlan_id` →
 * `vlanId`…), decoded back to the same names. Like tc, the keys are written
 * in the order the options are given, then TCA_FLOWER_FLAGS and the
 * ethertype (the filter's `protocol`, or `ethType`).
 * @module
 */
import { attrs, t, type Writer } from '../codec.js';
import { handleCheck, formatHandle } from '../tcunits.js';
import { formatIp, formatMac, parseMac, parsePrefix } from '../types.js';
import { bool, custom, int, isPlain, show, closest } from '../validate.js';
import { actionLinks, actionsCheck, decodeActions, type CheckedAction } from './tc-actions.js';
import { findAttr, registerFilter, writeActionList, type FilterKind } from './tc-filters.js';
import { TCA_OPTIONS } from './tc.js';

/** TCA_FLOWER_* as decoded (the ones the library writes and reads). */
interface FlowerAttrs {
  classid: number;
  indev: string;
  ethDst: string;
  ethDstMask: string;
  ethSrc: string;
  ethSrcMask: string;
  ethType: number;
  ipProto: number;
  ipv4Src: string;
  ipv4SrcMask: string;
  ipv4Dst: string;
  ipv4DstMask: string;
  ipv6Src: string;
  ipv6SrcMask: string;
  ipv6Dst: string;
  ipv6DstMask: string;
  tcpSrc: number;
  tcpDst: number;
  udpSrc: number;
  udpDst: number;
  flags: number;
  vlanId: number;
  vlanPrio: number;
  vlanEthType: number;
  sctpSrc: number;
  sctpDst: number;
  tcpSrcMask: number;
  tcpDstMask: number;
  udpSrcMask: number;
  udpDstMask: number;
  sctpSrcMask: number;
  sctpDstMask: number;
  icmpv4Code: number;
  icmpv4CodeMask: number;
  icmpv4Type: number;
  icmpv4TypeMask: number;
  icmpv6Code: number;
  icmpv6CodeMask: number;
  icmpv6Type: number;
  icmpv6TypeMask: number;
  tcpFlags: number;
  tcpFlagsMask: number;
  ipTos: number;
  ipTosMask: number;
  ipTtl: number;
  ipTtlMask: number;
  portSrcMin: number;
  portSrcMax: number;
  portDstMin: number;
  portDstMax: number;
  keyFlags: number;
  keyFlagsMask: number;
  cvlanId: number;
  cvlanPrio: number;
  cvlanEthType: number;
}
/** The TCA_FLOWER_* table: what `tc filter add … flower …` writes (TCA_FLOWER_ACT = 3 is written by the action list encoder). */
export const flowerAttrs = attrs<FlowerAttrs>('flower', {
  classid: [1, t.u32, 'TCA_FLOWER_CLASSID'],
  indev: [2, t.string, 'TCA_FLOWER_INDEV'],
  ethDst: [4, t.mac, 'TCA_FLOWER_KEY_ETH_DST'],
  ethDstMask: [5, t.mac, 'TCA_FLOWER_KEY_ETH_DST_MASK'],
  ethSrc: [6, t.mac, 'TCA_FLOWER_KEY_ETH_SRC'],
  ethSrcMask: [7, t.mac, 'TCA_FLOWER_KEY_ETH_SRC_MASK'],
  ethType: [8, t.be16, 'TCA_FLOWER_KEY_ETH_TYPE'],
  ipProto: [9, t.u8, 'TCA_FLOWER_KEY_IP_PROTO'],
  ipv4Src: [10, t.ip, 'TCA_FLOWER_KEY_IPV4_SRC'],
  ipv4SrcMask: [11, t.ip, 'TCA_FLOWER_KEY_IPV4_SRC_MASK'],
  ipv4Dst: [12, t.ip, 'TCA_FLOWER_KEY_IPV4_DST'],
  ipv4DstMask: [13, t.ip, 'TCA_FLOWER_KEY_IPV4_DST_MASK'],
  ipv6Src: [14, t.ip, 'TCA_FLOWER_KEY_IPV6_SRC'],
  ipv6SrcMask: [15, t.ip, 'TCA_FLOWER_KEY_IPV6_SRC_MASK'],
  ipv6Dst: [16, t.ip, 'TCA_FLOWER_KEY_IPV6_DST'],
  ipv6DstMask: [17, t.ip, 'TCA_FLOWER_KEY_IPV6_DST_MASK'],
  tcpSrc: [18, t.be16, 'TCA_FLOWER_KEY_TCP_SRC'],
  tcpDst: [19, t.be16, 'TCA_FLOWER_KEY_TCP_DST'],
  udpSrc: [20, t.be16, 'TCA_FLOWER_KEY_UDP_SRC'],
  udpDst: [21, t.be16, 'TCA_FLOWER_KEY_UDP_DST'],
  flags: [22, t.u32, 'TCA_FLOWER_FLAGS'],
  vlanId: [23, t.u16, 'TCA_FLOWER_KEY_VLAN_ID'],
  vlanPrio: [24, t.u8, 'TCA_FLOWER_KEY_VLAN_PRIO'],
  vlanEthType: [25, t.be16, 'TCA_FLOWER_KEY_VLAN_ETH_TYPE'],
  tcpSrcMask: [35, t.be16, 'TCA_FLOWER_KEY_TCP_SRC_MASK'],
  tcpDstMask: [36, t.be16, 'TCA_FLOWER_KEY_TCP_DST_MASK'],
  udpSrcMask: [37, t.be16, 'TCA_FLOWER_KEY_UDP_SRC_MASK'],
  udpDstMask: [38, t.be16, 'TCA_FLOWER_KEY_UDP_DST_MASK'],
  sctpSrcMask: [39, t.be16, 'TCA_FLOWER_KEY_SCTP_SRC_MASK'],
  sctpDstMask: [40, t.be16, 'TCA_FLOWER_KEY_SCTP_DST_MASK'],
  sctpSrc: [41, t.be16, 'TCA_FLOWER_KEY_SCTP_SRC'],
  sctpDst: [42, t.be16, 'TCA_FLOWER_KEY_SCTP_DST'],
  icmpv4Code: [49, t.u8, 'TCA_FLOWER_KEY_ICMPV4_CODE'],
  icmpv4CodeMask: [50, t.u8, 'TCA_FLOWER_KEY_ICMPV4_CODE_MASK'],
  icmpv4Type: [51, t.u8, 'TCA_FLOWER_KEY_ICMPV4_TYPE'],
  icmpv4TypeMask: [52, t.u8, 'TCA_FLOWER_KEY_ICMPV4_TYPE_MASK'],
  icmpv6Code: [53, t.u8, 'TCA_FLOWER_KEY_ICMPV6_CODE'],
  icmpv6CodeMask: [54, t.u8, 'TCA_FLOWER_KEY_ICMPV6_CODE_MASK'],
  icmpv6Type: [55, t.u8, 'TCA_FLOWER_KEY_ICMPV6_TYPE'],
  icmpv6TypeMask: [56, t.u8, 'TCA_FLOWER_KEY_ICMPV6_TYPE_MASK'],
  tcpFlags: [71, t.be16, 'TCA_FLOWER_KEY_TCP_FLAGS'],
  tcpFlagsMask: [72, t.be16, 'TCA_FLOWER_KEY_TCP_FLAGS_MASK'],
  ipTos: [73, t.u8, 'TCA_FLOWER_KEY_IP_TOS'],
  ipTosMask: [74, t.u8, 'TCA_FLOWER_KEY_IP_TOS_MASK'],
  ipTtl: [75, t.u8, 'TCA_FLOWER_KEY_IP_TTL'],
  ipTtlMask: [76, t.u8, 'TCA_FLOWER_KEY_IP_TTL_MASK'],
  portSrcMin: [87, t.be16, 'TCA_FLOWER_KEY_PORT_SRC_MIN'],
  portSrcMax: [88, t.be16, 'TCA_FLOWER_KEY_PORT_SRC_MAX'],
  portDstMin: [89, t.be16, 'TCA_FLOWER_KEY_PORT_DST_MIN'],
  portDstMax: [90, t.be16, 'TCA_FLOWER_KEY_PORT_DST_MAX'],
  cvlanId: [77, t.u16, 'TCA_FLOWER_KEY_CVLAN_ID'],
  cvlanPrio: [78, t.u8, 'TCA_FLOWER_KEY_CVLAN_PRIO'],
  cvlanEthType: [79, t.be16, 'TCA_FLOWER_KEY_CVLAN_ETH_TYPE'],
  keyFlags: [47, t.be32, 'TCA_FLOWER_KEY_FLAGS'],
  keyFlagsMask: [48, t.be32, 'TCA_FLOWER_KEY_FLAGS_MASK'],
});
const TCA_FLOWER_ACT = 3;

/**
 * `tc filter add … flower [classid ID] [indev DEV] [skip_sw|skip_hw]
 * [vlan_id N] [vlan_prio N] [vlan_ethtype P] [cvlan_id N] [cvlan_prio N]
 * [cvlan_ethtype P] [dst_mac|src_mac MAC[/MASK]]
 * [ip_proto P] [ip_tos|ip_ttl N[/MASK]] [dst_ip|src_ip PREFIX]
 * [dst_port|src_port N|MIN-MAX|N/MASK] [tcp_flags F[/MASK]] [type|code N[/MASK]]
 * [ip_flags FLAGS] [action …]`. The filter's `protocol` is flower's ethertype (or give `ethType`).
 */
export interface FlowerOptions {
  /** `classid`/`flowid ID`. */
  classid?: string | number;
  flowid?: string | number;
  /** `indev DEV`. */
  indev?: string;
  /** `skip_sw` / `skip_hw`. */
  skipSw?: boolean;
  skipHw?: boolean;
  /** The ethertype matched (`ip`, `ipv6`, `802.1q`, … or a number); default: the filter's `protocol`. */
  ethType?: string | number;
  /** `vlan_id N` (0..4095; ethertype 802.1q or 802.1ad). */
  vlanId?: number;
  /** `vlan_prio N` (0..7). */
  vlanPrio?: number;
  /** `vlan_ethtype P`: the ethertype inside the tag. */
  vlanEthtype?: string | number;
  /** `cvlan_id N`, `cvlan_prio N`, `cvlan_ethtype P`: the inner tag (vlanEthtype 802.1q or 802.1ad). */
  cvlanId?: number;
  cvlanPrio?: number;
  cvlanEthtype?: string | number;
  /** `dst_mac`/`src_mac MAC[/MASK]` (MASK: a length in bits or a MAC). */
  dstMac?: string;
  srcMac?: string;
  /** `ip_proto tcp|udp|sctp|icmp|icmpv6|N`. */
  ipProto?: string | number;
  /** `ip_tos`/`ip_ttl N[/MASK]`. */
  ipTos?: number | string;
  ipTtl?: number | string;
  /** `dst_ip`/`src_ip PREFIX` (family of the ethertype). */
  dstIp?: string;
  srcIp?: string;
  /** `dst_port`/`src_port N`, `'MIN-MAX'` or `'N/MASK'` (ip_proto tcp, udp or sctp). */
  dstPort?: number | string;
  srcPort?: number | string;
  /** `tcp_flags F[/MASK]` (hex as tc: `'0x12/0x3f'`, or a number). */
  tcpFlags?: number | string;
  /** `type`/`code N[/MASK]`: ICMP type and code (ip_proto icmp or icmpv6). */
  type?: number | string;
  code?: number | string;
  /** `ip_flags frag|nofrag[/firstfrag|/nofirstfrag]`: fragment flags to match. */
  ipFlags?: string;
  /** The actions run on a match. */
  actions?: unknown[];
}

/** TCA_FLOWER_KEY_FLAGS_* by tc's `ip_flags` words. */
const IP_FLAGS = { frag: 1, firstfrag: 2 } as const;

/** Ethertypes by tc's names (ETH_P_*, linux/if_ether.h). */
const ETH = { all: 0x0003, ip: 0x0800, arp: 0x0806, ipv6: 0x86dd, '802.1q': 0x8100, '802.1ad': 0x88a8, mpls_uc: 0x8847, mpls_mc: 0x8848, '8021q': 0x8100 } as const;
const ETH_NAMES = new Map<number, string>([[0x0800, 'ip'], [0x0806, 'arp'], [0x86dd, 'ipv6'], [0x8100, '802.1q'], [0x88a8, '802.1ad'], [0x8847, 'mpls_uc'], [0x8848, 'mpls_mc']]);
const IPPROTO = { tcp: 6, udp: 17, sctp: 132, icmp: 1, icmpv6: 58 } as const;
const IPPROTO_NAMES = new Map<number, string>(Object.entries(IPPROTO).map(([k, v]) => [v, k]));
const TCP_FLAGS_MAX_MASK = 0xfff;

const ethTypeCheck = (v: unknown, path: string): number => {
  if (typeof v === 'number') return int(0, 0xffff)(v, path);
  if (typeof v === 'string') {
    const n = Object.prototype.hasOwnProperty.call(ETH, v) ? ETH[v as keyof typeof ETH] : undefined;
    if (n !== undefined) return n;
    const near = closest(v, Object.keys(ETH));
    throw new RangeError(`${path} must be an ethertype (${Object.keys(ETH).join(', ')}) or a number 0..65535, got ${show(v)}${near ? ` (did you mean '${near}'?)` : ''}`);
  }
  throw new TypeError(`${path} must be an ethertype name or number, got ${show(v)}`);
};

/** Parses `V` or `V/MASK` (value in `vbase`, mask in `mbase`, as tc); `max` the field's largest value. */
function valueMask(v: unknown, path: string, max: number, vbase: 10 | 16, mbase: 10 | 16, what: string): { v: number; m?: number } {
  if (typeof v === 'number') return { v: int(0, max)(v, path) };
  if (typeof v !== 'string') throw new TypeError(`${path} must be ${what}, got ${show(v)}`);
  const [a, b, more] = v.split('/');
  const num = (s: string, base: 10 | 16): number => {
    const ok = base === 16 ? /^(0[xX])?[0-9a-fA-F]+$/.test(s) : /^(0[xX][0-9a-fA-F]+|\d+)$/.test(s);
    const n = ok ? (base === 16 || /^0[xX]/.test(s) ? parseInt(s.replace(/^0[xX]/, ''), 16) : parseInt(s, 10)) : NaN;
    if (!Number.isInteger(n) || n > max) throw new RangeError(`${path} must be ${what}, got ${show(v)}`);
    return n;
  };
  if (more !== undefined || a === '' || b === '') throw new RangeError(`${path} must be ${what}, got ${show(v)}`);
  return { v: num(a, vbase), m: b === undefined ? undefined : num(b, mbase) };
}

/** A MAC with an optional `/BITS` or `/MASKMAC`, as tc's flower_parse_eth_addr: [addr, mask]. */
function macMask(v: unknown, path: string): [Buffer, Buffer] {
  if (typeof v !== 'string') throw new TypeError(`${path} must be a MAC such as 'aa:bb:cc:dd:ee:ff' (optionally '/BITS' or '/MASK'), got ${show(v)}`);
  const [a, m, more] = v.split('/');
  if (more !== undefined) throw new RangeError(`${path} must be a MAC with at most one '/MASK', got ${show(v)}`);
  const addr = parseMac(a, path, 6);
  if (m === undefined) return [addr, Buffer.alloc(6, 0xff)];
  if (/^\d+$/.test(m)) {
    const bits = Number(m);
    if (bits > 48) throw new RangeError(`${path}: a MAC mask is 0..48 bits, got ${bits}`);
    const mask = Buffer.alloc(6);
    for (let i = 0; i < bits; i++) mask[i >> 3] |= 0x80 >> (i & 7);
    return [addr, mask];
  }
  return [addr, parseMac(m, path, 6)];
}

/** A port, a range or a masked port: `80`, `'1000-2000'`, `'0x1000/0xf000'` (tc's numbers: decimal or 0x hex). */
function portOrRange(v: unknown, path: string): { min: number; max?: number; mask?: number } {
  if (typeof v === 'number') return { min: int(1, 0xffff)(v, path) };
  if (typeof v === 'string') {
    const m = /^(\d+)(?:-(\d+))?$/.exec(v);
    if (m) {
      const min = Number(m[1]);
      const max = m[2] === undefined ? undefined : Number(m[2]);
      if (min < 1 || min > 0xffff || (max !== undefined && (max > 0xffff || max <= min))) throw new RangeError(`${path} must be a port 1..65535 or a range 'MIN-MAX' with MIN < MAX, got ${show(v)}`);
      return { min, max };
    }
    const k = /^(0[xX][0-9a-fA-F]+|[1-9]\d*|0)\/(0[xX][0-9a-fA-F]+|[1-9]\d*|0)$/.exec(v);
    if (k) {
      const [value, mask] = [Number(k[1]), Number(k[2])];
      if (value > 0xffff || mask > 0xffff) throw new RangeError(`${path}: port and mask are 16-bit, got ${show(v)}`);
      return { min: value, mask };
    }
    throw new RangeError(`${path} must be a port 1..65535, a range such as '1000-2000' or 'PORT/MASK', got ${show(v)}`);
  }
  throw new TypeError(`${path} must be a port number, a range 'MIN-MAX' or 'PORT/MASK', got ${show(v)}`);
}

/** One attribute as tc writes it. */
/** One attribute to write, by its field in {@link flowerAttrs} (a Buffer: the payload as is), in the order the caller gave the options (as tc writes them). */
type Item = { key: keyof FlowerAttrs & string; v: number | Buffer | string } | { key: 'actions'; v: CheckedAction[] };

interface FlowerChecked {
  items: Item[];
  flags: number;
  ethType: number;
  actions?: CheckedAction[];
  /** ip_flags: value and mask. */
  mtf?: [number, number];
}

const classidCheck = handleCheck('classid');
const KNOWN = ['classid', 'flowid', 'indev', 'skipSw', 'skipHw', 'ethType', 'vlanId', 'vlanPrio', 'vlanEthtype', 'cvlanId', 'cvlanPrio', 'cvlanEthtype', 'dstMac', 'srcMac', 'ipProto', 'ipTos', 'ipTtl', 'dstIp', 'srcIp', 'dstPort', 'srcPort', 'tcpFlags', 'type', 'code', 'ipFlags', 'actions'];

const flower: FilterKind<FlowerChecked> = {
  check(o, path, head) {
    if (o === undefined) o = {};
    if (!isPlain(o)) throw new TypeError(`${path} must be an object of flower options, got ${show(o)}`);
    for (const k of Object.keys(o)) {
      if (!KNOWN.includes(k)) {
        const near = closest(k, KNOWN);
        throw new TypeError(`${path}.${k} is not a flower option${near ? ` (did you mean '${near}'?)` : ''}; flower takes ${KNOWN.join(', ')}`);
      }
    }
    const opt = o as Record<string, unknown>;
    const at = (k: string) => `${path}.${k}`;
    const tcProto = head?.protocol ?? ETH.all;
    let ethType = tcProto;
    if (opt.ethType !== undefined) {
      const e = ethTypeCheck(opt.ethType, at('ethType'));
      if (tcProto !== ETH.all && tcProto !== e) throw new TypeError(`${at('ethType')} (0x${e.toString(16)}) differs from the filter's protocol (0x${tcProto.toString(16)}): give one, or the same`);
      ethType = e;
    }
    const vlanTagged = ethType === ETH['802.1q'] || ethType === ETH['802.1ad'];
    // the ethertype ip_proto, addresses and ICMP fields see: inside the tag when vlanEthtype is given
    const tag = opt.vlanEthtype !== undefined ? ethTypeCheck(opt.vlanEthtype, at('vlanEthtype')) : ethType;
    const ctagged = opt.vlanEthtype !== undefined && (tag === ETH['802.1q'] || tag === ETH['802.1ad']);
    const ctag = opt.cvlanEthtype !== undefined ? ethTypeCheck(opt.cvlanEthtype, at('cvlanEthtype')) : undefined;
    const inner = ctag ?? tag;
    let ipProto: number | undefined;
    if (opt.ipProto !== undefined) {
      const p = opt.ipProto;
      if (inner !== ETH.ip && inner !== ETH.ipv6) throw new TypeError(`${at('ipProto')} needs ethertype ip or ipv6 (the filter's protocol, ethType or vlanEthtype)`);
      if (typeof p === 'string') {
        const n = Object.prototype.hasOwnProperty.call(IPPROTO, p) ? IPPROTO[p as keyof typeof IPPROTO] : undefined;
        if (n === undefined) {
          const near = closest(p, Object.keys(IPPROTO));
          throw new RangeError(`${at('ipProto')} must be tcp, udp, sctp, icmp, icmpv6 or a number 0..255, got ${show(p)}${near ? ` (did you mean '${near}'?)` : ''}`);
        }
        if (p === 'icmp' && inner !== ETH.ip) throw new TypeError(`${at('ipProto')} 'icmp' needs ethertype ip (use 'icmpv6' for ipv6)`);
        if (p === 'icmpv6' && inner !== ETH.ipv6) throw new TypeError(`${at('ipProto')} 'icmpv6' needs ethertype ipv6`);
        ipProto = n;
      } else ipProto = int(0, 255)(p, at('ipProto'));
    }
    const items: Item[] = [];
    let flags = 0;
    let actions: CheckedAction[] | undefined;
    let mtf: [number, number] | undefined;
    if (opt.classid !== undefined && opt.flowid !== undefined) throw new TypeError(`${path}: give classid or flowid (the same thing), not both`);
    for (const k of Object.keys(opt)) {
      const v = opt[k];
      if (v === undefined) continue;
      const p = at(k);
      switch (k) {
        case 'classid':
        case 'flowid':
          items.push({ key: 'classid', v: classidCheck(v, p) });
          break;
        case 'indev':
          if (typeof v !== 'string' || !v || Buffer.byteLength(v) > 15) throw new TypeError(`${p} must be a link name, got ${show(v)}`);
          items.push({ key: 'indev', v });
          break;
        case 'skipSw':
        case 'skipHw':
          if (bool(v, p)) flags |= k === 'skipHw' ? 1 : 2;
          break;
        case 'ethType':
          break;
        case 'vlanId':
          if (!vlanTagged) throw new TypeError(`${p} needs ethertype 802.1q or 802.1ad (the filter's protocol or ethType)`);
          items.push({ key: 'vlanId', v: int(0, 4095)(v, p) });
          break;
        case 'vlanPrio':
          if (!vlanTagged) throw new TypeError(`${p} needs ethertype 802.1q or 802.1ad (the filter's protocol or ethType)`);
          items.push({ key: 'vlanPrio', v: int(0, 7)(v, p) });
          break;
        case 'vlanEthtype':
          if (!vlanTagged) throw new TypeError(`${p} needs ethertype 802.1q or 802.1ad (the filter's protocol or ethType)`);
          items.push({ key: 'vlanEthType', v: tag });
          break;
        case 'cvlanId':
        case 'cvlanPrio':
        case 'cvlanEthtype':
          if (!ctagged) throw new TypeError(`${p} needs vlanEthtype 802.1q or 802.1ad (an inner tag)`);
          if (k === 'cvlanId') items.push({ key: 'cvlanId', v: int(0, 4095)(v, p) });
          else if (k === 'cvlanPrio') items.push({ key: 'cvlanPrio', v: int(0, 7)(v, p) });
          else items.push({ key: 'cvlanEthType', v: ctag! });
          break;
        case 'dstMac':
        case 'srcMac': {
          const [a, m] = macMask(v, p);
          const key = k === 'dstMac' ? 'ethDst' : 'ethSrc';
          items.push({ key, v: a }, { key: `${key}Mask`, v: m });
          break;
        }
        case 'ipProto':
          items.push({ key: 'ipProto', v: ipProto! });
          break;
        case 'ipTos':
        case 'ipTtl': {
          const r = valueMask(v, p, 0xff, 10, 16, 'a value 0..255, or "VALUE/MASK" (mask in hex, as tc)');
          items.push({ key: k, v: r.v }, { key: `${k}Mask`, v: r.m ?? 0xff });
          break;
        }
        case 'dstIp':
        case 'srcIp': {
          if (inner !== ETH.ip && inner !== ETH.ipv6) throw new TypeError(`${p} needs ethertype ip or ipv6 (the filter's protocol, ethType or vlanEthtype)`);
          const pre = parsePrefix(v, p);
          const fam = inner === ETH.ip ? 'inet' : 'inet6';
          if (pre.family !== fam) throw new TypeError(`${p} must be an ${fam === 'inet' ? 'IPv4' : 'IPv6'} prefix for ethertype ${fam === 'inet' ? 'ip' : 'ipv6'}, got ${show(v)}`);
          const len = pre.bytes.length;
          const mask = Buffer.alloc(len);
          for (let i = 0; i < pre.prefixlen; i++) mask[i >> 3] |= 0x80 >> (i & 7);
          // tc sends the address as given (host bits kept)
          const key = `${fam === 'inet' ? 'ipv4' : 'ipv6'}${k === 'srcIp' ? 'Src' : 'Dst'}` as const;
          items.push({ key, v: pre.bytes }, { key: `${key}Mask`, v: mask });
          break;
        }
        case 'dstPort':
        case 'srcPort': {
          if (ipProto !== IPPROTO.tcp && ipProto !== IPPROTO.udp && ipProto !== IPPROTO.sctp) throw new TypeError(`${p} needs ipProto tcp, udp or sctp`);
          const r = portOrRange(v, p);
          const src = k === 'srcPort';
          const dir = src ? 'Src' : 'Dst';
          if (r.max !== undefined) items.push({ key: `port${dir}Min`, v: r.min }, { key: `port${dir}Max`, v: r.max });
          else {
            const key = `${ipProto === IPPROTO.tcp ? 'tcp' : ipProto === IPPROTO.udp ? 'udp' : 'sctp'}${dir}` as const;
            items.push({ key, v: r.min });
            if (r.mask !== undefined) items.push({ key: `${key}Mask`, v: r.mask });
          }
          break;
        }
        case 'tcpFlags': {
          const r = valueMask(v, p, TCP_FLAGS_MAX_MASK, 16, 16, 'TCP flags 0..0xfff in hex, as tc ("0x12" or "0x12/0x3f"), or a number');
          items.push({ key: 'tcpFlags', v: r.v }, { key: 'tcpFlagsMask', v: r.m ?? TCP_FLAGS_MAX_MASK });
          break;
        }
        case 'type':
        case 'code': {
          const v4 = inner === ETH.ip && ipProto === IPPROTO.icmp;
          const v6 = inner === ETH.ipv6 && ipProto === IPPROTO.icmpv6;
          if (!v4 && !v6) throw new TypeError(`${p} (ICMP ${k}) needs ipProto icmp with ethertype ip, or icmpv6 with ipv6`);
          const r = valueMask(v, p, 0xff, 10, 10, 'a value 0..255, or "VALUE/MASK"');
          const key = `${v4 ? 'icmpv4' : 'icmpv6'}${k === 'type' ? 'Type' : 'Code'}` as const;
          items.push({ key, v: r.v }, { key: `${key}Mask`, v: r.m ?? 0xff });
          break;
        }
        case 'ipFlags': {
          if (typeof v !== 'string' || !v) throw new TypeError(`${p} must be flags such as 'frag/nofirstfrag', got ${show(v)}`);
          let val = 0;
          let mask = 0;
          for (const word of v.split('/')) {
            const no = word.startsWith('no');
            const name = no ? word.slice(2) : word;
            const bit = Object.prototype.hasOwnProperty.call(IP_FLAGS, name) ? IP_FLAGS[name as keyof typeof IP_FLAGS] : undefined;
            if (bit === undefined) throw new RangeError(`${p}: unknown ip flag ${show(word)} (frag, nofrag, firstfrag, nofirstfrag)`);
            val = no ? val & ~bit : val | bit;
            mask |= bit;
          }
          mtf = [val, mask];
          break;
        }
        case 'actions':
          actions = actionsCheck(v, p);
          items.push({ key: 'actions', v: actions });
          break;
      }
    }
    return { items, flags, ethType, actions, mtf };
  },
  links: (c) => (c.actions ? actionLinks(c.actions) : []),
  encode(w, c, ctx) {
    // TCA_OPTIONS without NLA_F_NESTED, as tc
    const at = w.beginAttr(TCA_OPTIONS);
    for (const it of c.items) writeItem(w, it, ctx);
    flowerAttrs.encodeOne(w, 'flags', c.flags);
    if (c.mtf) {
      flowerAttrs.encodeOne(w, 'keyFlags', c.mtf[0]);
      flowerAttrs.encodeOne(w, 'keyFlagsMask', c.mtf[1]);
    }
    if (c.ethType !== ETH.all) flowerAttrs.encodeOne(w, 'ethType', c.ethType);
    w.endAttr(at);
  },
  decode(b, off, end, path) {
    const r = flowerAttrs.decode(b, off, end, undefined, path) as Partial<FlowerAttrs>;
    const out: Record<string, unknown> = {};
    if (r.classid !== undefined) out.classid = formatHandle(r.classid);
    if (r.indev !== undefined) out.indev = r.indev;
    if (r.flags) {
      if (r.flags & 1) out.skipHw = true;
      if (r.flags & 2) out.skipSw = true;
    }
    if (r.ethType !== undefined) out.ethType = ETH_NAMES.get(r.ethType) ?? r.ethType;
    if (r.vlanId !== undefined) out.vlanId = r.vlanId;
    if (r.vlanPrio !== undefined) out.vlanPrio = r.vlanPrio;
    if (r.vlanEthType !== undefined) out.vlanEthtype = ETH_NAMES.get(r.vlanEthType) ?? r.vlanEthType;
    if (r.cvlanId !== undefined) out.cvlanId = r.cvlanId;
    if (r.cvlanPrio !== undefined) out.cvlanPrio = r.cvlanPrio;
    if (r.cvlanEthType !== undefined) out.cvlanEthtype = ETH_NAMES.get(r.cvlanEthType) ?? r.cvlanEthType;
    if (r.ethDst !== undefined) out.dstMac = macOut(r.ethDst, r.ethDstMask);
    if (r.ethSrc !== undefined) out.srcMac = macOut(r.ethSrc, r.ethSrcMask);
    if (r.ipProto !== undefined) out.ipProto = IPPROTO_NAMES.get(r.ipProto) ?? r.ipProto;
    if (r.ipTos !== undefined) out.ipTos = vmOut(r.ipTos, r.ipTosMask, 0xff, 10);
    if (r.ipTtl !== undefined) out.ipTtl = vmOut(r.ipTtl, r.ipTtlMask, 0xff, 10);
    const src = r.ipv4Src ?? r.ipv6Src;
    const dst = r.ipv4Dst ?? r.ipv6Dst;
    if (src !== undefined) out.srcIp = ipOut(src, r.ipv4Src !== undefined ? r.ipv4SrcMask : r.ipv6SrcMask);
    if (dst !== undefined) out.dstIp = ipOut(dst, r.ipv4Dst !== undefined ? r.ipv4DstMask : r.ipv6DstMask);
    const sp = r.tcpSrc ?? r.udpSrc ?? r.sctpSrc;
    const dp = r.tcpDst ?? r.udpDst ?? r.sctpDst;
    const spm = r.tcpSrcMask ?? r.udpSrcMask ?? r.sctpSrcMask;
    const dpm = r.tcpDstMask ?? r.udpDstMask ?? r.sctpDstMask;
    if (sp !== undefined) out.srcPort = spm === undefined || spm === 0xffff ? sp : `${sp}/0x${spm.toString(16)}`;
    if (dp !== undefined) out.dstPort = dpm === undefined || dpm === 0xffff ? dp : `${dp}/0x${dpm.toString(16)}`;
    if (r.portSrcMin !== undefined) out.srcPort = `${r.portSrcMin}-${r.portSrcMax}`;
    if (r.portDstMin !== undefined) out.dstPort = `${r.portDstMin}-${r.portDstMax}`;
    if (r.tcpFlags !== undefined) out.tcpFlags = r.tcpFlagsMask === undefined || r.tcpFlagsMask === TCP_FLAGS_MAX_MASK ? r.tcpFlags : `0x${r.tcpFlags.toString(16)}/0x${r.tcpFlagsMask.toString(16)}`;
    const ty = r.icmpv4Type ?? r.icmpv6Type;
    const tm = r.icmpv4Type !== undefined ? r.icmpv4TypeMask : r.icmpv6TypeMask;
    const co = r.icmpv4Code ?? r.icmpv6Code;
    const cm = r.icmpv4Code !== undefined ? r.icmpv4CodeMask : r.icmpv6CodeMask;
    if (ty !== undefined) out.type = vmOut(ty, tm, 0xff, 10);
    if (co !== undefined) out.code = vmOut(co, cm, 0xff, 10);
    if (r.keyFlagsMask) {
      const words: string[] = [];
      for (const [name, bit] of Object.entries(IP_FLAGS)) if (r.keyFlagsMask & bit) words.push(r.keyFlags! & bit ? name : `no${name}`);
      out.ipFlags = words.join('/');
    }
    const acts = findAttr(b, off, end, TCA_FLOWER_ACT);
    if (acts) out.actions = decodeActions(b, acts[0], acts[1], `${path}.actions`);
    return out;
  },
};

/** Writes one item through the table (a Buffer as the attribute's payload). */
function writeItem(w: Writer, it: Item, ctx: Parameters<FilterKind['encode']>[2]): void {
  if (it.key === 'actions') return writeActionList(w, TCA_FLOWER_ACT, it.v as CheckedAction[], ctx);
  const key = it.key as keyof FlowerAttrs & string;
  if (Buffer.isBuffer(it.v)) flowerAttrs.encodeBytes(w, key, it.v);
  else flowerAttrs.encodeOne(w, key, it.v);
}

/** Leading one bits of a mask, or -1 when it is not contiguous. */
function maskLen(m: Uint8Array): number {
  let n = 0;
  let i = 0;
  for (; i < m.length && m[i] === 0xff; i++) n += 8;
  if (i < m.length) {
    let x = m[i];
    while (x & 0x80) {
      n++;
      x = (x << 1) & 0xff;
    }
    if (x) return -1;
    for (i++; i < m.length; i++) if (m[i]) return -1;
  }
  return n;
}
function macOut(addr: string, mask: string | undefined): string {
  if (mask === undefined) return addr;
  const m = Buffer.from(mask.split(':').map((x) => parseInt(x, 16)));
  const n = maskLen(m);
  return n === 48 ? addr : n >= 0 ? `${addr}/${n}` : `${addr}/${formatMac(m)}`;
}
function ipOut(addr: string, mask: string | undefined): string {
  if (mask === undefined) return addr;
  const m = parsePrefix(mask, 'mask').bytes;
  const n = maskLen(m);
  return n === m.length * 8 ? addr : n >= 0 ? `${addr}/${n}` : `${addr}/${formatIp(m)}`;
}
function vmOut(v: number, m: number | undefined, full: number, base: 10 | 16): number | string {
  if (m === undefined || m === full) return v;
  return base === 16 ? `0x${v.toString(16)}/0x${m.toString(16)}` : `${v}/0x${m.toString(16)}`;
}

registerFilter('flower', flower);
