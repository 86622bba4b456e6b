import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuiltOrKeep, ROOT, writeIn } from '../explore/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'cto-check-'));
const file = (name: string, text: string): string => writeIn(dir, name, text);
const cto = (...args: string[]) => spawnSync('node', [join(ROOT, 'bin/cto.js'), ...args], { encoding: 'utf8' });

const GOOD = 'component A { places a, b initial a behavior go { t: a -> b } }\nprogram p { add(x: A) pushB(x, go) }\n';

beforeAll(ensureBuiltOrKeep, 120_000);

describe('cto check (built binary)', () => {
  it('exit 0 and "ok" for a valid file', () => {
    const r = cto('check', file('good.cto', GOOD));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('good.cto: ok');
  });

  it('warnings keep exit 0', () => {
    const r = cto('check', file('warn.cto', `${GOOD}component Unused { places z initial z }\n`));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('warning CTO208: component Unused is never instantiated');
    expect(r.stdout).toContain('ok (1 warning)');
  });

  it('errors: file:line:col, source line with caret, hint, summary, exit 2', () => {
    const p = file('bad.cto', 'component A { places running initial running behavior go { t: running -> runing } }\nprogram p { add(x: A) }\n');
    const r = cto('check', p);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain(`${p}:1:74: error CTO101: place 'runing' is not declared in component A`);
    expect(r.stdout).toMatch(/ 1 \| component A .*\n\s+\| {74}\^{6}/);
    expect(r.stdout).toContain("hint: did you mean 'running'?");
    expect(r.stdout).toContain('1 error, 0 warnings');
  });

  it('program-rule error names where the connection was removed', () => {
    const p = file(
      'dcon.cto',
      `component D { places off, on initial off behavior up { s: off -> on } provide sql on on }
component U { places off, on initial off behavior up { s: off -> on } use db on on }
program a { add(d: D) add(u: U) con(u.db, d.sql) }
program b after a { dcon(u.db, d.sql) }
program c after b { dcon(u.db, d.sql) }
`,
    );
    const r = cto('check', p);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain('error CTO211: connection u.db -> d.sql does not exist here: it was removed at line 4 (4:21, program b)');
    expect(r.stdout).toContain(`note: connection removed here (${p}:4:21)`);
  });

  it('--json prints the diagnostics as JSON', () => {
    const r = cto('check', '--json', file('bad2.cto', 'component A { places a }\n'));
    expect(r.status).toBe(2);
    const ds = JSON.parse(r.stdout) as { code: string; severity: string; span: { line: number } }[];
    expect(ds.map((d) => [d.code, d.severity])).toEqual([
      ['CTO201', 'error'],
      ['CTO208', 'warning'],
    ]);
  });

  it('several files; a missing one is a clear error with exit 2', () => {
    const r = cto('check', file('g2.cto', GOOD), join(dir, 'missing.cto'));
    expect(r.status).toBe(2);
    expect(r.stdout).toContain(`error CTO000: cannot read ${join(dir, 'missing.cto')}: no such file`);
    expect(r.stdout).toContain('2 files: 1 error, 0 warnings');
  });

  it('syntax error in words', () => {
    const r = cto('check', file('syn.cto', 'component Web {\n  places a\n  initial a\n'));
    expect(r.status).toBe(2);
    expect(r.stdout).toContain("error CTO002: expected '}' to close component Web (opened at 1:15), but the file ended");
  });

  it('no file: usage error, exit 2', () => {
    expect(cto('check').status).toBe(2);
  });
});
