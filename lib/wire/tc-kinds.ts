/**
 * Loads the further tc filter and action kinds (each registers itself into
 * the filter or action registry): `tc … flower`, `tc … bpf`, and
 * `action skbedit|police|vlan|pedit`.
 * @module
 */
import './tc-actions-more.js';
import './tc-flower.js';
import './tc-bpf.js';
