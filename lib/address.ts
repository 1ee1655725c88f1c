/**
 * Address operations (`ip address`). Filled in by its issue.
 * @module
 */
import type { Op } from './netlink.js';

/** The address operations, written once and run async or sync by a handle. */
export const addressOps: Record<string, (...args: any[]) => Op<any>> = {};
