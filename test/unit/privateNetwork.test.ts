import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { hostsLookup } from './helpers/servers';
import { BLOCKED_ADDRESS_CODE, checkedLookup, isPrivateAddress, isPrivateHost } from '../../src/core/http/privateNetwork';

describe('isPrivateAddress', () => {
  const cases: Array<[string, boolean]> = [
    ['10.0.0.1', true],
    ['10.255.255.255', true],
    ['172.16.0.1', true],
    ['172.31.255.254', true],
    ['192.168.1.1', true],
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['100.127.255.254', true],
    ['0.0.0.0', true],
    ['255.255.255.255', true],
    ['224.0.0.1', true],
    ['::1', true],
    ['::', true],
    ['fe80::1', true],
    ['fe80::1%eth0', true],
    ['fc00::1', true],
    ['fd12:3456::1', true],
    ['::ffff:10.0.0.1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['::127.0.0.1', true],
    ['[::1]', true],
    ['8.8.8.8', false],
    ['1.1.1.1', false],
    ['172.32.0.1', false],
    ['100.128.0.1', false],
    ['2606:4700::1', false],
    ['::ffff:8.8.8.8', false],
    ['not-an-address', false],
  ];
  for (const [address, expected] of cases) {
    test(`${address} is ${expected ? 'private' : 'public'}`, () => {
      assert.equal(isPrivateAddress(address), expected);
    });
  }
});

describe('isPrivateHost', () => {
  const cases: Array<[string, boolean]> = [
    ['localhost', true],
    ['LOCALHOST.', true],
    ['api.localhost', true],
    ['127.0.0.1', true],
    ['[::ffff:7f00:1]', true],
    ['[::1]', true],
    ['example.com', false],
    ['localhost.example.com', false],
    ['8.8.8.8', false],
  ];
  for (const [host, expected] of cases) {
    test(`${host} is ${expected ? 'known private' : 'not known private'} without DNS`, () => {
      assert.equal(isPrivateHost(host), expected);
    });
  }
});

describe('checkedLookup', () => {
  test('refuses a name that resolves to loopback, in both callback shapes', { timeout: 5_000 }, async () => {
    for (const all of [true, false]) {
      const err = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
        checkedLookup(hostsLookup({ localhost: ['127.0.0.1', '::1'] }))('localhost', { all }, (e) => resolve(e));
      });
      assert.equal(err?.code, BLOCKED_ADDRESS_CODE);
      assert.ok(isPrivateAddress(String((err as unknown as { address: string }).address)));
    }
  });

  test('passes DNS failures through unchanged', { timeout: 5_000 }, async () => {
    const err = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
      checkedLookup(hostsLookup())('no-such-host.invalid', { all: true }, (e) => resolve(e));
    });
    assert.equal(err?.code, 'ENOTFOUND');
  });

  test('hands back the checked addresses when none is private', { timeout: 5_000 }, async () => {
    // A numeric name resolves to itself without DNS, so this stays offline.
    const result = await new Promise<{ err: unknown; addresses: string | LookupAddress[] }>((resolve) => {
      checkedLookup()('8.8.8.8', { all: true }, (err, addresses) => resolve({ err, addresses }));
    });
    assert.equal(result.err, null);
    assert.deepEqual(result.addresses, [{ address: '8.8.8.8', family: 4 }]);
  });
});
