import { createHash } from 'node:crypto';

/** A stable, platform-independent hash of a string: the same input gives the same number forever. */
export function stableHash(input: string): number {
  return createHash('sha256').update(input).digest().readUInt32BE(0);
}

/** A short hex digest for names and change detection. */
export function shortDigest(input: string, length = 12): string {
  return createHash('sha256').update(input).digest('hex').slice(0, length);
}
