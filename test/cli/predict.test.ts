/** `cto predict` through the real binary: text, JSON, Gantt SVG, exit codes. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'cto-predict-'));
const fixtures = join(root, 'test/predict/fixtures');

function cto(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('node', [join(root, 'bin/cto.js'), ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
}, 120_000);

describe('cto predict', () => {
  it('prints the seed makespans, sequential times, critical path and behaviors; exit 0', () => {
    const r = cto('predict', join(fixtures, 'seed.cto'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('deploy: makespan 13 s');
    expect(r.stdout).toContain('sequential (one action at a time): 27 s, speedup 2.08×');
    expect(r.stdout).toContain('maintain: makespan 15 s');
    expect(r.stdout).toContain('sequential (one action at a time): 18 s, speedup 1.20×');
    expect(r.stdout).toMatch(/0 s → 8 s {2}server\.install1 runs 8 s/);
    expect(r.stdout).toMatch(/15 s {2}wait\(server\) {2}\(line 51\)/);
    expect(r.stdout).toMatch(/db\.maintain +0 s → 12 s \(first action at 1 s\)/);
  });

  it('--program and --json give the numbers in milliseconds', () => {
    const r = cto('predict', join(fixtures, 'seed.cto'), '--program', 'maintain', '--json');
    expect(r.code).toBe(0);
    const [p] = JSON.parse(r.stdout) as { program: string; lo: { makespan: number; sequential: number; outcomes: unknown[] } }[];
    expect(p!.program).toBe('maintain');
    expect(p!.lo.makespan).toBe(15_000);
    expect(p!.lo.sequential).toBe(18_000);
    expect(p!.lo.outcomes).toEqual([{ status: 'completed', at: 15_000 }]);
  });

  it('reports the worst case over intervals and flags the timing anomaly; writes the Gantt chart', () => {
    const svg = join(dir, 'an.svg');
    const r = cto('predict', join(fixtures, 'anomaly.cto'), '--gantt', svg);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('main: worst-case makespan 35 s');
    expect(r.stdout).toContain('all lower bounds: completes at 33 s');
    expect(r.stdout).toContain('all upper bounds: completes at 25 s');
    expect(r.stdout).toContain('worst case: 35 s with u.t1 = 3 s');
    expect(r.stdout).toContain('timing anomaly');
    const text = readFileSync(svg, 'utf8');
    expect(text).toMatch(/^<\?xml[^]*<svg[^]*<\/svg>\n$/);
    expect(text.match(/class="crit"/g)!.length).toBe(5); // u.t1, u.t2, p.m1, p.m2, p.work
    expect(text).toContain('u.t1 (run): 0 s → 3 s, critical');
  });

  it('one Gantt file per program when several are predicted', () => {
    const r = cto('predict', join(fixtures, 'seed.cto'), '--gantt', join(dir, 'seed.svg'));
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'seed.deploy.svg'))).toBe(true);
    expect(existsSync(join(dir, 'seed.maintain.svg'))).toBe(true);
  });

  it('names every outcome when simultaneous steps conflict', () => {
    const r = cto('predict', join(fixtures, 'orderDeadlock.cto'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('outcomes: completes at 4 s; some order deadlocks at 2 s');
  });

  it('warns about transitions without a duration, and takes --default-duration', () => {
    const f = join(dir, 'nodur.cto');
    writeFileSync(f, 'component C { places a, b, c initial a behavior go { t1: a -> b  t2: b -> c duration 2s } }\nprogram main { add(x: C) pushB(x, go) wait(x) }\n');
    const r = cto('predict', f);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('main: makespan 2 s');
    expect(r.stderr).toContain('C.t1');
    expect(cto('predict', f, '--default-duration', '1.5s').stdout).toContain('main: makespan 3.5 s');
    const bad = cto('predict', f, '--default-duration', 'soon');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--default-duration expects a time such as 2s");
  });

  it('exit 2 on a file that does not load (file:line:col) and on an unknown program', () => {
    const f = join(dir, 'bad.cto');
    writeFileSync(f, 'component C {\n  places a\n  initial b\n}\n');
    const r = cto('predict', f);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.cto:\d+:\d+: error CTO\d+/);
    const u = cto('predict', join(fixtures, 'seed.cto'), '--program', 'nope');
    expect(u.code).toBe(2);
    expect(u.stderr).toContain("has no program 'nope' (its programs: deploy, maintain)");
  });
});
