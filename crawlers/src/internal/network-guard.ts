import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::1', 128],
  ['::', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv6');
}

/** True when the address is loopback, private, link-local or otherwise not public. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return PRIVATE.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return PRIVATE.check(mapped[1]!, 'ipv4');
    return PRIVATE.check(address, 'ipv6');
  }
  return true;
}

export type PrivateNetworkPolicy = boolean | 'loopback';

/** True when the policy lets a crawl reach this (private) address. */
export function privateAllowed(address: string, policy: PrivateNetworkPolicy): boolean {
  if (policy === true) return true;
  if (policy === 'loopback') return /^127\./.test(address) || address === '::1' || /^::ffff:127\./i.test(address);
  return false;
}

/**
 * Refuses URLs whose host resolves to a non-public address (SSRF guard), unless the source
 * explicitly allows private networks. Returns the reason when refused, else null.
 */
export async function refuseUnsafeUrl(raw: string, allowPrivateNetwork: PrivateNetworkPolicy): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `not a URL: ${raw}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return `only http and https are crawled, not ${url.protocol}`;
  if (allowPrivateNetwork === true) return null;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
  if (addresses.length === 0) return `cannot resolve ${host}`;
  const bad = addresses.find((a) => isPrivateAddress(a) && !privateAllowed(a, allowPrivateNetwork));
  return bad
    ? `${host} resolves to private address ${bad}; refused (set allowPrivateNetwork on the source to allow)`
    : null;
}
