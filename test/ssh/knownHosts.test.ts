/** known_hosts reading: patterns, ports, hashed names, mismatches, revoked keys. */
import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkHostKey, fingerprint, hostString, parseKnownHosts, patternListMatches } from '../../src/ssh/knownHosts.js';

/** A fake but well-formed key blob of type `type`. */
function blob(type: string, body: string): Buffer {
  const t = Buffer.from(type);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(t.length);
  return Buffer.concat([len, t, Buffer.from(body)]);
}
const K1 = blob('ssh-ed25519', 'key-one');
const K2 = blob('ssh-ed25519', 'key-two');
const R = blob('ssh-rsa', 'rsa-key');
const b64 = (b: Buffer) => b.toString('base64');

describe('known_hosts', () => {
  it('writes non-22 ports in brackets', () => {
    expect(hostString('10.0.0.1', 22)).toBe('10.0.0.1');
    expect(hostString('10.0.0.1', 2222)).toBe('[10.0.0.1]:2222');
  });

  it('matches pattern lists with *, ? and ! negation', () => {
    expect(patternListMatches('web*,db1', 'web7')).toBe(true);
    expect(patternListMatches('web?', 'web12')).toBe(false);
    expect(patternListMatches('*,!secret', 'secret')).toBe(false);
    expect(patternListMatches('[10.0.0.1]:2222', '[10.0.0.1]:2222')).toBe(true);
    expect(patternListMatches('10.0.0.1', '[10.0.0.1]:2222')).toBe(false);
  });

  it('trusts a listed key, calls an absent host unknown, and another key of the same type a mismatch', () => {
    const known = parseKnownHosts(`# comment\n\n[h]:2222 ssh-ed25519 ${b64(K1)}\nother ssh-ed25519 ${b64(K2)}\n`);
    expect(checkHostKey(known, '[h]:2222', K1)).toEqual({ status: 'trusted', line: 3 });
    expect(checkHostKey(known, '[h]:2222', K2)).toEqual({ status: 'mismatch', lines: [3] });
    expect(checkHostKey(known, 'h', K1)).toEqual({ status: 'unknown' }); // port 22 is another entry
    expect(checkHostKey(known, '[h]:2222', R)).toEqual({ status: 'unknown' }); // no rsa key listed
  });

  it('reads hashed host names (HashKnownHosts)', () => {
    const salt = randomBytes(20);
    const hash = createHmac('sha1', salt).update('[h]:2222').digest('base64');
    const known = parseKnownHosts(`|1|${salt.toString('base64')}|${hash} ssh-ed25519 ${b64(K1)}\n`);
    expect(checkHostKey(known, '[h]:2222', K1).status).toBe('trusted');
    expect(checkHostKey(known, '[h]:2223', K1).status).toBe('unknown');
  });

  it('refuses a key marked @revoked even when it is also listed', () => {
    const known = parseKnownHosts(`h ssh-ed25519 ${b64(K1)}\n@revoked * ssh-ed25519 ${b64(K1)}\n@cert-authority * ssh-ed25519 ${b64(K2)}\n`);
    expect(checkHostKey(known, 'h', K1)).toEqual({ status: 'revoked', line: 2 });
    expect(known).toHaveLength(2);
  });

  it('prints fingerprints as OpenSSH does', () => {
    expect(fingerprint(K1)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});
