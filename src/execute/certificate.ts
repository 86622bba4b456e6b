/**
 * Verification certificates (spec/run.md "Certificates"): `cto verify --certify` records that a file's
 * programs were verified; `cto run` refuses a program without a valid certificate. A certificate names
 * the source by its sha256, lists each program's verdict, the engine, cto's version and the date, and is
 * authenticated with HMAC-SHA256 under a per-user key (default ~/.config/cto/cert.key, mode 0600, made
 * on first use; env CTO_CERT_KEY_FILE overrides the path). It proves "this user's cto verified this
 * exact text", not more: anyone who can read the key can forge one.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** The certificate format's name. */
export const CERT_FORMAT = 'cto-certificate/1';

/** One program's verdict in a certificate. */
export interface CertifiedProgram {
  /** The program's name. */
  readonly name: string;
  /** Its verdict: only `verified` lets `cto run` proceed. */
  readonly verdict: 'verified' | 'violation' | 'bound';
}

/** A certificate, as written to `FILE.cert.json`. */
export interface Certificate {
  /** `cto-certificate/1`. */
  readonly format: typeof CERT_FORMAT;
  /** sha256 (hex) of the .cto source text. */
  readonly sourceSha256: string;
  /** The programs checked and their verdicts. */
  readonly programs: readonly CertifiedProgram[];
  /** The engine that decided them. */
  readonly engine: string;
  /** The version of cto that decided them. */
  readonly ctoVersion: string;
  /** When (ISO 8601). */
  readonly date: string;
  /** HMAC-SHA256 (hex) of the fields above under the user's certificate key. */
  readonly mac: string;
}

/** sha256 (hex) of a source text. */
export function sourceHash(source: string): string {
  return createHash('sha256').update(source, 'utf8').digest('hex');
}

/** The key file: `$CTO_CERT_KEY_FILE`, else ~/.config/cto/cert.key. */
export function certKeyPath(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env.CTO_CERT_KEY_FILE ?? join(homedir(), '.config', 'cto', 'cert.key');
}

/** Reads the key at `path`, creating a fresh random 256-bit key (folder 0700, file 0600) if there is none. */
export function loadOrCreateKey(path: string): Buffer {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
  }
  const hex = readFileSync(path, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`${path} is not a cto certificate key (64 hex digits)`);
  return Buffer.from(hex, 'hex');
}

/** The text the MAC covers: the fields in a fixed order. */
function signedText(c: Omit<Certificate, 'mac'>): string {
  return JSON.stringify([c.format, c.sourceSha256, c.programs.map((p) => [p.name, p.verdict]), c.engine, c.ctoVersion, c.date]);
}

function macOf(key: Buffer, c: Omit<Certificate, 'mac'>): string {
  return createHmac('sha256', key).update(signedText(c)).digest('hex');
}

/** A certificate for `source` with these verdicts, authenticated under `key`. */
export function makeCertificate(
  key: Buffer,
  fields: { readonly source: string; readonly programs: readonly CertifiedProgram[]; readonly engine: string; readonly ctoVersion: string; readonly date?: Date },
): Certificate {
  const body = {
    format: CERT_FORMAT,
    sourceSha256: sourceHash(fields.source),
    programs: fields.programs.map((p) => ({ name: p.name, verdict: p.verdict })),
    engine: fields.engine,
    ctoVersion: fields.ctoVersion,
    date: (fields.date ?? new Date()).toISOString(),
  } as const;
  return { ...body, mac: macOf(key, body) };
}

/** Why a certificate does not allow running a program, split on `status`; `ok` when it does. */
export type CertificateCheck =
  | { readonly status: 'ok'; readonly certificate: Certificate }
  /** No certificate file. */
  | { readonly status: 'missing' }
  /** Not a certificate, or its MAC does not match (edited, or made under another key). */
  | { readonly status: 'tampered'; readonly reason: string }
  /** Authentic but about something else: another source text, another cto version, or not this program. */
  | { readonly status: 'stale'; readonly reason: string }
  /** Authentic and current, but the program's verdict is not `verified`. */
  | { readonly status: 'notVerified'; readonly verdict: 'violation' | 'bound' };

/** Checks the certificate text `text` (undefined = no file) for running `program` of `source` with cto `ctoVersion`. */
export function checkCertificate(key: Buffer, text: string | undefined, source: string, program: string, ctoVersion: string): CertificateCheck {
  if (text === undefined) return { status: 'missing' };
  let c: Certificate;
  try {
    c = JSON.parse(text) as Certificate;
  } catch {
    return { status: 'tampered', reason: 'it is not valid JSON' };
  }
  const wellFormed =
    typeof c === 'object' && c !== null && c.format === CERT_FORMAT && typeof c.sourceSha256 === 'string' && Array.isArray(c.programs) &&
    c.programs.every((p) => typeof p?.name === 'string' && typeof p?.verdict === 'string') &&
    typeof c.engine === 'string' && typeof c.ctoVersion === 'string' && typeof c.date === 'string' && typeof c.mac === 'string';
  if (!wellFormed) return { status: 'tampered', reason: `it is not a ${CERT_FORMAT} certificate` };
  const expected = Buffer.from(macOf(key, c), 'hex');
  const given = Buffer.from(/^[0-9a-f]{64}$/.test(c.mac) ? c.mac : '', 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { status: 'tampered', reason: 'its MAC does not match its content (it was edited, or made with another certificate key)' };
  }
  if (c.sourceSha256 !== sourceHash(source)) return { status: 'stale', reason: 'the file has changed since it was verified' };
  if (c.ctoVersion !== ctoVersion) return { status: 'stale', reason: `it was made by cto ${c.ctoVersion}, this is cto ${ctoVersion}` };
  const p = c.programs.find((x) => x.name === program);
  if (!p) return { status: 'stale', reason: `it does not cover program ${program} (it covers ${c.programs.map((x) => x.name).join(', ') || 'none'})` };
  if (p.verdict !== 'verified') return { status: 'notVerified', verdict: p.verdict };
  return { status: 'ok', certificate: c };
}

/** The version of cto (from package.json), as certificates record it. */
export function ctoVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** Where a file's certificate goes by default: `FILE.cert.json` next to it. */
export function defaultCertPath(file: string): string {
  return `${file}.cert.json`;
}

/**
 * Writes the certificate of `source`'s verdicts to `out` (default `FILE.cert.json`) under the user's key
 * (`certKeyPath()`), as `cto verify --certify` does; returns the path written.
 */
export function certifyVerdicts(
  file: string,
  source: string,
  verdicts: readonly { readonly program: string; readonly status: CertifiedProgram['verdict'] }[],
  engine: string,
  out: string = defaultCertPath(file),
): string {
  const cert = makeCertificate(loadOrCreateKey(certKeyPath()), {
    source,
    programs: verdicts.map((v) => ({ name: v.program, verdict: v.status })),
    engine,
    ctoVersion: ctoVersion(),
  });
  writeFileSync(out, `${JSON.stringify(cert, null, 2)}\n`);
  return out;
}
