/**
 * Neigh operations (`ip neigh`). Filled in by its issue.
 * @module
 */
import type { Op } from './netlink.js';

/** The neigh operations, written once and run async or sync by a handle. */
export const neighOps: Record<string, (...args: any[]) => Op<any>> = {};
