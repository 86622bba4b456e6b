/**
 * The inventory `cto run` is given: which host each instance runs on, how to reach the hosts, and the
 * variables `${v}` of `run` and provide strings (spec/run.md "Inventory"). A JSON file; `parseInventory`
 * checks every field and says, for each problem, which key and what is expected. Never throws for bad input.
 */
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/** A host reached over SSH (OpenSSH-compatible server, public-key authentication). */
export interface SshHostSpec {
  /** `ssh`. */
  readonly kind: 'ssh';
  /** The host's name in the inventory. */
  readonly name: string;
  /** Address or DNS name to connect to; also the value of `${host}`. */
  readonly address: string;
  /** TCP port (default 22). */
  readonly port: number;
  /** Login user. */
  readonly user: string;
  /** Absolute path of the private key file (relative paths are read from the inventory's folder, `~` is the home). */
  readonly identityFile: string;
  /** Name of an environment variable holding the key's passphrase, if the key has one. */
  readonly passphraseEnv?: string;
  /** Connection timeout in milliseconds (default 10 000). */
  readonly connectTimeoutMs: number;
}

/** The machine `cto run` runs on: commands run with `/bin/sh -c`. */
export interface LocalHostSpec {
  /** `local`. */
  readonly kind: 'local';
  /** The host's name in the inventory. */
  readonly name: string;
  /** The value of `${host}` (default `localhost`). */
  readonly address: string;
}

/** A host of the inventory, split on `kind`. */
export type HostSpec = SshHostSpec | LocalHostSpec;

/** A checked inventory. */
export interface Inventory {
  /** Hosts by name. */
  readonly hosts: ReadonlyMap<string, HostSpec>;
  /** The host name of each listed instance. */
  readonly instances: ReadonlyMap<string, string>;
  /** The host of instances that `instances` does not list, if any. */
  readonly defaultHost?: string;
  /** Variable values by name (secret ones included: never print them). */
  readonly vars: ReadonlyMap<string, string>;
  /** Names of the variables whose values are secret. */
  readonly secrets: ReadonlySet<string>;
}

/** A problem with an inventory: the JSON path of the key (e.g. `hosts.web1.port`) and what is expected. */
export interface InventoryError {
  /** Dotted path of the offending key; empty for the document itself. */
  readonly path: string;
  /** What is wrong and what is expected. */
  readonly message: string;
}

/** The outcome of reading an inventory. */
export type InventoryResult =
  | { readonly status: 'ok'; readonly inventory: Inventory }
  | { readonly status: 'error'; readonly errors: readonly InventoryError[] };

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const TOP_KEYS = ['hosts', 'instances', 'default', 'vars', 'secrets'];
const SSH_KEYS = ['kind', 'address', 'port', 'user', 'identityFile', 'passphraseEnv', 'connectTimeoutMs'];
const LOCAL_KEYS = ['kind', 'address'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  return JSON.stringify(v) ?? String(v);
}

/**
 * Checks the text of an inventory file. `file` locates relative `identityFile` paths (its folder) and
 * `env` gives variables written `{ "env": "NAME" }` and passphrases (default `process.env`).
 */
