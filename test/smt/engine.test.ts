/**
 * The Z3 engine against the reference explorer: same status, same primary violation kind and trace
 * length, same wait reports, on every conformance case and example that loads; Z3's counterexamples
 * replay through the reference semantics (bmc() checks that itself and throws otherwise).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { explore } from '../../src/explore/search.js';
import type { Verdict } from '../../src/explore/verdict.js';
import { loadSource } from '../../src/model/load.js';
import type { Model } from '../../src/model/types.js';
import { contextFor } from '../../src/semantics/index.js';
import { bmc, replay } from '../../src/smt/bmc.js';
import { disagreement, verifyBoth } from '../../src/smt/both.js';
import { behaviorStepBound, executionBound, layoutOf } from '../../src/smt/layout.js';
import { shutdownZ3 } from '../../src/smt/z3.js';
import { CONFORMANCE_DIR } from '../shared.js';

afterAll(shutdownZ3);

const CONFORMANCE = `${CONFORMANCE_DIR}/`;
const files = [
  ...readdirSync(CONFORMANCE).filter((f) => f.endsWith('.cto')).map((f) => CONFORMANCE + f),
  ...readdirSync('examples').filter((f) => f.endsWith('.cto')).map((f) => 'examples/' + f),
];

function load(file: string): Model | undefined {
  const r = loadSource(readFileSync(file, 'utf8'), file);
  return r.status === 'ok' ? r.model : undefined;
}

/** Programs beyond the Z3 engine within a test's time (see the bound test below). */
const TOO_BIG = new Set(['mariadb-3-2.cto galera', 'mariadb-3-2.cto scale']);

/** What both engines must agree on. */
function summary(v: Verdict): unknown {
  return {
    status: v.status,
    kind: v.status === 'violation' ? v.violations[0]!.kind : undefined,
    length: v.status === 'violation' ? v.violations[0]!.trace.length : undefined,
    kinds: v.status === 'violation' ? v.violations.map((x) => `${x.kind}${x.invariant ?? ''}:${x.trace.length}`).sort() : undefined,
    waits: v.status === 'bound' ? undefined : v.waits.map((w) => [w.program, w.pc, w.returns, w.reached]),
  };
}

describe('z3 engine = reference explorer on the conformance cases and examples', () => {
  for (const file of files) {
    const model = load(file);
    if (!model) continue;
    for (const p of model.programs) {
      if (TOO_BIG.has(`${file.split('/').pop()} ${p.name}`)) continue;
      it(`${file.split('/').pop()} ${p.name}`, async () => {
        const ref = explore(model, p.name);
        const z = await bmc(model, p.name);
        expect(z.bmc.complete).toBe(true);
        expect(summary(z)).toEqual(summary(ref));
        if (z.status === 'violation') for (const v of z.violations) expect(() => replay(contextFor(model, p.name), v.trace)).not.toThrow();
      });
    }
  }

  it('the conformance deadlock of 12 is found by z3 with a trace ending at the dcon', async () => {
    const model = load(CONFORMANCE + '12-dl_dcon_never_returns.cto')!;
    const z = await bmc(model, 'switch');
    expect(z.status).toBe('violation');
    if (z.status !== 'violation') return;
    expect(z.violations[0]!.kind).toBe('deadlock');
    expect(z.waits.find((w) => w.text.startsWith('dcon'))?.returns).toBe(false);
  });
});

describe('z3 engine time limit', () => {
  it('answers bound (never verified) when the time limit cuts the search', async () => {
    const model = load('examples/mariadb-3-2.cto')!;
    const z = await bmc(model, 'galera', { timeLimitMs: 3000 });
    expect(z.status === 'bound' || z.status === 'violation').toBe(true);
    if (z.status === 'bound') expect(z.bmc.complete).toBe(false);
  });
});

describe('execution bound', () => {
  it('counts a place left again after tokens merge into it', () => {
    // M = {a, c} possible at the start of b: leave c, then a -> c re-marks c and c is left again
    const src = `component C { places a, c, d, x  initial x
      behavior split { s1: x -> a  s2: x -> c }
      behavior b { t1: a -> c  t2: c -> d } }
      program p { add(i: C) pushB(i, split) pushB(i, b) waitAll() }`;
    const r = loadSource(src, 'merge.cto');
    expect(r.status).toBe('ok');
    if (r.status !== 'ok') return;
    const b = r.model.componentByName.get('C')!.behaviorByName.get('b')!;
    // leaves: a once, c up to twice; ends: t1 once, t2 up to twice; enters: c once, d up to twice; + finish
    expect(behaviorStepBound(b)).toBe(3 + 3 + 3 + 1);
    const layout = layoutOf(contextFor(r.model, 'p'));
    expect(executionBound(layout)).toBe(4 + behaviorStepBound(b) + behaviorStepBound(r.model.componentByName.get('C')!.behaviorByName.get('split')!));
  });

  it('is never exceeded by the reference explorer (depth ≤ bound) on the conformance cases', () => {
    for (const file of files.filter((f) => f.startsWith(CONFORMANCE))) {
      const model = load(file);
      if (!model) continue;
      for (const p of model.programs) {
        const ref = explore(model, p.name);
        expect(ref.stats.depth).toBeLessThanOrEqual(executionBound(layoutOf(contextFor(model, p.name))));
      }
    }
  });
});

describe('verifyBoth', () => {
  it('agrees on a violation and reports a disagreement when the statuses differ', async () => {
    const model = load(CONFORMANCE + '14-inv_parked_idle.cto')!;
    const r = await verifyBoth(model, 'deploy');
    expect(r.status).toBe('agree');
    if (r.status !== 'agree') return;
    const fake: Verdict = { status: 'verified', program: 'deploy', engine: 'z3', waits: [], stats: r.verdict.stats };
    expect(disagreement(r.verdict, fake)).toMatch(/explicit says violation \(invariant .*\), z3 says verified/);
  });
});
