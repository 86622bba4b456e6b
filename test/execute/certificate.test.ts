/** Certificates: made and checked; refused when missing, tampered, stale, for another program, or not verified. */
import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCertificate, loadOrCreateKey, makeCertificate } from '../../src/execute/certificate.js';
import { tempDir } from './helpers.js';

const SRC = 'component A { places a, b initial a behavior go { t: a -> b } }\nprogram p { add(x: A) pushB(x, go) }\n';

describe('certificates', () => {
  const dir = tempDir('cto-cert-');
  const keyPath = join(dir, 'sub', 'cert.key');
  const key = loadOrCreateKey(keyPath);
  const cert = makeCertificate(key, { source: SRC, programs: [{ name: 'p', verdict: 'verified' }, { name: 'q', verdict: 'violation' }], engine: 'reference', ctoVersion: '0.1.0' });
  const text = JSON.stringify(cert);

  it('creates the key once, private to the user, and reuses it', () => {
    expect(statSync(keyPath).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'sub')).mode & 0o777).toBe(0o700);
    expect(loadOrCreateKey(keyPath).equals(key)).toBe(true);
    expect(readFileSync(keyPath, 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
  });

  it('accepts an authentic, current certificate of a verified program', () => {
    expect(checkCertificate(key, text, SRC, 'p', '0.1.0').status).toBe('ok');
  });

  it('refuses a missing, edited, or foreign-key certificate', () => {
    expect(checkCertificate(key, undefined, SRC, 'p', '0.1.0').status).toBe('missing');
    const edited = JSON.stringify({ ...cert, programs: [{ name: 'p', verdict: 'verified' }, { name: 'q', verdict: 'verified' }] });
    expect(checkCertificate(key, edited, SRC, 'q', '0.1.0')).toMatchObject({ status: 'tampered' });
    const otherKey = loadOrCreateKey(join(dir, 'other.key'));
    expect(checkCertificate(otherKey, text, SRC, 'p', '0.1.0')).toMatchObject({ status: 'tampered' });
    expect(checkCertificate(key, '{not json', SRC, 'p', '0.1.0')).toMatchObject({ status: 'tampered' });
    expect(checkCertificate(key, '{"format":"x"}', SRC, 'p', '0.1.0')).toMatchObject({ status: 'tampered' });
  });

  it('refuses a stale certificate: changed source, other cto version, program not covered', () => {
    expect(checkCertificate(key, text, `${SRC} `, 'p', '0.1.0')).toMatchObject({ status: 'stale', reason: 'the file has changed since it was verified' });
    expect(checkCertificate(key, text, SRC, 'p', '0.2.0')).toMatchObject({ status: 'stale' });
    expect(checkCertificate(key, text, SRC, 'r', '0.1.0')).toMatchObject({ status: 'stale' });
  });

  it('refuses a program whose recorded verdict is not verified', () => {
    expect(checkCertificate(key, text, SRC, 'q', '0.1.0')).toEqual({ status: 'notVerified', verdict: 'violation' });
  });
});
