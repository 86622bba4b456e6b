/**
 * OpenSSH `known_hosts` files, read the way `ssh` reads them (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"):
 * comma-separated host patterns with `*`, `?` and `!` negation, `[host]:port` for ports other than 22,
 * hashed names (`|1|salt|hash`, HMAC-SHA1), and the `@revoked` marker (`@cert-authority` lines are
 * skipped: certificates are not supported). Pure functions over the file's text.
 */
import { createHash, createHmac } from 'node:crypto';

/** One usable line of a known_hosts file. */
export interface KnownHost {
  /** 1-based line number (for messages). */
  readonly line: number;
  /** `@revoked` lines name keys that must never be accepted. */
  readonly revoked: boolean;
  /** Whether the line names the host: plain patterns or a hashed name. */
  readonly matches: (hostString: string) => boolean;
  /** The key type, e.g. `ssh-ed25519`. */
  readonly keyType: string;
  /** The public key blob (base64-decoded). */
  readonly key: Buffer;
}

/** How `ssh` writes a host in known_hosts: `address` on port 22, `[address]:port` otherwise. */
export function hostString(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** Whether a comma-separated pattern list names `host` (a negated match excludes it whatever else matches). */
export function patternListMatches(list: string, host: string): boolean {
  let matched = false;
  for (const raw of list.split(',')) {
    const negated = raw.startsWith('!');
    const pat = negated ? raw.slice(1) : raw;
    if (pat === '' || !globToRegExp(pat).test(host)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

function hashedMatcher(field: string): ((h: string) => boolean) | undefined {
  const [, magic, salt, hash] = field.split('|');
  if (magic !== '1' || !salt || !hash) return undefined;
  const saltBytes = Buffer.from(salt, 'base64');
  return (h) => createHmac('sha1', saltBytes).update(h).digest('base64') === hash;
}

/** The usable lines of a known_hosts file (comments, blank, malformed and `@cert-authority` lines skipped). */
export function parseKnownHosts(text: string): KnownHost[] {
  const out: KnownHost[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) return;
    let revoked = false;
    if (fields[0].startsWith('@')) {
      if (fields[0] !== '@revoked') return;
      revoked = true;
      fields.shift();
    }
    const [hosts, keyType, b64] = fields;
    if (!hosts || !keyType || !b64) return;
    const matches = hosts.startsWith('|') ? hashedMatcher(hosts) : (h: string) => patternListMatches(hosts, h);
    if (!matches) return;
    out.push({ line: i + 1, revoked, matches, keyType, key: Buffer.from(b64, 'base64') });
  });
  return out;
}

/** What known_hosts says about a key a host presented, split on `status`. */
export type HostKeyCheck =
  /** The key is listed for the host. */
  | { readonly status: 'trusted'; readonly line: number }
  /** The host is not listed at all (or not with a key of this type). */
  | { readonly status: 'unknown' }
  /** The host is listed with another key of the same type: possibly someone in the middle. */
  | { readonly status: 'mismatch'; readonly lines: readonly number[] }
  /** The key is marked `@revoked`. */
  | { readonly status: 'revoked'; readonly line: number };

/** The key type written in a public key blob (its first SSH string). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return '';
  const n = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + n).toString('latin1');
}

/** OpenSSH's fingerprint of a public key blob: `SHA256:` and the unpadded base64 of its sha256. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** Checks the key `key` (blob) presented by `host` (as `hostString` writes it) against the lines of a known_hosts file. */
export function checkHostKey(known: readonly KnownHost[], host: string, key: Buffer): HostKeyCheck {
  const forHost = known.filter((k) => k.matches(host));
  const revoked = forHost.find((k) => k.revoked && k.key.equals(key));
  if (revoked) return { status: 'revoked', line: revoked.line };
  const hit = forHost.find((k) => !k.revoked && k.key.equals(key));
  if (hit) return { status: 'trusted', line: hit.line };
  const type = keyTypeOf(key);
  const sameType = forHost.filter((k) => !k.revoked && k.keyType === type);
  if (sameType.length > 0) return { status: 'mismatch', lines: sameType.map((k) => k.line) };
  return { status: 'unknown' };
}

/** The host key algorithms to offer for the key types known_hosts lists for `host` (empty: the library's defaults). */
export function hostKeyAlgorithms(known: readonly KnownHost[], host: string): string[] {
  const types = new Set(known.filter((k) => !k.revoked && k.matches(host)).map((k) => k.keyType));
  const algs: string[] = [];
  for (const t of types) {
    if (t === 'ssh-rsa') algs.push('rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa');
    else algs.push(t);
  }
  return algs;
}
