/**
 * Where actions run: a `Host` executes one shell command and reports how it ended. `LocalHost` runs it
 * on this machine with `/bin/sh -c` (fast tests, `local` hosts of the inventory); `SshHost`
 * (src/ssh/sshHost.ts) runs it on a remote machine over SSH.
 */
import { spawn } from 'node:child_process';

/** How much of an action's output is kept (the end of it), in characters. */
export const TAIL_CHARS = 2000;

/** How one command ended, split on `status`. */
export type ExecResult =
  /** The command ran to its end: `exitCode` 0 is success, anything else a failure. */
  | { readonly status: 'exited'; readonly exitCode: number; readonly stdout: string; readonly stderr: string }
  /** The command was killed by a signal (not by us). */
  | { readonly status: 'signaled'; readonly signal: string; readonly stdout: string; readonly stderr: string }
  /** The command ran longer than its timeout and was killed. */
  | { readonly status: 'timedOut'; readonly timeoutMs: number; readonly stdout: string; readonly stderr: string }
  /** The command could not be run or followed to its end (no shell, connection lost…): its effect is unknown. */
  | { readonly status: 'error'; readonly message: string; readonly stdout: string; readonly stderr: string };

/** Options of one command. */
export interface ExecOptions {
  /** Kill the command and report `timedOut` after this many milliseconds. */
  readonly timeoutMs?: number;
}

/** A machine that runs shell commands. Several commands may run on one host at once. */
export interface Host {
  /** The host's name in the inventory (for messages). */
  readonly name: string;
  /** Runs `command` with a POSIX shell; resolves (never rejects) with how it ended and the tails of its output. */
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  /** Releases connections; commands still running are abandoned. */
  close(): Promise<void>;
}

/** Keeps the last `TAIL_CHARS` characters of a stream. */
export class Tail {
  private text = '';
  /** Appends a chunk. */
  push(chunk: Buffer | string): void {
    this.text += chunk.toString();
    if (this.text.length > 2 * TAIL_CHARS) this.text = this.text.slice(-TAIL_CHARS);
  }
  /** The last `TAIL_CHARS` characters. */
  value(): string {
    return this.text.slice(-TAIL_CHARS);
  }
}

/** Runs commands on this machine with `/bin/sh -c`, each in its own process group (a timeout kills the group). */
export class LocalHost implements Host {
  /** @param name the host's name in the inventory. */
  constructor(readonly name = 'local') {}

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    return new Promise((resolvePromise) => {
      const out = new Tail();
      const err = new Tail();
      let timedOut = false;
      let settled = false;
      const done = (r: ExecResult): void => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        resolvePromise(r);
      };
      const child = spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stderr.on('data', (c: Buffer) => err.push(c));
      const timer =
        options.timeoutMs !== undefined
          ? setTimeout(() => {
              timedOut = true;
              try {
                process.kill(-child.pid!, 'SIGKILL');
              } catch {
                child.kill('SIGKILL');
              }
            }, options.timeoutMs)
          : undefined;
      child.on('error', (e) => done({ status: 'error', message: e.message, stdout: out.value(), stderr: err.value() }));
      child.on('close', (code, signal) => {
        const tails = { stdout: out.value(), stderr: err.value() };
        if (timedOut) done({ status: 'timedOut', timeoutMs: options.timeoutMs!, ...tails });
        else if (code !== null) done({ status: 'exited', exitCode: code, ...tails });
        else done({ status: 'signaled', signal: signal ?? 'unknown', ...tails });
      });
    });
  }

  async close(): Promise<void> {}
}
