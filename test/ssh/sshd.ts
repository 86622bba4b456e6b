/**
 * A real OpenSSH server for the tests: `/usr/sbin/sshd -D -e -f config` on a loopback address and a
 * free high port, with throwaway host and client keys (ssh-keygen) in a temporary folder, logging in as
 * root with `UsePAM no` and `StrictModes no`. Needs root and openssh-server (CI installs it).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { tempDir } from '../execute/helpers.js';

/** Where sshd lives. */
export const SSHD = '/usr/sbin/sshd';

/** Whether these tests can run here (root, to start sshd and log in as root). */
export const canRunSshd = process.getuid?.() === 0;

/** A running test server. */
export interface TestSshd {
  /** The loopback address it listens on. */
  readonly address: string;
  /** Its port. */
  readonly port: number;
  /** The client's private key (its public key is authorized). */
  readonly identityFile: string;
  /** The server's host public key line (`ssh-ed25519 AAAA…`). */
  readonly hostKeyLine: string;
  /** The temporary folder. */
  readonly dir: string;
  /** Stops the server (the process this setup started, by its id). */
  stop(): Promise<void>;
}

/** A free TCP port on `address`. */
export function freePort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, address, () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function keygen(path: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'cto-test', '-f', path]);
}

/** Resolves once something accepts TCP connections and sends an SSH banner on address:port. */
function waitForBanner(address: string, port: number, deadlineMs: number): Promise<void> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      const sock = createConnection({ host: address, port });
      sock.once('data', (d) => {
        sock.destroy();
        if (d.toString().startsWith('SSH-')) resolve();
        else reject(new Error(`not an SSH server on ${address}:${port}`));
      });
      sock.once('error', () => {
        sock.destroy();
        if (Date.now() - t0 > deadlineMs) reject(new Error(`sshd did not start on ${address}:${port}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/** Starts sshd on `address` with fresh keys; `clientKey` reuses a client key pair (to share it between servers). */
export async function startSshd(address: string, clientKey?: string): Promise<TestSshd> {
  if (!existsSync(SSHD)) throw new Error(`${SSHD} is missing: install it with \`apt-get install -y openssh-server\` (see .ci/run)`);
  mkdirSync('/run/sshd', { recursive: true }); // privilege separation folder
  const dir = tempDir('cto-sshd-');
  const hostKey = join(dir, 'host_ed25519');
  keygen(hostKey);
  const identityFile = clientKey ?? join(dir, 'id_ed25519');
  if (!clientKey) keygen(identityFile);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${identityFile}.pub`));
  const port = await freePort(address);
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `ListenAddress ${address}:${port}`,
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'UsePAM no',
      'PermitRootLogin yes',
      'StrictModes no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    await waitForBanner(address, port, 10_000);
  } catch (e) {
    child.kill('SIGTERM');
    throw new Error(`${(e as Error).message}: ${stderr}`);
  }
  return {
    address,
    port,
    identityFile,
    hostKeyLine: readFileSync(`${hostKey}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' '),
    dir,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** A known_hosts line for a test server, as `ssh` writes it (`[address]:port type key`). */
export function knownHostsLine(s: TestSshd): string {
  return `[${s.address}]:${s.port} ${s.hostKeyLine}`;
}
