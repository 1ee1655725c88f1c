export function parseTrace(text: string): Buffer[];
export function straceArgs(out: string): string[];
export const LOOKUPS: Set<number>;
export function masked(msg: Buffer): Buffer;
