import { describe, expect, it } from 'vitest';
import { isPrivateAddress, refuseUnsafeUrl } from '../src/index.js';

describe('SSRF guard', () => {
  it('classifies loopback, private, link-local and mapped addresses as private', () => {
    for (const a of [
      '127.0.0.1',
      '10.0.0.1',
      '172.16.5.4',
      '192.168.1.1',
      '169.254.169.254',
      '0.0.0.0',
      '::1',
      'fe80::1',
      'fd00::1',
      '::ffff:10.0.0.1',
    ]) {
      expect(isPrivateAddress(a), a).toBe(true);
    }
    for (const a of ['8.8.8.8', '203.113.1.1', '2001:4860:4860::8888']) expect(isPrivateAddress(a), a).toBe(false);
  });

  it('refuses metadata and private targets unless the source allows private networks', async () => {
    expect(await refuseUnsafeUrl('http://169.254.169.254/latest/meta-data/', false)).toMatch(
      /private address 169\.254\.169\.254/,
    );
    expect(await refuseUnsafeUrl('http://10.0.0.1/', false)).toMatch(/private address 10\.0\.0\.1/);
    expect(await refuseUnsafeUrl('http://localhost:3000/', false)).toMatch(/private address/);
    expect(await refuseUnsafeUrl('file:///etc/passwd', true)).toMatch(/only http and https/);
    expect(await refuseUnsafeUrl('http://127.0.0.1:8080/', true)).toBeNull();
  });
});
