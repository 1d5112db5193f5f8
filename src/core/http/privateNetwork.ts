import { lookup as dnsLookup } from 'node:dns';
import type { LookupAddress, LookupAllOptions, LookupOneOptions } from 'node:dns';
import ipaddr from 'ipaddr.js';

/** The `code` of the error raised when the private network policy refuses an address. */
export const BLOCKED_ADDRESS_CODE = 'ERR_PRIVATE_ADDRESS_BLOCKED';

/** An error refusing a connection to a private address; carries the host and the address that was refused. */
export interface BlockedAddressError extends Error {
  readonly code: typeof BLOCKED_ADDRESS_CODE;
  readonly hostname: string;
  readonly address: string;
}

/** Makes the error that refuses `hostname` because it is or resolves to `address`. */
export function blockedAddressError(hostname: string, address: string): BlockedAddressError {
  return Object.assign(new Error(`${hostname} is the private address ${address}`), {
    code: BLOCKED_ADDRESS_CODE,
    hostname,
    address,
  } as const);
}

function stripBrackets(text: string): string {
  return text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
}

/**
 * True when `address` (an IPv4 or IPv6 literal, brackets allowed) is anything but a public unicast address:
 * loopback, private, link-local, CGNAT, unique-local, multicast, unspecified, reserved, and the IPv4-mapped
 * forms of those. Text that is not an IP address is not a private address.
 */
export function isPrivateAddress(address: string): boolean {
  const text = stripBrackets(address.trim());
  if (!ipaddr.isValid(text)) return false;
  const parsed = ipaddr.process(text);
  if (parsed.kind() === 'ipv6') {
    // ::/96 holds the deprecated IPv4-compatible forms (::127.0.0.1); never a public destination.
    const parts = (parsed as ipaddr.IPv6).parts;
    if (parts.slice(0, 6).every((part) => part === 0)) return true;
  }
  return parsed.range() !== 'unicast';
}

/**
 * True when `hostname` is known to be private without asking DNS: a private IP literal, `localhost`
 * or a name under `.localhost`.
 */
export function isPrivateHost(hostname: string): boolean {
  const name = stripBrackets(hostname.trim()).toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  return isPrivateAddress(name);
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `dns.lookup`-compatible function: how names are resolved (the system resolver unless a test gives one). */
export type LookupFunction = (
  hostname: string,
  options: LookupAllOptions,
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/**
 * A `lookup` for sockets that resolves every address of a name and refuses the name when any of them is
 * private. The socket then connects to an address that was checked, so a second resolution cannot swap it.
 */
export function checkedLookup(lookup: LookupFunction = dnsLookup) {
  return (hostname: string, options: LookupOneOptions | LookupAllOptions, callback: LookupCallback): void => {
    lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) {
        callback(err, []);
        return;
      }
      const refused = addresses.find((a) => isPrivateAddress(a.address));
      if (refused) {
        callback(blockedAddressError(hostname, refused.address), []);
        return;
      }
      if (options.all === true) {
        callback(null, addresses);
        return;
      }
      const first = addresses[0];
      if (!first) {
        callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
        return;
      }
      callback(null, first.address, first.family);
    });
  };
}

/** A plain socket `lookup` over a LookupFunction (first address), for the non-blocking connectors. */
export function plainLookup(lookup: LookupFunction) {
  return (hostname: string, options: LookupOneOptions | LookupAllOptions, callback: LookupCallback): void => {
    lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      if (options.all === true) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };
}

/** Resolves `hostname` (unless it is an IP literal) and returns the first private address it has, if any. */
export async function findPrivateAddress(hostname: string, lookup: LookupFunction = dnsLookup): Promise<string | undefined> {
  const name = stripBrackets(hostname);
  if (isPrivateHost(name)) return name;
  if (ipaddr.isValid(name)) return undefined;
  const addresses = await new Promise<LookupAddress[]>((resolve, reject) => {
    lookup(name, { all: true }, (err, found) => (err ? reject(err) : resolve(found)));
  });
  return addresses.find((a) => isPrivateAddress(a.address))?.address;
}
