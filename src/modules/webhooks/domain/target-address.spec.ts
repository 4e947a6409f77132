import { isPublicAddress, isRefusedHost } from './target-address';

describe('isPublicAddress', () => {
  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.215.14',
    '100.63.255.255', // just below 100.64/10
    '100.128.0.0', // just above
    '172.15.255.255', // just below 172.16/12
    '172.32.0.0', // just above
    '192.0.1.1',
    '198.20.0.1', // just above 198.18/15
    '223.255.255.255', // just below 224/4
    '2606:4700:4700::1111',
    '2001:4860:4860::8888',
    '2a00:1450:4001:80b::200e',
    '::ffff:8.8.8.8', // IPv4-mapped, public IPv4
    '::ffff:808:808', // the same in hex
  ])('%s is public', (ip) => {
    expect(isPublicAddress(ip)).toBe(true);
  });

  it.each([
    '0.0.0.0',
    '0.1.2.3',
    '10.0.0.1',
    '10.255.255.255',
    '100.64.0.1',
    '100.127.255.255',
    '127.0.0.1',
    '127.255.255.254',
    '169.254.169.254',
    '172.16.0.1',
    '172.31.255.255',
    '192.0.0.8',
    '192.0.2.1',
    '192.168.1.1',
    '198.18.0.1',
    '198.19.255.255',
    '198.51.100.7',
    '203.0.113.9',
    '224.0.0.1',
    '239.255.255.250',
    '240.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    'fd00::1',
    'fc00::1',
    'fe80::1',
    'fec0::1', // site-local (deprecated)
    '::ffff:0:7f00:1', // IPv4-translated 127.0.0.1 (::ffff:0:0/96)
    '::ffff:0:a9fe:a9fe', // IPv4-translated 169.254.169.254
    'febf::1',
    'ff02::1',
    '2001:db8::1',
    '64:ff9b::7f00:1',
    '::ffff:127.0.0.1', // IPv4-mapped: classified by its IPv4 address
    '::ffff:7f00:1', // the same in hex
    '::ffff:169.254.169.254',
    '::ffff:a00:1', // 10.0.0.1
    '::127.0.0.1', // IPv4-compatible (deprecated)
  ])('%s is refused', (ip) => {
    expect(isPublicAddress(ip)).toBe(false);
  });

  it.each(['', 'localhost', 'example.com', '127.0.0.1:80', '[::1]', '999.1.1.1'])('%j is not an address, so not public', (s) => {
    expect(isPublicAddress(s)).toBe(false);
  });
});

describe('isRefusedHost (a URL hostname, before any DNS)', () => {
  const host = (url: string) => new URL(url).hostname;

  it.each([
    'http://127.0.0.1:8080/x',
    'http://127.1/x', // shorthand, normalised by URL to 127.0.0.1
    'http://2130706433/x', // integer form
    'http://0x7f.0.0.1/x',
    'http://0/x',
    'http://[::1]:8080/x',
    'http://[::]/x',
    'http://[::ffff:127.0.0.1]/x',
    'http://[fd00::1]/x',
    'http://169.254.169.254/latest',
    'http://10.1.2.3/x',
    'http://localhost:3000/x',
    'http://LOCALHOST/x',
    'http://localhost./x',
    'http://api.localhost/x',
    'http://127.0.0.1./x',
  ])('%s is refused', (url) => {
    expect(isRefusedHost(host(url))).toBe(true);
  });

  it.each([
    'https://example.com/hooks',
    'https://8.8.8.8/x',
    'https://[2606:4700:4700::1111]/x',
    'http://localhost.example.com/x', // a name like any other: checked when resolved
    'http://mylocalhost/x',
  ])('%s is not refused before resolving', (url) => {
    expect(isRefusedHost(host(url))).toBe(false);
  });
});
