/**
 * A fast-check generator of `.cto` sources built around interchangeable instances, for the symmetry
 * reduction's tests: one hub and two or three workers of one type, each worker connected to the hub in
 * the same way and given the same behaviors, with random deviations that must break (or keep) the
 * symmetry — a worker with a different push list, a connection only one worker has, a hub port used by
 * one worker, an invariant naming a worker, waits naming a worker, a second program after the first.
 * `arbModel` almost never yields interchangeable instances, hence this generator.
 */
import fc from 'fast-check';

interface ComponentShape {
  readonly nPlaces: number;
  /** Per behavior: transitions as (source, target) place indices, source < target. */
  readonly behaviors: readonly (readonly (readonly [number, number])[])[];
  /** Use ports: the place indices they are bound to (never 0, the initial place). */
  readonly uses: readonly (readonly number[])[];
  /** Provide ports: the place indices they are bound to. */
  readonly provides: readonly (readonly number[])[];
}

const componentArb = (maxUses: number, maxProvides: number): fc.Arbitrary<ComponentShape> =>
  fc.integer({ min: 2, max: 4 }).chain((nPlaces) =>
    fc.record({
      nPlaces: fc.constant(nPlaces),
      behaviors: fc.array(
        fc.array(
          fc.tuple(fc.nat(nPlaces - 2), fc.nat(nPlaces)).map(([s, d]) => [s, s + 1 + (d % (nPlaces - 1 - s))] as const),
          { minLength: 1, maxLength: 3 },
        ),
        { minLength: 1, maxLength: 2 },
      ),
      uses: fc.array(fc.uniqueArray(fc.integer({ min: 1, max: nPlaces - 1 }), { minLength: 1, maxLength: 2 }), { maxLength: maxUses }),
      provides: fc.array(fc.uniqueArray(fc.nat(nPlaces - 1), { minLength: 1, maxLength: 2 }), { maxLength: maxProvides }),
    }),
  );

function componentText(name: string, c: ComponentShape): string {
  const place = (k: number): string => `p${k}`;
  const lines = [`component ${name} {`, `  places ${Array.from({ length: c.nPlaces }, (_, k) => place(k)).join(', ')}`, `  initial p0`];
  let t = 0;
  c.behaviors.forEach((ts, b) => {
    lines.push(`  behavior b${b} {`);
    const seen = new Set<string>();
    for (const [s, d] of ts) {
      if (seen.has(`${s}-${d}`)) continue; // parallel duplicates are allowed, but keep traces readable
      seen.add(`${s}-${d}`);
      lines.push(`    t${t++}: ${place(s)} -> ${place(d)}`);
    }
    lines.push('  }');
  });
  c.uses.forEach((ps, k) => lines.push(`  use u${k} on ${ps.map(place).join(', ')}`));
  c.provides.forEach((ps, k) => lines.push(`  provide q${k} on ${ps.map(place).join(', ')}`));
  lines.push('}');
  return lines.join('\n');
}

/** Interleaves per-instance instruction lists, keeping each list's order, as `order` dictates. */
function interleave(lists: string[][], order: readonly number[]): string[] {
  const queues = lists.map((l) => [...l]);
  const out: string[] = [];
  let k = 0;
  while (queues.some((q) => q.length > 0)) {
    const nonEmpty = queues.filter((q) => q.length > 0);
    out.push(nonEmpty[(order[k++ % Math.max(order.length, 1)] ?? 0) % nonEmpty.length]!.shift()!);
  }
  return out;
}

