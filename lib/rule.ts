/**
 * Rule operations (`ip rule`). Filled in by its issue.
 * @module
 */
import type { Op } from './netlink.js';

/** The rule operations, written once and run async or sync by a handle. */
export const ruleOps: Record<string, (...args: any[]) => Op<any>> = {};
