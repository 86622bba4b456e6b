/**
 * `cto verify` and `cto explain` through the real binary: exit codes, the counterexample text, JSON,
 * and replaying saved traces (a tampered trace is rejected loudly).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cto as run, ensureBuilt, writeIn } from '../explore/cli.js';
import { RACE, SEED_LECTURE } from '../explore/models.js';
import { CONFORMANCE_DIR } from '../shared.js';

const dir = mkdtempSync(join(tmpdir(), 'cto-verify-'));
const conformance = (name: string): string => `${CONFORMANCE_DIR}/${name}.cto`;

const cto = (...args: string[]) => run(args, dir);

const file = (name: string, text: string): string => writeIn(dir, name, text);

beforeAll(ensureBuilt, 120_000);

describe('cto verify', () => {
  it.concurrent('finds the lecture maintain deadlock: exit 1, numbered trace, failing state, diagnosis', async () => {
    const seed = file('seed.cto', SEED_LECTURE);
    const r = await cto('verify', seed);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/program deploy: verified \(\d+ states, \d+ transitions, depth \d+, \d+ ms/);
    expect(r.stdout).toContain('program maintain (after deploy): violation: deadlock');
    expect(r.stdout).toContain('Counterexample: deadlock, 44 steps from the empty assembly');
    expect(r.stdout).toMatch(/ 1: add\(server: Server\)\s+\S*seed\.cto:\d+\n\s+server: added \(Server\) in uninstalled/);
    expect(r.stdout).toMatch(/44: wait\(server\)/);
    expect(r.stdout).toContain('Failing state (deadlock):');
    expect(r.stdout).toMatch(/db: Database\s+places \{running\}; queue \[maintain, deploy\]; active ports \{ip, service\}/);
    expect(r.stdout).toContain('db cannot leave `running`: provide port `service` is used by server.database, which is active');
    const endLine = SEED_LECTURE.slice(0, SEED_LECTURE.indexOf('\n}', SEED_LECTURE.indexOf('program maintain')) + 1).split('\n').length;
    expect(r.stdout).toContain(`the end of program maintain at line ${endLine} does NOT return on some execution`);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(`${seed}: violation in maintain`);
    expect(r.stderr).toBe(''); // no progress line when stderr is not a terminal
  });

  it.concurrent('verifies one program with --program (exit 0)', async () => {
    const r = await cto('verify', file('seed.cto', SEED_LECTURE), '--program', 'deploy');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('program deploy: verified');
    expect(r.stdout).not.toContain('maintain');
  });

  it.concurrent('verifies the corrected maintain (exit 0)', async () => {
    const r = await cto('verify', conformance('05-ok_seed_maintain_dcon'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/verified \(2 programs\)/);
  });

  it.concurrent('reports an invariant violation with the failing atoms (exit 1)', async () => {
    const r = await cto('verify', conformance('14-inv_parked_idle'));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('violation: invariant never_parked');
    expect(r.stdout).toContain('web idle: true');
  });

  it.concurrent('exit 2 with file:line:col for a file that does not load, an unknown program or a bad number', async () => {
    const bad = await cto('verify', conformance('19-syn_missing_brace'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/19-syn_missing_brace\.cto:\d+:\d+: error CTO0/);
    const noProg = await cto('verify', file('seed.cto', SEED_LECTURE), '--program', 'nope');
    expect(noProg.code).toBe(2);
    expect(noProg.stderr).toContain("has no program 'nope' (programs: deploy, maintain)");
    expect((await cto('verify', file('seed.cto', SEED_LECTURE), '--max-states', 'many')).code).toBe(2);
    expect((await cto('verify', file('seed.cto', SEED_LECTURE), '--engine', 'nope')).code).toBe(2);
    expect((await cto('verify', join(dir, 'missing.cto'))).code).toBe(2);
  });

  it.concurrent('exit 3 when a bound is reached before a verdict, never 0', async () => {
    const r = await cto('verify', file('seed.cto', SEED_LECTURE), '--program', 'deploy', '--max-states', '20');
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('no verdict, the states bound was reached');
    expect((await cto('verify', file('seed.cto', SEED_LECTURE), '--program', 'deploy', '--max-depth', '3')).code).toBe(3);
  });

  it.concurrent('--engine both: the reference and z3 agree on the seed (exit 1, deadlock in maintain) and the process exits', async () => {
    const r = await cto('verify', file('seed-both.cto', SEED_LECTURE), '--engine', 'both');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('program deploy: verified');
    expect(r.stdout).toMatch(/program maintain \(after deploy\): violation: deadlock .*engine both \(reference and z3 agree\)/);
    expect(r.stdout).toContain('Counterexample: deadlock, 44 steps from the empty assembly');
  });

  it.concurrent('every engine gives the same file verdict on the seed; an unknown engine is a usage error', async () => {
    const seed = file('seed-engines.cto', SEED_LECTURE);
    for (const engine of ['auto', 'symmetric', 'full', 'fast', 'reference']) {
      const r = await cto('verify', seed, '--engine', engine);
      expect(r.code, engine).toBe(1);
      expect(r.stdout, engine).toContain('program maintain (after deploy): violation: deadlock');
    }
    const bad = await cto('verify', seed, '--engine', 'magic');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown engine 'magic'");
  });

  it.concurrent('z3 cut short by its time limit: exit 3, with what k-induction proved about safety', async () => {
    const src = readFileSync(new URL('../../examples/mariadb-3-2.cto', import.meta.url), 'utf8');
    const r = await cto('verify', file('mariadb.cto', src), '--engine', 'z3', '--program', 'galera', '--time-limit', '3000');
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('program galera (after deploy): no verdict, the time bound was reached');
    expect(r.stdout).toContain('port safety (PS): proved for every reachable state (1-inductive)');
    expect(r.stdout).not.toMatch(/: verified/);
  });

  it.concurrent('a file without programs loads and has nothing to verify (exit 0)', async () => {
    const r = await cto('verify', file('noprog.cto', 'component A { places a initial a }'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no program to verify');
  });

  it.concurrent('--json prints the verdicts and traces (spec/trace-json.md)', async () => {
    const r = await cto('verify', file('race.cto', RACE), '--json');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.format).toBe('cto-verify/1');
    expect(doc.status).toBe('violation');
    const [p] = doc.programs;
    expect(p.program).toBe('race');
    expect(p.violations[0].kind).toBe('deadlock');
    expect(p.violations[0].steps).toHaveLength(18);
    expect(p.violations[0].steps[0]).toMatchObject({ step: { kind: 'instr', stage: 0, pc: 0 }, text: 'add(p: P)' });
    expect(p.violations[0].diagnosis.instruction.text).toBe('waitAll()');
  });
});

describe('cto explain', () => {
  it.concurrent('replays a saved trace and prints each state (exit 0)', async () => {
    const seed = file('seed.cto', SEED_LECTURE);
    const trace = join(dir, 'trace.json');
    expect((await cto('verify', seed, '--trace-out', trace)).code).toBe(1);
    const r = await cto('explain', trace, seed);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('program maintain: replaying the deadlock counterexample (44 steps)');
    expect(r.stdout).toMatch(/ 44: wait\(server\)/);
    expect(r.stdout).toContain('reproduced: deadlock');
    expect(r.stdout).toContain('1 counterexample replayed and reproduced');
  });

  it.concurrent('rejects a trace with a step that is not enabled, loudly (exit 2)', async () => {
    const seed = file('seed.cto', SEED_LECTURE);
    const trace = join(dir, 'trace2.json');
    await cto('verify', seed, '--trace-out', trace);
    const doc = JSON.parse(readFileSync(trace, 'utf8'));
    doc.programs[1].violations[0].steps.splice(6, 1); // drop db.leave(undeployed)
    writeFileSync(trace, JSON.stringify(doc));
    const r = await cto('explain', trace, seed);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/TRACE IS NOT EVIDENCE: step 7 .* is not enabled/);
  });

  it.concurrent('rejects a trace that replays but does not end in the reported failure (exit 2)', async () => {
    const seed = file('seed.cto', SEED_LECTURE);
    const trace = join(dir, 'trace3.json');
    await cto('verify', seed, '--trace-out', trace);
    const doc = JSON.parse(readFileSync(trace, 'utf8'));
    doc.programs[1].violations[0].steps.pop(); // stop before wait(server): wait is still enabled
    writeFileSync(trace, JSON.stringify(doc));
    const r = await cto('explain', trace, seed);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('its last state is not a deadlock violation');
  });

  it.concurrent('rejects a file that is not a report', async () => {
    const r = await cto('explain', file('x.json', '{"a":1}'), file('seed.cto', SEED_LECTURE));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not a cto verify report');
  });
});
