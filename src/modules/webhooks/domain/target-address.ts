import { BlockList, isIP } from 'node:net';

/**
 * Where outbound webhooks may connect when private targets are not allowed (SSRF guard): never to this
 * host, its private networks, cloud metadata (169.254.169.254) or reserved ranges.
 */
const REFUSED_IPV4: [string, number][] = [
  ['0.0.0.0', 8], // "this network"; 0.0.0.0 reaches the local host on Linux
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // TEST-NET-1
  ['192.88.99.0', 24], // 6to4 relay anycast (deprecated)
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // TEST-NET-2
  ['203.0.113.0', 24], // TEST-NET-3
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];

const REFUSED_IPV6: [string, number][] = [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['::', 96], // IPv4-compatible (deprecated): would embed any IPv4 address
  ['::ffff:0:0:0', 96], // IPv4-translated (SIIT, RFC 2765; "::ffff:0:0/96" in the review): ::ffff:0:7f00:1 is 127.0.0.1
  ['64:ff9b::', 96], // NAT64: would embed any IPv4 address
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard-only
  ['2001::', 23], // IETF protocol assignments (Teredo, benchmarking, ORCHID)
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: would embed any IPv4 address
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, still routed as private by some stacks)
  ['ff00::', 8], // multicast
];

const REFUSED = new BlockList();
for (const [net, prefix] of REFUSED_IPV4) REFUSED.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of REFUSED_IPV6) REFUSED.addSubnet(net, prefix, 'ipv6');

/**
 * True when `ip` is an IP address outside every refused range. Anything that is not an IP address is not
 * public. IPv4-mapped IPv6 (::ffff:127.0.0.1, ::ffff:7f00:1) is classified by its IPv4 address: BlockList
 * checks those against the IPv4 rules (pinned by the spec).
 */
export function isPublicAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 0) return false;
  return !REFUSED.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

/** A URL's hostname without IPv6 brackets and a trailing dot (`localhost.` and `localhost` are the same name). */
function bareHost(hostname: string): string {
  const h = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return h.endsWith('.') ? h.slice(0, -1).toLowerCase() : h.toLowerCase();
}

/**
 * Whether a URL's hostname (`new URL(u).hostname`, bracketed for IPv6) is refused as a webhook target
 * without resolving it: an IP literal in a refused range, or `localhost` / `*.localhost` (RFC 6761: always
 * loopback). Other names are checked when they are resolved, at delivery.
 */
export function isRefusedHost(hostname: string): boolean {
  const host = bareHost(hostname);
  if (isIP(host)) return !isPublicAddress(host);
  return host === 'localhost' || host.endsWith('.localhost');
}
