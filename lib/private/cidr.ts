import { Token } from 'aws-cdk-lib';

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const IPV6_CIDR = /^[0-9a-fA-F:]+\/(\d{1,3})$/;

/** An IPv4 CIDR with octets <= 255 and a prefix of at most 32; tokens pass. */
export function isIpv4Cidr(value: string): boolean {
  if (Token.isUnresolved(value)) return true;
  const m = IPV4_CIDR.exec(value);
  if (!m) return false;
  const octets = m.slice(1, 5).map(Number);
  return octets.every((o) => o <= 255) && Number(m[5]) <= 32;
}

/** An IPv6 CIDR (at most one '::', up to 8 groups) with a prefix of at most 128; tokens pass. */
export function isIpv6Cidr(value: string): boolean {
  if (Token.isUnresolved(value)) return true;
  const m = IPV6_CIDR.exec(value);
  if (!m || Number(m[1]) > 128) return false;
  const address = value.split('/')[0];
  // At most one '::'; on each side of it, groups of 1 to 4 hex digits separated by single
  // colons (so ':::', a leading or trailing single colon and empty groups are rejected).
  const halves = address.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((half) => (half === '' ? [] : half.split(':')));
  if (groups.some((g) => g.length < 1 || g.length > 4)) return false;
  return halves.length === 2 ? groups.length < 8 : groups.length === 8;
}

export function isCidr(value: string): boolean {
  return value.includes(':') ? isIpv6Cidr(value) : isIpv4Cidr(value);
}
