/**
 * Loads the tc kinds kept in modules of their own (each registers itself
 * into the qdisc, filter or action registry): `tc qdisc … netem`, tbf, prio,
 * sfq, red, codel, fq_codel, fq, cake…, `tc filter … flower|bpf`, and
 * `action skbedit|police|vlan|pedit`.
 * @module
 */
import './tc-netem.js';
import './tc-sched.js';
import './tc-actions-more.js';
import './tc-flower.js';
import './tc-bpf.js';
