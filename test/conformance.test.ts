/**
 * Every conformance case of ../shared/conformance through the real `cto verify`: the verdict's exit
 * code, the violation kind named in the output, and file:line:col for files that do not load.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cto, ensureBuilt } from './explore/cli.js';
import { CONFORMANCE_DIR } from './shared.js';

const dir = CONFORMANCE_DIR;
const cases = readdirSync(dir).filter((f) => f.endsWith('.cto')).sort();

interface Expect {
  readonly verdict: 'verified' | 'violation' | 'error';
  readonly kind: null | 'deadlock' | 'invariant' | 'ps' | 'syntax' | 'static';
}

beforeAll(ensureBuilt, 120_000);

describe('conformance cases through cto verify', () => {
  it('has cases', () => expect(cases.length).toBeGreaterThanOrEqual(20));

  for (const c of cases) {
    it.concurrent(c, async () => {
      const exp = JSON.parse(readFileSync(join(dir, c.replace(/\.cto$/, '.expect.json')), 'utf8')) as Expect;
      const r = await cto(['verify', join(dir, c)]);
      const code = { verified: 0, violation: 1, error: 2 }[exp.verdict];
      expect(r.code, r.stdout + r.stderr).toBe(code);
      if (exp.verdict === 'violation') expect(r.stdout).toMatch(new RegExp(`violation: (${exp.kind}|invariant \\w+)`));
      if (exp.verdict === 'violation' && exp.kind === 'invariant') expect(r.stdout).toContain('violation: invariant');
      if (exp.verdict === 'error') expect(r.stderr).toMatch(new RegExp(`${c.replace('.', '\\.')}:\\d+:\\d+: error`));
      if (exp.verdict === 'error') expect(r.stderr).toContain(`does not load (1 ${exp.kind} error)`);
    });
  }
});
