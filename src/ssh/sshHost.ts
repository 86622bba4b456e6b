/**
 * `SshHost`: a `Host` (src/execute/host.ts) that runs commands on a remote machine over SSH (ssh2), with
 * public-key authentication and the server's host key checked against a known_hosts file: an unknown,
 * mismatched or revoked key is refused before anything is sent. One connection per host; commands run
 * on channels of it in parallel (at most `maxChannels` at once, below OpenSSH's `MaxSessions` of 10).
 */
import { readFileSync } from 'node:fs';
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import { Tail, type ExecOptions, type ExecResult, type Host } from '../execute/host.js';
import type { SshHostSpec } from '../execute/inventory.js';
import { checkHostKey, fingerprint, hostKeyAlgorithms, hostString, keyTypeOf, type KnownHost } from './knownHosts.js';

/** A connection that could not be made; `message` says why and how to fix it (never a secret). */
export class SshConnectError extends Error {}

/** Options of an `SshHost`. */
export interface SshHostOptions {
  /** The lines of the known_hosts file. */
  readonly knownHosts: readonly KnownHost[];
  /** Its path (for messages). */
  readonly knownHostsPath: string;
  /** The environment, for the key's passphrase (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Most commands running at once on the connection (default 8). */
  readonly maxChannels?: number;
}

/** Runs commands on one SSH server. `connect()` first (or let the first `exec` connect). */
export class SshHost implements Host {
  readonly name: string;
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  /** @param spec the host from the inventory. */
  constructor(
    readonly spec: SshHostSpec,
    private readonly options: SshHostOptions,
  ) {
    this.name = spec.name;
  }

  /** Connects and authenticates (once); rejects with an `SshConnectError` that says why. */
  connect(): Promise<Client> {
    if (this.client) return Promise.resolve(this.client);
    if (this.connecting) return this.connecting;
    const { spec, options } = this;
    const where = `${spec.name} (${spec.user}@${hostString(spec.address, spec.port)})`;
    let privateKey: Buffer;
    try {
      privateKey = readFileSync(spec.identityFile);
    } catch (e) {
      return Promise.reject(new SshConnectError(`${where}: cannot read identity file ${spec.identityFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`));
    }
    const host = hostString(spec.address, spec.port);
    let refusal: string | undefined;
    const env = options.env ?? process.env;
    const algs = hostKeyAlgorithms(options.knownHosts, host);
    const config: ConnectConfig = {
      host: spec.address,
      port: spec.port,
      username: spec.user,
      privateKey,
      ...(spec.passphraseEnv !== undefined && { passphrase: env[spec.passphraseEnv] ?? '' }),
      readyTimeout: spec.connectTimeoutMs,
      keepaliveInterval: 5000,
      keepaliveCountMax: 3,
      ...(algs.length > 0 && { algorithms: { serverHostKey: algs as never } }),
      hostVerifier: (key: Buffer): boolean => {
        const c = checkHostKey(options.knownHosts, host, key);
        const fp = `${keyTypeOf(key)} ${fingerprint(key)}`;
        if (c.status === 'trusted') return true;
        if (c.status === 'unknown') {
          refusal =
            `${where}: host key ${fp} is not in ${options.knownHostsPath}; refusing to connect. ` +
            `If this is the right host, add its key (e.g. \`ssh-keyscan -p ${spec.port} ${spec.address} >> ${options.knownHostsPath}\`, then check the fingerprint).`;
        } else if (c.status === 'mismatch') {
          refusal =
            `${where}: HOST KEY MISMATCH — the host presented ${fp}, but ${options.knownHostsPath} lists another ${keyTypeOf(key)} key for it ` +
            `(line ${c.lines.join(', ')}). Someone may be intercepting the connection, or the host was reinstalled; refusing to connect.`;
        } else {
          refusal = `${where}: host key ${fp} is marked @revoked in ${options.knownHostsPath} (line ${c.line}); refusing to connect.`;
        }
        return false;
      },
    };
    this.connecting = new Promise<Client>((resolve, reject) => {
      const client = new Client();
      let ready = false;
      client.on('ready', () => {
        ready = true;
        this.client = client;
        this.connecting = undefined;
        resolve(client);
      });
      client.on('error', (e: Error & { level?: string }) => {
        if (ready) return; // handled by the channels' close
        this.connecting = undefined;
        const why =
          refusal ??
          (e.level === 'client-authentication'
            ? `${where}: authentication failed with key ${spec.identityFile} (is its public key in the server's authorized_keys?)`
            : /passphrase|encrypted/i.test(e.message)
              ? `${where}: cannot use identity file ${spec.identityFile}: ${e.message}${spec.passphraseEnv ? '' : ' (set "passphraseEnv" in the inventory)'}`
              : `${where}: cannot connect: ${e.message}`);
        reject(new SshConnectError(why));
      });
      client.on('close', () => {
        if (this.client === client) this.client = undefined;
      });
      try {
        client.connect(config);
      } catch (e) {
        this.connecting = undefined;
        reject(new SshConnectError(`${where}: cannot connect: ${(e as Error).message}`));
      }
    });
    return this.connecting;
  }

  private async slot(): Promise<void> {
    if (this.active < (this.options.maxChannels ?? 8)) {
      this.active++;
      return;
    }
    await new Promise<void>((r) => this.waiting.push(r));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    await this.slot();
    try {
      let client: Client;
      try {
        client = await this.connect();
      } catch (e) {
        return { status: 'error', message: (e as Error).message, stdout: '', stderr: '' };
      }
      return await this.run(client, command, options);
    } finally {
      this.release();
    }
  }

  private run(client: Client, command: string, options: ExecOptions): Promise<ExecResult> {
    return new Promise((resolve) => {
      const out = new Tail();
      const err = new Tail();
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const onLost = (): void => finish({ status: 'error', message: `connection to ${this.name} lost while the command ran (its outcome is unknown)`, stdout: out.value(), stderr: err.value() });
      const finish = (r: ExecResult): void => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        client.removeListener('close', onLost);
        resolve(r);
      };
      client.once('close', onLost);
      client.exec(command, (e: Error | undefined, stream: ClientChannel) => {
        if (e) {
          finish({ status: 'error', message: `${this.name}: cannot start the command: ${e.message}`, stdout: '', stderr: '' });
          return;
        }
        let exitCode: number | null = null;
        let signal: string | undefined;
        let timedOut = false;
        if (options.timeoutMs !== undefined) {
          timer = setTimeout(() => {
            timedOut = true;
            try {
              stream.signal('KILL');
            } catch {
              /* the server may not support signals; closing the channel still ends our side */
            }
            stream.close();
            finish({ status: 'timedOut', timeoutMs: options.timeoutMs!, stdout: out.value(), stderr: err.value() });
          }, options.timeoutMs);
        }
        stream.on('data', (c: Buffer) => out.push(c));
        stream.stderr.on('data', (c: Buffer) => err.push(c));
        stream.on('exit', (code: number | null, sig?: string) => {
          exitCode = code;
          if (sig) signal = sig;
        });
        stream.on('close', () => {
          const tails = { stdout: out.value(), stderr: err.value() };
          if (timedOut) return;
          if (exitCode !== null) finish({ status: 'exited', exitCode, ...tails });
          else if (signal !== undefined) finish({ status: 'signaled', signal, ...tails });
          else finish({ status: 'error', message: `${this.name}: the command ended without an exit status (connection lost?)`, ...tails });
        });
      });
    });
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    c?.end();
  }
}
