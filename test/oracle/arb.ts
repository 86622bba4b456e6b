/**
 * A second generator of well-formed `.cto` SOURCE TEXT for the oracle's cross-check, differently
 * shaped from test/arbitraries.ts: each behavior orders the places by its own random permutation
 * (so behaviors are acyclic one by one, but the net as a whole has cycles: start/stop pairs,
 * re-entering places, tokens merging), use ports may share places with provide ports (self-connections
 * are allowed), and instances are deleted and re-added with other types. The text goes through the
 * real loader, so every draw also checks that the loader accepts what §2 allows.
 */
import fc from 'fast-check';

/** A deterministic reader of the drawn numbers; past their end, a small LCG seeded by them takes over. */
class Draws {
  private k = 0;
  private lcg: number;
  constructor(private readonly xs: readonly number[]) {
    this.lcg = xs.reduce((a, x) => (a * 31 + x) >>> 0, 17);
  }
  next(n: number): number {
    if (n <= 1) return 0;
    let x: number;
    if (this.k < this.xs.length) x = this.xs[this.k++]!;
    else {
      this.lcg = (Math.imul(this.lcg, 1664525) + 1013904223) >>> 0;
      x = this.lcg >>> 8;
    }
    return x % n;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.next(xs.length)]!;
  }
  subset<T>(xs: readonly T[]): T[] {
    const out = xs.filter(() => this.next(2) === 1);
    return out.length > 0 ? out : [this.pick(xs)];
  }
}

interface Comp {
  readonly name: string;
  readonly places: readonly string[];
  readonly behaviors: readonly string[];
  readonly uses: readonly string[];
  readonly provides: readonly string[];
  readonly text: string;
}

function component(d: Draws, name: string): Comp {
  const n = 2 + d.next(3);
  const places = Array.from({ length: n }, (_, i) => `p${i}`);
  const behaviors: string[] = [];
  const lines: string[] = [`component ${name} {`, `  places ${places.join(', ')}`, '  initial p0'];
  const nb = 1 + d.next(3);
  let t = 0;
  for (let b = 0; b < nb; b++) {
    // this behavior's own order of the places: transitions go forward in it (acyclic per behavior)
    const keyed = places.map((p, i) => [p, d.next(100) * 10 + i] as const);
    const ranked = [...keyed].sort((x, y) => x[1] - y[1]).map((x) => x[0]);
    const nt = 1 + d.next(3);
    const ts: string[] = [];
    for (let k = 0; k < nt; k++) {
      const i = d.next(n - 1);
      const j = i + 1 + d.next(n - 1 - i);
      ts.push(`t${t++}: ${ranked[i]} -> ${ranked[j]}`);
    }
    behaviors.push(`b${b}`);
    lines.push(`  behavior b${b} { ${ts.join('  ')} }`);
  }
  const uses: string[] = [];
  const provides: string[] = [];
  for (let u = 0; u < d.next(3); u++) {
    uses.push(`u${u}`);
    lines.push(`  use u${u} on ${d.subset(places.slice(1)).join(', ')}`);
  }
  for (let q = 0; q < d.next(3); q++) {
    provides.push(`q${q}`);
    lines.push(`  provide q${q} on ${d.subset(places).join(', ')}`);
  }
  lines.push('}');
  return { name, places, behaviors, uses, provides, text: lines.join('\n') };
}

const INSTANCES = ['a', 'b', 'c'];

/** Source text of a small well-formed file: 1-3 components, 1-3 programs (maybe chained), 0-2 invariants. */
export function arbSource(): fc.Arbitrary<string> {
  return fc.array(fc.nat(1 << 20), { maxLength: 120 }).map((xs) => {
    const d = new Draws(xs);
    const comps = Array.from({ length: 1 + d.next(3) }, (_, k) => component(d, `C${k}`));
    const out: string[] = comps.map((c) => c.text);
    let live = new Map<string, Comp>();
    let conns = new Map<string, string>(); // user.use -> provider.provide
    const added = new Map<string, Comp[]>();
    const np = 1 + d.next(3);
    for (let p = 0; p < np; p++) {
      const after = p > 0 && d.next(3) > 0;
      if (!after) {
        live = new Map();
        conns = new Map();
      }
      const instrs: string[] = [];
      const ni = d.next(10);
      for (let k = 0; k < ni; k++) {
        const kind = d.next(10);
        const liveNames = [...live.keys()];
        const fresh = INSTANCES.filter((x) => !live.has(x));
        const connected = (x: string): boolean => [...conns].some(([u, q]) => u.startsWith(`${x}.`) || q.startsWith(`${x}.`));
        if ((kind <= 1 || liveNames.length === 0) && fresh.length > 0) {
          const x = d.pick(fresh);
          const c = d.pick(comps);
          live.set(x, c);
          added.set(x, [...(added.get(x) ?? []), c]);
          instrs.push(`add(${x}: ${c.name})`);
        } else if (kind <= 4 && liveNames.length > 0) {
          const x = d.pick(liveNames);
          instrs.push(`pushB(${x}, ${d.pick(live.get(x)!.behaviors)})`);
        } else if (kind === 5) {
          const free = liveNames.flatMap((x) => live.get(x)!.uses.filter((u) => !conns.has(`${x}.${u}`)).map((u) => `${x}.${u}`));
          const provs = liveNames.flatMap((x) => live.get(x)!.provides.map((q) => `${x}.${q}`));
          if (free.length > 0 && provs.length > 0) {
            const u = d.pick(free);
            const q = d.pick(provs);
            conns.set(u, q);
            instrs.push(`con(${u}, ${q})`);
          }
        } else if (kind === 6 && conns.size > 0) {
          const [u, q] = d.pick([...conns]);
          conns.delete(u);
          instrs.push(`dcon(${u}, ${q})`);
        } else if (kind === 7) {
          const free = liveNames.filter((x) => !connected(x));
          if (free.length > 0) {
            const x = d.pick(free);
            live.delete(x);
            instrs.push(`del(${x})`);
          }
        } else if (kind === 8 && liveNames.length > 0) {
          instrs.push(`wait(${d.pick(liveNames)})`);
        } else if (kind === 9) {
          instrs.push('waitAll()');
        }
      }
      out.push(`program g${p}${after ? ` after g${p - 1}` : ''} {\n  ${instrs.join('\n  ')}\n}`);
    }
    const atoms = [...added].flatMap(([x, cs]) => [
      `${x} idle`,
      ...new Set(cs.flatMap((c) => [...c.places.map((pl) => `${x} in ${pl}`), ...[...c.uses, ...c.provides].map((pt) => `${x}.${pt} active`)])),
    ]);
    const expr = (depth: number): string => {
      const k = depth <= 0 ? 4 : d.next(7);
      if (k <= 2) return `(${expr(depth - 1)} ${['and', 'or', 'implies'][k]} ${expr(depth - 1)})`; // parenthesised: precedence is tested by hand cases
      if (k === 3) return `not ${expr(depth - 1)}`;
      return d.pick(atoms);
    };
    if (atoms.length > 0) for (let i = 0, n = d.next(4) === 0 ? 1 : 0; i < n; i++) out.push(`invariant inv${i}: ${expr(2)}`);
    return `${out.join('\n\n')}\n`;
  });
}
