/**
 * k-induction (src/smt/induction.ts): proves, refutes with a replayed trace, or says unknown, and never
 * contradicts the reference explorer; the z3 engine falls back to it when its time limit cuts BMC.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { explore } from '../../src/explore/search.js';
import { loadSource } from '../../src/model/load.js';
import type { Model } from '../../src/model/types.js';
import { contextFor, violatedInvariants } from '../../src/semantics/index.js';
import { bmc, replay } from '../../src/smt/bmc.js';
import { Encoder } from '../../src/smt/encode.js';
import { proveInductive, strengthening, type PropertyResult } from '../../src/smt/induction.js';
import { layoutOf } from '../../src/smt/layout.js';
import { shutdownZ3, z3Context } from '../../src/smt/z3.js';
import { arbModel } from '../arbitraries.js';

afterAll(shutdownZ3);

function model(src: string): Model {
  const r = loadSource(src, 'test.cto');
  if (r.status !== 'ok') throw new Error('test model does not load');
  return r.model;
}

function result(rs: readonly PropertyResult[], property: string): PropertyResult {
  return rs.find((r) => r.property === property)!;
}

/** Invariant violations the reference explorer finds, as `ps` / `inv:NAME`. */
function referenceBroken(m: Model, program: string): Set<string> {
  const v = explore(m, program);
  expect(v.status).not.toBe('bound');
  return new Set(v.status === 'violation' ? v.violations.filter((x) => x.kind !== 'deadlock').map((x) => (x.kind === 'ps' ? 'ps' : 'inv:' + x.invariant)) : []);
}

const PROXY = `
component Web { places off, running  initial off
  behavior deploy { start: off -> running }
  provide http on running }
component Proxy { places off, running  initial off
  behavior deploy { reload: off -> running }
  use backend on running
  provide frontend on running }
program deploy { add(blue: Web) add(green: Web) add(proxy: Proxy) con(proxy.backend, blue.http)
  pushB(blue, deploy) pushB(green, deploy) pushB(proxy, deploy) waitAll() }
invariant served_by_blue: proxy.frontend active implies blue.http active
invariant green_waits: green in running implies blue in running`;

const PARKED = `
component Web { places off, configured, running  initial off
  behavior configure { render: off -> configured }
  behavior start { launch: configured -> running }
  provide http on running }
program deploy { add(web: Web) pushB(web, configure) wait(web) pushB(web, start) wait(web) }
invariant never_parked: web in configured implies not web idle`;

/** True, but a state with tokens on a and b (unreachable) breaks it in two steps: 3-inductive, not 1-inductive. */
const TWO_TOKENS = `
component C { places a, b, c  initial a
  behavior go { t1: a -> b  t2: b -> c }
  provide x on b, c }
program p { add(i: C) pushB(i, go) wait(i) }
invariant single: not (i in a and i.x active)`;

