/**
 * Route operations (`ip route`). Filled in by its issue.
 * @module
 */
import type { Op } from './netlink.js';

/** The route operations, written once and run async or sync by a handle. */
export const routeOps: Record<string, (...args: any[]) => Op<any>> = {};
