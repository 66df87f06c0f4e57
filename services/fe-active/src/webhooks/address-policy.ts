import type { LookupAddress, LookupAllOptions, LookupOneOptions } from 'node:dns'
import { lookup } from 'node:dns/promises'
import { BlockList, isIP } from 'node:net'

/**
 * Addresses a webhook must not reach unless the operator allows private networks: an integrator registering
 * `http://169.254.169.254/…` or `http://10.0.0.5:6379/` would otherwise make the platform call the cloud's metadata
 * service or internal systems from inside (SSRF). Special-purpose ranges of the IANA registries (RFC 6890 and
 * successors): this host, private, shared (CGNAT), loopback, link-local, documentation, benchmarking,
 * multicast and reserved; for IPv6 also IPv4-compatible, unique-local, site-local, IPv4-translated, local-use NAT64,
 * 6to4, Teredo, documentation and discard-only.
 */
const nonPublic = new BlockList()
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  nonPublic.addSubnet(network, prefix, 'ipv4')
}
for (const [network, prefix] of [
  ['::', 96],
  ['::1', 128],
  ['::ffff:0:0:0', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['3fff::', 20],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  nonPublic.addSubnet(network, prefix, 'ipv6')
}

/**
 * The IPv4 address inside an IPv4-mapped (::ffff:0:0/96) or NAT64 (64:ff9b::/96) IPv6 address: such an address is
 * as public as the IPv4 one it carries. (These prefixes cannot be BlockList rules: BlockList compares IPv4
 * addresses with IPv6 rules in their mapped form, so a rule on ::ffff:0:0/96 would match every IPv4 address.)
 */
function embeddedIpv4(address: string): string | undefined {
  const normalized = new URL(`http://[${address}]/`).hostname.slice(1, -1)
  const prefix = ['::ffff:', '64:ff9b::'].find((candidate) => normalized.startsWith(candidate))
  if (prefix === undefined) return undefined
  const groups = normalized.slice(prefix.length).split(':')
  if (groups.length > 2) return undefined
  const [high, low] = groups.length === 2 ? groups : ['0', groups[0]]
  // An empty group is a zero one (`64:ff9b::` itself).
  const value = Number.parseInt(high || '0', 16) * 65536 + Number.parseInt(low || '0', 16)
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.')
}

/** Whether an IP address (v4 or v6, without brackets) is outside the public internet. */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address)
  if (family === 0) throw new TypeError(`not an IP address: ${address}`)
  if (family === 4) return nonPublic.check(address, 'ipv4')
  const ipv4 = embeddedIpv4(address)
  // Fail closed: BlockList answers false for what it cannot parse.
  if (ipv4 !== undefined) return isIP(ipv4) !== 4 || nonPublic.check(ipv4, 'ipv4')
  return nonPublic.check(address, 'ipv6')
}

/** The host of a URL as an IP address when it is one (`new URL` has already normalised 0x7f.1 and the like). */
function literalAddress(url: URL): string | undefined {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname
  return isIP(host) === 0 ? undefined : host
}

/**
 * Why a webhook URL may not be registered or called with private networks refused, or null when it may. Names
 * are checked again, on their resolved addresses, at every call (`publicOnlyLookup`): a name can be pointed at an
 * internal address after registration.
 */
export function nonPublicUrlReason(url: URL): string | null {
  const address = literalAddress(url)
  if (address !== undefined) {
    return isNonPublicAddress(address) ? `${address} is not a public internet address` : null
  }
  const host = url.hostname.toLowerCase().replace(/\.$/, '')
  if (host === 'localhost' || host.endsWith('.localhost')) return `${url.hostname} names this machine`
  return null
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void

/** Every address of a name: `dns.lookup` with `all: true` (a test passes a resolver of its own). */
export type ResolveAll = (hostname: string, options: LookupOneOptions | LookupAllOptions) => Promise<LookupAddress[]>

const systemResolveAll: ResolveAll = (hostname, options) => lookup(hostname, { ...options, all: true })

/**
 * A `dns.lookup` for outgoing connections that drops non-public addresses and fails when none is left, so that
 * the connection is made to an address that was checked (no second resolution an attacker's DNS could answer
 * differently).
 */
export function publicOnlyLookup(resolveAll: ResolveAll = systemResolveAll) {
  return (hostname: string, options: LookupOneOptions | LookupAllOptions, callback: LookupCallback): void => {
    resolveAll(hostname, options).then(
      (addresses) => {
        const allowed = addresses.filter((entry) => !isNonPublicAddress(entry.address))
        if (allowed.length === 0) {
          const refused = new Error(
            `${hostname} resolves only to non-public addresses (${addresses.map((entry) => entry.address).join(', ')})`,
          ) as NodeJS.ErrnoException
          refused.code = 'WEBHOOK_ADDRESS_NOT_PUBLIC'
          return callback(refused, [])
        }
        if (options.all) return callback(null, allowed)
        const [first] = allowed as [LookupAddress]
        return callback(null, first.address, first.family)
      },
      (error: NodeJS.ErrnoException) => callback(error, []),
    )
  }
}