describe('proveInductive', () => {
  it('proves PS and a true invariant 1-inductive, and leaves a false one open or refuted', async () => {
    const m = model(PROXY);
    const r = await proveInductive(m, 'deploy', { k: 2 });
    expect(result(r.results, 'ps')).toMatchObject({ status: 'proved', k: 1, by: 'induction' });
    expect(result(r.results, 'inv:served_by_blue')).toMatchObject({ status: 'proved', k: 1, by: 'induction' });
    // green may run before blue: the reference finds it; induction at k ≤ 2 must not claim it proved
    expect(referenceBroken(m, 'deploy')).toEqual(new Set(['inv:green_waits']));
    expect(result(r.results, 'inv:green_waits').status).not.toBe('proved');
  });

  it('refutes a false invariant with a shortest trace that replays to a violating state', async () => {
    const m = model(PARKED);
    const r = await proveInductive(m, 'deploy', { k: 8 });
    const inv = result(r.results, 'inv:never_parked');
    expect(inv.status).toBe('violated');
    if (inv.status !== 'violated') return;
    const ctx = contextFor(m, 'deploy');
    expect(violatedInvariants(ctx, replay(ctx, inv.trace))).toContain('never_parked');
    const ref = explore(m, 'deploy');
    expect(ref.status).toBe('violation');
    if (ref.status === 'violation') expect(inv.trace.length).toBe(ref.violations.find((v) => v.invariant === 'never_parked')!.trace.length);
  });

  it('a true invariant that is not 1-inductive: unknown at k = 1, proved by induction at k = 3', async () => {
    const m = model(TWO_TOKENS);
    expect(referenceBroken(m, 'p').size).toBe(0);
    const r1 = await proveInductive(m, 'p', { k: 1 });
    expect(result(r1.results, 'inv:single')).toMatchObject({ status: 'unknown', why: 'k' });
    const r5 = await proveInductive(m, 'p', { k: 5 });
    expect(result(r5.results, 'inv:single')).toMatchObject({ status: 'proved', k: 3, by: 'induction' });
  });

  it('says time, not k, when the budget runs out', async () => {
    const r = await proveInductive(model(TWO_TOKENS), 'p', { k: 5, timeLimitMs: 0 });
    expect(r.results.every((x) => x.status === 'unknown' && x.why === 'time')).toBe(true);
  });

  it('never contradicts the reference explorer on generated models', async () => {
    const tiny = arbModel({ maxComponents: 2, maxPlaces: 3, maxBehaviors: 2, maxTransitions: 2, maxPorts: 1, maxPrograms: 1, maxInstrs: 6, attributes: false });
    await fc.assert(
      fc.asyncProperty(tiny, async (m) => {
        for (const p of m.programs) {
          const broken = referenceBroken(m, p.name);
          const r = await proveInductive(m, p.name, { k: 3 });
          for (const x of r.results) {
            if (x.status === 'proved') expect(broken.has(x.property)).toBe(false);
            if (x.status === 'violated') expect(broken.has(x.property)).toBe(true);
          }
        }
      }),
      { numRuns: 30 },
    );
  });
});

/** Whether the strengthening holds at the start and is preserved by every step (so it is true of every reachable state). */
async function strengtheningIsInvariant(m: Model, program: string): Promise<boolean> {
  const z = await z3Context();
  const layout = layoutOf(contextFor(m, program));
  const enc = new Encoder(z, layout);
  const s0 = enc.stateAt(0);
  const s1 = enc.stateAt(1);
  const init = new z.Solver('QF_BV');
  init.add(enc.initial(s0), enc.domain(s0), z.Not(strengthening(z, enc, layout, s0)));
  const step = new z.Solver('QF_BV');
  step.add(enc.domain(s0), enc.domain(s1), strengthening(z, enc, layout, s0), enc.transition(s0, s1, z.BitVec.const('sel', enc.selWidth)));
  step.add(z.Not(strengthening(z, enc, layout, s1)));
  return (await init.check()) === 'unsat' && (await step.check()) === 'unsat';
}

describe('the strengthening is sound', () => {
  it('holds initially and is 1-inductive on the examples and on generated models', async () => {
    for (const f of ['examples/seed.cto', 'examples/inplace-update.cto', 'examples/mariadb-3-2.cto']) {
      const r = loadSource(readFileSync(f, 'utf8'), f);
      if (r.status !== 'ok') continue;
      for (const p of r.model.programs) expect(await strengtheningIsInvariant(r.model, p.name), `${f} ${p.name}`).toBe(true);
    }
    const tiny = arbModel({ maxComponents: 2, maxPlaces: 3, maxBehaviors: 2, maxTransitions: 2, maxPorts: 1, maxPrograms: 2, maxInstrs: 6, attributes: false });
    await fc.assert(
      fc.asyncProperty(tiny, async (m) => {
        for (const p of m.programs) expect(await strengtheningIsInvariant(m, p.name)).toBe(true);
      }),
      { numRuns: 30 },
    );
  });
});

describe('z3 engine: k-induction when BMC runs out of time', () => {
  it('keeps status bound and reports PS proved for every depth', async () => {
    const m = loadSource(readFileSync('examples/mariadb-3-2.cto', 'utf8'), 'mariadb-3-2.cto');
    expect(m.status).toBe('ok');
    if (m.status !== 'ok') return;
    const z = await bmc(m.model, 'galera', { timeLimitMs: 3000 });
    expect(z.bmc.complete).toBe(false);
    expect(z.status).toBe('bound');
    expect(z.induction).toBeDefined();
    expect(result(z.induction!.results, 'ps')).toMatchObject({ status: 'proved' });
    const off = await bmc(m.model, 'galera', { timeLimitMs: 1000, induction: false });
    expect(off.induction).toBeUndefined();
  });
});