export function parseInventory(text: string, file: string, env: Readonly<Record<string, string | undefined>> = process.env): InventoryResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { status: 'error', errors: [{ path: '', message: `not valid JSON: ${(e as Error).message}` }] };
  }
  const errors: InventoryError[] = [];
  const err = (path: string, message: string): void => void errors.push({ path, message });
  if (!isObject(doc)) return { status: 'error', errors: [{ path: '', message: `expected a JSON object with keys ${TOP_KEYS.join(', ')}, got ${show(doc)}` }] };
  for (const k of Object.keys(doc)) if (!TOP_KEYS.includes(k)) err(k, `unknown key (expected one of ${TOP_KEYS.join(', ')})`);

  const hosts = new Map<string, HostSpec>();
  if (!isObject(doc.hosts)) err('hosts', `expected an object mapping host names to hosts, got ${show(doc.hosts)}`);
  else {
    for (const [name, h] of Object.entries(doc.hosts)) {
      const at = `hosts.${name}`;
      if (!NAME.test(name)) err(at, 'a host name is letters, digits, _ . - and starts with a letter or _');
      if (!isObject(h)) {
        err(at, `expected an object such as { "address": "10.0.0.5", "user": "root", "identityFile": "~/.ssh/id_ed25519" } or { "kind": "local" }, got ${show(h)}`);
        continue;
      }
      const kind = h.kind ?? 'ssh';
      if (kind === 'local') {
        for (const k of Object.keys(h)) if (!LOCAL_KEYS.includes(k)) err(`${at}.${k}`, `unknown key for a local host (expected ${LOCAL_KEYS.join(', ')})`);
        if (h.address !== undefined && (typeof h.address !== 'string' || h.address === '')) err(`${at}.address`, `expected a non-empty string, got ${show(h.address)}`);
        hosts.set(name, { kind: 'local', name, address: typeof h.address === 'string' && h.address !== '' ? h.address : 'localhost' });
        continue;
      }
      if (kind !== 'ssh') {
        err(`${at}.kind`, `expected "ssh" or "local", got ${show(kind)}`);
        continue;
      }
      for (const k of Object.keys(h)) if (!SSH_KEYS.includes(k)) err(`${at}.${k}`, `unknown key for an ssh host (expected ${SSH_KEYS.join(', ')})`);
      const before = errors.length;
      if (typeof h.address !== 'string' || h.address === '') err(`${at}.address`, `expected the host's address as a non-empty string, got ${show(h.address)}`);
      if (typeof h.user !== 'string' || h.user === '') err(`${at}.user`, `expected the login user as a non-empty string, got ${show(h.user)}`);
      if (typeof h.identityFile !== 'string' || h.identityFile === '') err(`${at}.identityFile`, `expected the path of a private key file, got ${show(h.identityFile)}`);
      const port = h.port ?? 22;
      if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) err(`${at}.port`, `expected an integer 1..65535, got ${show(h.port)}`);
      const ct = h.connectTimeoutMs ?? 10_000;
      if (typeof ct !== 'number' || !Number.isInteger(ct) || ct < 1) err(`${at}.connectTimeoutMs`, `expected a positive integer (milliseconds), got ${show(h.connectTimeoutMs)}`);
      if (h.passphraseEnv !== undefined) {
        if (typeof h.passphraseEnv !== 'string' || h.passphraseEnv === '') err(`${at}.passphraseEnv`, `expected the name of an environment variable, got ${show(h.passphraseEnv)}`);
        else if (env[h.passphraseEnv] === undefined) err(`${at}.passphraseEnv`, `environment variable ${h.passphraseEnv} is not set`);
      }
      if (errors.length > before) continue;
      hosts.set(name, {
        kind: 'ssh',
        name,
        address: h.address as string,
        port: port as number,
        user: h.user as string,
        identityFile: resolvePath(h.identityFile as string, file),
        ...(h.passphraseEnv !== undefined && { passphraseEnv: h.passphraseEnv as string }),
        connectTimeoutMs: ct as number,
      });
    }
  }

  const hostNames = (): string => (isObject(doc.hosts) ? Object.keys(doc.hosts).join(', ') : '') || 'none';
  const instances = new Map<string, string>();
  if (doc.instances !== undefined && !isObject(doc.instances)) err('instances', `expected an object mapping instance names to host names, got ${show(doc.instances)}`);
  else {
    for (const [inst, h] of Object.entries(doc.instances ?? {})) {
      if (typeof h !== 'string') err(`instances.${inst}`, `expected a host name (one of ${hostNames()}), got ${show(h)}`);
      else if (isObject(doc.hosts) && !(h in doc.hosts)) err(`instances.${inst}`, `host '${h}' is not declared under "hosts" (declared: ${hostNames()})`);
      else instances.set(inst, h);
    }
  }
  let defaultHost: string | undefined;
  if (doc.default !== undefined) {
    if (typeof doc.default !== 'string') err('default', `expected a host name, got ${show(doc.default)}`);
    else if (isObject(doc.hosts) && !(doc.default in doc.hosts)) err('default', `host '${doc.default}' is not declared under "hosts" (declared: ${hostNames()})`);
    else defaultHost = doc.default;
  }

  const vars = new Map<string, string>();
  if (doc.vars !== undefined && !isObject(doc.vars)) err('vars', `expected an object mapping variable names to strings, got ${show(doc.vars)}`);
  else {
    for (const [name, v] of Object.entries(doc.vars ?? {})) {
      const at = `vars.${name}`;
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) err(at, 'a variable name is an identifier ([A-Za-z_][A-Za-z0-9_]*), as `${name}` needs');
      else if (typeof v === 'string') vars.set(name, v);
      else if (typeof v === 'number' || typeof v === 'boolean') vars.set(name, String(v));
      else if (isObject(v) && typeof v.env === 'string' && Object.keys(v).length === 1) {
        const value = env[v.env];
        if (value === undefined) err(at, `environment variable ${v.env} is not set`);
        else vars.set(name, value);
      } else err(at, `expected a string, a number, or { "env": "NAME" } (read from the environment), got ${show(v)}`);
    }
  }
  const secrets = new Set<string>();
  if (doc.secrets !== undefined && !(Array.isArray(doc.secrets) && doc.secrets.every((s) => typeof s === 'string'))) {
    err('secrets', `expected an array of variable names, got ${show(doc.secrets)}`);
  } else {
    for (const s of (doc.secrets ?? []) as string[]) {
      if (isObject(doc.vars) && !(s in doc.vars)) err('secrets', `'${s}' is not a variable under "vars"`);
      secrets.add(s);
    }
  }
  if (errors.length > 0) return { status: 'error', errors };
  return { status: 'ok', inventory: { hosts, instances, ...(defaultHost !== undefined && { defaultHost }), vars, secrets } };
}

function resolvePath(p: string, inventoryFile: string): string {
  if (p === '~' || p.startsWith('~/')) return join(homedir(), p.slice(1));
  return isAbsolute(p) ? p : resolve(dirname(inventoryFile), p);
}

/** The host an instance runs on, or undefined when the inventory neither lists it nor has a default. */
export function hostOf(inv: Inventory, instance: string): HostSpec | undefined {
  const name = inv.instances.get(instance) ?? inv.defaultHost;
  return name === undefined ? undefined : inv.hosts.get(name);
}

/** The values of the secret variables (to hide them in every log and message). */
export function secretValues(inv: Inventory): string[] {
  return [...inv.secrets].map((s) => inv.vars.get(s)).filter((v): v is string => v !== undefined);
}

/** An inventory error as one line: `inv.json: hosts.web1.port: expected …`. */
export function formatInventoryError(file: string, e: InventoryError): string {
  return `${file}: ${e.path === '' ? '' : `${e.path}: `}${e.message}`;
}