/** A source with a hub `h` and workers `w1..wk` of one type, as described above. */
export const arbSymmetricSource: fc.Arbitrary<string> = fc
  .record({
    hub: componentArb(1, 2),
    worker: componentArb(2, 1),
    k: fc.integer({ min: 2, max: 3 }),
    /** Per worker use port: connect it to hub provide port `q`, or leave it unconnected (-1). */
    wiring: fc.array(fc.integer({ min: -1, max: 1 }), { minLength: 2, maxLength: 2 }),
    /**
     * Deviation: 0 none, 1 w1 gets an extra push, 2 only w1 is wired, 3 the hub uses w1, 4 an invariant on
     * w1, 5 w1 and w2 serve each other, 6 a ring of workers, 7 each worker serves itself.
     */
    deviation: fc.nat(8),
    workerPushes: fc.array(fc.nat(1), { minLength: 1, maxLength: 2 }),
    hubPushes: fc.array(fc.nat(1), { maxLength: 2 }),
    order: fc.array(fc.nat(10), { maxLength: 12 }),
    tail: fc.nat(9),
    second: fc.nat(4),
    hubInvariant: fc.boolean(),
  })
  .map((r) => {
    const { hub, worker, k } = r;
    const ws = Array.from({ length: k }, (_, i) => `w${i + 1}`);
    const wb = (x: number): string => `b${x % worker.behaviors.length}`;
    const hb = (x: number): string => `b${x % hub.behaviors.length}`;
    const cons: string[] = [];
    worker.uses.forEach((_, u) => {
      const q = r.wiring[u] ?? -1;
      if (q < 0 || hub.provides.length === 0) return;
      for (const w of ws) {
        if (r.deviation === 2 && w !== 'w1') continue;
        cons.push(`con(${w}.u${u}, h.q${q % hub.provides.length})`);
      }
    });
    if (r.deviation === 3 && hub.uses.length > 0 && worker.provides.length > 0) cons.push('con(h.u0, w1.q0)');
    // workers serving each other through their last use port (when it is not wired to the hub): w1 and w2
    // both ways (a symmetric pair), a ring (symmetric under rotation only, which the reduction does not use:
    // no two workers are interchangeable when k = 3), or each worker serving itself
    const up = `u${worker.uses.length - 1}`;
    if (r.deviation >= 5 && r.deviation <= 7 && worker.uses.length > 1 && worker.provides.length > 0 && !cons.some((c) => c.includes(`.${up},`))) {
      const served = r.deviation === 5 ? [['w1', 'w2'], ['w2', 'w1']] : ws.map((w, i) => [w, r.deviation === 6 ? ws[(i + 1) % k]! : w]);
      for (const [user, provider] of served) cons.push(`con(${user}.${up}, ${provider}.q0)`);
    }
    const perWorker = ws.map((w) => r.workerPushes.map((x) => `pushB(${w}, ${wb(x)})`));
    if (r.deviation === 1) perWorker[0]!.push(`pushB(w1, ${wb(r.workerPushes[0]! + 1)})`);
    const hubList = r.hubPushes.map((x) => `pushB(h, ${hb(x)})`);
    // waits naming one worker while the others may still run are where a wrong symmetry shows
    const tails = [['waitAll()'], ['wait(h)'], [], ['wait(w1)', 'waitAll()'], ['waitAll()', 'wait(w2)'], ['wait(h)', 'waitAll()'], ['wait(w1)'], ['wait(w2)', 'wait(h)'], ['wait(w1)', 'wait(w2)'], ['wait(w2)', 'waitAll()']];
    const deploy = ['add(h: Hub)', ...ws.map((w) => `add(${w}: Worker)`), ...cons, ...interleave([...perWorker, hubList], r.order), ...tails[r.tail]!];
    const programs = [`program deploy {\n${deploy.map((x) => `  ${x}\n`).join('')}}`];
    if (r.second === 1) {
      const again = ws.map((w) => `pushB(${w}, ${wb(r.workerPushes[0]!)})`);
      programs.push(`program again after deploy {\n${[...again, `pushB(h, ${hb(0)})`, 'waitAll()'].map((x) => `  ${x}\n`).join('')}}`);
    } else if (r.second === 2 && cons.length > 0) {
      const undo = cons.filter((c) => c.startsWith('con(w')).map((c) => `d${c}`);
      programs.push(`program undo after deploy {\n${[`pushB(h, ${hb(1)})`, ...undo, 'waitAll()'].map((x) => `  ${x}\n`).join('')}}`);
    } else if (r.second === 3 && cons.some((c) => c.startsWith('con(w1.'))) {
      // the workers run again and only w1 is disconnected: w1 is named, the others stay interchangeable
      const again = ws.map((w) => `pushB(${w}, ${wb(r.workerPushes[0]!)})`);
      const first = cons.find((c) => c.startsWith('con(w1.'))!;
      programs.push(`program detach after deploy {\n${[...again, `d${first}`, 'waitAll()'].map((x) => `  ${x}\n`).join('')}}`);
    }
    const invariants: string[] = [];
    if (r.hubInvariant) invariants.push(`invariant hubUp: h in p${hub.nPlaces - 1} or not h idle`);
    if (r.deviation === 4) invariants.push(`invariant firstWorker: not w1 in p${worker.nPlaces - 1} or w1 idle`);
    return [componentText('Hub', hub), componentText('Worker', worker), ...programs, ...invariants].join('\n\n') + '\n';
  });
