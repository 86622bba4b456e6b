/**
 * SshHost against a real OpenSSH sshd on 127.0.0.2 and 127.0.0.3: commands, exit codes, timeouts, the
 * known_hosts check (accepted, unknown, mismatched, hashed), and the executor across two hosts, including
 * a connection lost in the middle of an action and the resume that follows.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionCommand, actionTimeout } from '../../src/execute/commands.js';
import { handoverState, rebuild } from '../../src/execute/decide.js';
import { execute } from '../../src/execute/executor.js';
import { hostOf, parseInventory, type SshHostSpec } from '../../src/execute/inventory.js';
import { JOURNAL_FORMAT, openJournal, readJournal } from '../../src/execute/journal.js';
import { parseKnownHosts } from '../../src/ssh/knownHosts.js';
import { SshConnectError, SshHost } from '../../src/ssh/sshHost.js';
import { contextFor, startState } from '../../src/semantics/index.js';
import { model, tempDir } from '../execute/helpers.js';
import { canRunSshd, knownHostsLine, startSshd, type TestSshd } from './sshd.js';

const spec = (s: TestSshd, name = 'h'): SshHostSpec => ({
  kind: 'ssh', name, address: s.address, port: s.port, user: 'root', identityFile: s.identityFile, connectTimeoutMs: 5000,
});

describe.skipIf(!canRunSshd)('SshHost against a real sshd', () => {
  let a: TestSshd;
  let b: TestSshd;
  let knownPath: string;
  const dir = tempDir('cto-ssh-');

  beforeAll(async () => {
    a = await startSshd('127.0.0.2');
    b = await startSshd('127.0.0.3', a.identityFile);
    knownPath = join(dir, 'known_hosts');
    writeFileSync(knownPath, `${knownHostsLine(a)}\n${knownHostsLine(b)}\n`);
  }, 30_000);
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
  });

  const host = (s: TestSshd, known = readFileSync(knownPath, 'utf8')) =>
    new SshHost(spec(s), { knownHosts: parseKnownHosts(known), knownHostsPath: knownPath });

  it('runs commands with their exit codes and output, in parallel on one connection', async () => {
    const h = host(a);
    try {
      const r = await h.exec('echo out; echo err >&2; echo $SSH_CONNECTION | cut -d" " -f3; exit 3');
      expect(r).toEqual({ status: 'exited', exitCode: 3, stdout: 'out\n127.0.0.2\n', stderr: 'err\n' });
      // Each command prints when it started and ended (ns): they overlap when they run in parallel.
      const rs = await Promise.all([1, 2, 3, 4].map(() => h.exec('date +%s%N; sleep 0.4; date +%s%N')));
      expect(rs.every((x) => x.status === 'exited' && x.exitCode === 0)).toBe(true);
      const spans = rs.map((x) => x.stdout.trim().split('\n').map(BigInt));
      const latestStart = spans.reduce((m, [s0]) => (s0! > m ? s0! : m), 0n);
      const earliestEnd = spans.reduce((m, [, e]) => (e! < m ? e! : m), spans[0]![1]!);
      expect(latestStart < earliestEnd).toBe(true);
    } finally {
      await h.close();
    }
  });

  it('reports a timeout', async () => {
    const h = host(a);
    try {
      const t0 = Date.now();
      const r = await h.exec('sleep 5', { timeoutMs: 300 });
      expect(r.status).toBe('timedOut');
      expect(Date.now() - t0).toBeLessThan(2000);
    } finally {
      await h.close();
    }
  });

  it('refuses a host whose key is not in known_hosts, saying how to add it', async () => {
    const h = host(a, `${knownHostsLine(b)}\n`);
    const e = await h.connect().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SshConnectError);
    expect((e as Error).message).toContain(`is not in ${knownPath}; refusing to connect`);
    expect((e as Error).message).toContain(`ssh-keyscan -p ${a.port} 127.0.0.2`);
    const r = await h.exec('touch /tmp/should-not-exist-cto');
    expect(r.status).toBe('error');
  });

  it('refuses a host that presents another key than the one listed (mismatch)', async () => {
    const other = join(dir, 'other');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const line = readFileSync(`${other}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
    const h = host(a, `[127.0.0.2]:${a.port} ${line}\n`);
    const e = await h.connect().catch((x: unknown) => x);
    expect((e as Error).message).toContain('HOST KEY MISMATCH');
  });

  it('accepts a hashed known_hosts file (ssh-keygen -H)', async () => {
    const hashed = join(dir, 'hashed');
    writeFileSync(hashed, `${knownHostsLine(a)}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', hashed], { stdio: 'ignore' });
    const text = readFileSync(hashed, 'utf8');
    expect(text.startsWith('|1|')).toBe(true);
    const h = host(a, text);
    try {
      expect(await h.exec('true')).toMatchObject({ status: 'exited', exitCode: 0 });
    } finally {
      await h.close();
    }
  });

  it('says when authentication fails', async () => {
    const key = join(dir, 'stranger');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    const h = new SshHost({ ...spec(a), identityFile: key }, { knownHosts: parseKnownHosts(readFileSync(knownPath, 'utf8')), knownHostsPath: knownPath });
    const e = await h.connect().catch((x: unknown) => x);
    expect((e as Error).message).toContain('authentication failed');
  });

  it('runs a program across two hosts; a lost connection fails the action; resume re-runs only it', async () => {
    const out = join(dir, 'two');
    const flag = join(dir, 'dropped');
    const m = model(`
component Db { places off, on initial off behavior up { s: off -> on run "echo db \${host} $(echo $SSH_CONNECTION | cut -d' ' -f3) >> ${out}" }
  provide addr on on = "\${host}" }
component App { places off, on initial off
  behavior up { s: off -> on run "if [ ! -e ${flag} ]; then touch ${flag}; kill -9 $PPID; exit 1; fi; echo app \${addr} $(echo $SSH_CONNECTION | cut -d' ' -f3) >> ${out}" }
  use addr on on }
program p { add(d: Db) add(x: App) con(x.addr, d.addr) pushB(d, up) pushB(x, up) }`);
    const inv = parseInventory(
      JSON.stringify({
        hosts: { ha: { address: a.address, port: a.port, user: 'root', identityFile: a.identityFile }, hb: { address: b.address, port: b.port, user: 'root', identityFile: a.identityFile } },
        instances: { d: 'ha', x: 'hb' },
      }),
      join(dir, 'inv.json'),
    );
    if (inv.status !== 'ok') throw new Error(JSON.stringify(inv.errors));
    const known = parseKnownHosts(readFileSync(knownPath, 'utf8'));
    const ctx = contextFor(m, 'p');
    const journalPath = join(dir, 'two.jsonl');
    const run = async (resume: boolean) => {
      const hosts = new Map<string, SshHost>();
      const hostFor = (i: string) => {
        const sp = hostOf(inv.inventory, i) as SshHostSpec;
        if (!hosts.has(sp.name)) hosts.set(sp.name, new SshHost(sp, { knownHosts: known, knownHostsPath: knownPath }));
        return hosts.get(sp.name)!;
      };
      const journal = openJournal(journalPath);
      const start = handoverState(ctx, startState(ctx))!;
      let rp;
      if (resume) {
        const j = readJournal(journalPath);
        if (j.status !== 'ok') throw new Error('journal');
        const rb = rebuild(ctx, start, j.events);
        if (!rb.ok) throw new Error(rb.why);
        rp = rb.value;
      } else journal.append({ event: 'begin', at: Date.now(), format: JOURNAL_FORMAT, file: 't', sourceSha256: 't', program: 'p', chain: false });
      try {
        return await execute({
          ctx, start, hostOf: hostFor,
          commandOf: (s, i, t) => actionCommand(ctx, s, inv.inventory, i, t),
          timeoutOf: (s, i, t) => actionTimeout(ctx, s, i, t),
          journal, secrets: [], ...(rp && { resume: rp }),
        });
      } finally {
        journal.close();
        for (const h of hosts.values()) await h.close();
      }
    };
    const first = await run(false);
    expect(first.status).toBe('failed');
    expect(first.status === 'failed' && first.failures[0]!.reason).toMatch(/connection to ha|lost|without an exit status/);
    expect(existsSync(flag)).toBe(true);
    const second = await run(true);
    expect(second.status).toBe('completed');
    const text = readFileSync(out, 'utf8').trim().split('\n').sort();
    expect(text).toEqual(['app 127.0.0.2 127.0.0.3', 'db 127.0.0.2 127.0.0.2']); // db ran once, on a; app on b, given a's address
  }, 30_000);
});
