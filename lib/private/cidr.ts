import { Token } from 'aws-cdk-lib';
import type { Problems } from './errors';

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

/**
 * The network block of a valid CIDR (its address with the host bits cleared), such as
 * '10.0.0.0/16' for '10.0.0.5/16'; the value itself when it is already one, or a token.
 * CloudFormation's security group rules take network blocks only (cfn-lint E3002, format
 * ipv4-network and ipv6-network), and aws-cdk-lib moves a VPC's block with host bits to another
 * block rather than refusing it.
 */
export function networkBlock(value: string): string {
  if (Token.isUnresolved(value)) return value;
  const [address, length] = value.split('/');
  const prefix = Number(length);
  if (!value.includes(':')) {
    const n = address.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
    const size = 2 ** (32 - prefix);
    const network = n - (n % size);
    return `${[24, 16, 8, 0].map((s) => Math.floor(network / 2 ** s) % 256).join('.')}/${prefix}`;
  }
  const halves = address.split('::');
  const head = halves[0] === '' ? [] : halves[0].split(':');
  const tail = halves.length === 2 && halves[1] !== '' ? halves[1].split(':') : [];
  const groups = halves.length === 2 ? [...head, ...Array(8 - head.length - tail.length).fill('0'), ...tail] : head;
  let bits = groups.map((g) => BigInt(`0x${g}`)).reduce((acc, g) => (acc << 16n) + g, 0n);
  bits = (bits >> BigInt(128 - prefix)) << BigInt(128 - prefix);
  const out = Array.from({ length: 8 }, (_, i) => ((bits >> BigInt(16 * (7 - i))) & 0xffffn).toString(16));
  return `${compressIpv6(out)}/${prefix}`;
}

/** Groups of an IPv6 address, the longest run of two or more zero groups written '::'. */
function compressIpv6(groups: string[]): string {
  let best = { start: -1, length: 0 };
  for (let i = 0; i < groups.length;) {
    if (groups[i] !== '0') { i++; continue; }
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j;
  }
  if (best.length < 2) return groups.join(':');
  return `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.length).join(':')}`;
}

/** Whether a valid CIDR has host bits set (is not its own network block). */
export function hasHostBits(value: string): boolean {
  if (Token.isUnresolved(value)) return false;
  return networkBlock(value) !== normalise(value);
}

/** An IPv4 CIDR as it is, an IPv6 one in the compressed lower-case form networkBlock writes. */
function normalise(value: string): string {
  if (!value.includes(':')) return value.replace(/(^|\.)0+(\d)/g, '$1$2');
  const [address, prefix] = value.split('/');
  return `${networkBlock(`${address}/128`).split('/')[0]}/${prefix}`;
}

/**
 * Records a problem when a valid CIDR of a security group rule has host bits set (a rule takes
 * network blocks only), naming its network block, or the one address.
 */
export function checkRuleBlock(p: Problems, prop: string, cidr: string): void {
  if (!hasHostBits(cidr)) return;
  const address = cidr.split('/')[0];
  p.add(prop, cidr, 'a network block, whose address has no bits set past its prefix (a security group rule takes no other)',
    `write the block '${networkBlock(cidr)}', or '${address}/${cidr.includes(':') ? 128 : 32}' for that one address`);
}

/**
 * A block of an inbound rule of a load balancer that has IPv4 addresses only (`balancers` names
 * the load balancers in the message): an IPv6 block is refused, since it would open the security
 * group to clients that cannot reach the load balancer at all; another value that is no IPv4
 * block is refused as `invalid` says; an IPv4 block as {@link checkRuleBlock} says. Tokens pass.
 */
export function checkIpv4RuleBlock(p: Problems, prop: string, cidr: string, balancers: string,
  invalid: { readonly allowed: string; readonly fix: string }): void {
  if (Token.isUnresolved(cidr)) return;
  if (typeof cidr === 'string' && cidr.includes(':')) {
    p.add(prop, cidr, `an IPv4 CIDR block: ${balancers} have IPv4 addresses only, so no IPv6 client can connect`,
      'remove the IPv6 block, and list the IPv4 blocks of those clients instead');
  } else if (typeof cidr !== 'string' || !isIpv4Cidr(cidr)) {
    p.add(prop, cidr, invalid.allowed, invalid.fix);
  } else {
    checkRuleBlock(p, prop, cidr);
  }
}
