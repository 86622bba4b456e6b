/**
 * Symmetry reduction for the fast explorer: interchangeable instances, and canonical representatives of
 * states under permutations of them (spec/reduction.md §5).
 *
 * At position `g`, instances `i` and `j` are *interchangeable* when swapping them is an automorphism of
 * the transition system from `g` on: both live with the same type; the same behaviors pushed, in the
 * same order, and as many so far (so equal local states mean equal queues); no instruction from `g` to
 * the end of the chain names either; no invariant names either; and the connections at `g` are the same
 * set once `i` and `j` are exchanged. Interchangeability is closed under composition (a product of
 * automorphisms is one), so each *class* below may be permuted arbitrarily.
 */
import type { Expr, Instr, Model } from '../../model/types.js';
import type { Compiled, Epoch } from './compile.js';
import type { LocalTable } from './local.js';

/** The classes of interchangeable instances at each position (only classes of two or more). */
export interface SymmetryPlan {
  /** `classesAt[g]`: the classes at position g, each sorted by instance index; empty when none. */
  readonly classesAt: readonly (readonly Int32Array[])[];
  /** Whether any position has a class. */
  readonly any: boolean;
}

function instrInstances(ins: Instr): string[] {
  switch (ins.op) {
    case 'add':
    case 'del':
    case 'pushB':
    case 'wait':
      return [ins.instance];
    case 'con':
    case 'dcon':
      return [ins.user, ins.provider];
    case 'waitAll':
      return [];
  }
}

function exprInstances(e: Expr, out: Set<string>): void {
  switch (e.kind) {
    case 'and':
    case 'or':
    case 'implies':
      exprInstances(e.left, out);
      exprInstances(e.right, out);
      return;
    case 'not':
      exprInstances(e.operand, out);
      return;
    case 'idle':
    case 'in':
    case 'active':
      out.add(e.instance);
      return;
  }
}

/**
 * Whether the connections of `ep` are the same set once instances `a` and `b` are exchanged. Connections
 * between two other instances are mapped to themselves; so it suffices that the image of every connection
 * from a use port of `a` or `b`, and of every connection to a provide port of `a` or `b`, is one too.
 */
function swapInvariant(ep: Epoch, a: number, b: number): boolean {
  const sw = (x: number): number => (x === a ? b : x === b ? a : x);
  for (let port = 0; port < 32; port++) {
    // from a use port of a (of b): its image leaves the same port of b (of a)
    for (const u of [a, b]) {
      const pp = ep.provider[u * 32 + port];
      const img = ep.provider[sw(u) * 32 + port];
      if (pp === undefined || img === undefined) {
        if (pp !== img) return false;
      } else if (img.inst !== sw(pp.inst) || img.port !== pp.port) return false;
    }
    // to a provide port of a: the images of its users are the users of the same port of b (same count,
    // and users are distinct, so an injection is a bijection; b's users map back the same way)
    const ua = ep.users[a * 32 + port]!;
    const ub = ep.users[b * 32 + port]!;
    if (ua.length !== ub.length) return false;
    if (ua.length > 0) {
      const keys = new Set(ub.map((y) => y.inst * 32 + y.port));
      for (const x of ua) if (!keys.has(sw(x.inst) * 32 + x.port)) return false;
    }
  }
  return true;
}

/**
 * The symmetry plan of a compiled chain: for each position, its classes of interchangeable instances.
 * `model` gives the invariants (instances they name are never permuted).
 */
export function symmetryPlan(model: Model, c: Compiled): SymmetryPlan {
  const n = c.instances.length;
  const G = c.positions.length;
  const index = new Map(c.instances.map((x, i) => [x, i] as const));
  const pinned = new Uint8Array(n);
  const named = new Set<string>();
  for (const inv of model.invariants) exprInstances(inv.expr, named);
  for (const x of named) {
    const i = index.get(x);
    if (i !== undefined) pinned[i] = 1;
  }
  const pushKey = c.pushList.map((l) => l.join('\u0000'));
  const classesAt: Int32Array[][] = new Array(G);
  // At the last position (the end of the chain) the candidates are the live instances no invariant names,
  // grouped by (type, pushes, push list) and split into classes by the connections.
  const last = G - 1;
  const groups = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const t = c.liveType[last * n + i]!;
    if (pinned[i] || t < 0) continue;
    const key = `${t}|${c.pushCount[last * n + i]}|${pushKey[i]}`;
    const list = groups.get(key);
    if (list) list.push(i);
    else groups.set(key, [i]);
  }
  const ep = c.epochs[c.epochOf[last]!]!;
  let classes: Int32Array[] = [];
  for (let rest of groups.values()) {
    // split a group into classes: members whose transposition with the first is an automorphism
    while (rest.length > 1) {
      const first = rest[0]!;
      const cls = [first];
      const others: number[] = [];
      for (const j of rest.slice(1)) (swapInvariant(ep, first, j) ? cls : others).push(j);
      if (cls.length > 1) classes.push(Int32Array.from(cls));
      rest = others;
    }
  }
  // Going back, an instruction removes the instances it names from their classes. Nothing else changes
  // for the others: their liveness, type and pushes only change at instructions naming them, and so do
  // their connections (a con/dcon between two other instances is mapped to itself by the swap).
  // Classes only shrink going back, so there are classes somewhere iff there are some at the end.
  const any = classes.length > 0;
  for (let g = last; g >= 0; g--) {
    const pos = c.positions[g]!;
    if (pos.kind === 'instr') {
      const drop = new Set(instrInstances(pos.instr).map((x) => index.get(x)));
      if (classes.some((cls) => cls.some((i) => drop.has(i)))) {
        classes = classes.map((cls) => cls.filter((i) => !drop.has(i))).filter((cls) => cls.length > 1);
      }
    }
    classesAt[g] = classes;
  }
  return { classesAt, any };
}

/**
 * Maps packed states to canonical representatives: within each class of the state's position, the local
 * states are sorted (by an instance-independent content id) into the class's slots. Two states related
 * by a permutation of the classes get the same representative.
 */
export class Canonicalizer {
  /** Content id of each (instance, local id); -1 = not yet computed. */
  private readonly contentOf: Int32Array[];
  /** Content ids by content key. */
  private readonly contentIds = new Map<string, number>();
  /** Content of each content id: type, marked, running, docks, popped. */
  private readonly contents: { type: number; marked: bigint; running: bigint; docks: bigint; popped: number }[] = [];
  /** Per instance: local id of each content id. */
  private readonly localOf: Map<number, number>[];
  private pairs = new Float64Array(64);

  constructor(
    private readonly plan: SymmetryPlan,
    private readonly tables: readonly LocalTable[],
  ) {
    this.contentOf = tables.map(() => new Int32Array(0));
    this.localOf = tables.map(() => new Map());
  }

  private content(i: number, l: number): number {
    let memo = this.contentOf[i]!;
    if (l >= memo.length) {
      const grown = new Int32Array(Math.max(l + 1, memo.length * 2, 16)).fill(-1);
      grown.set(memo);
      this.contentOf[i] = memo = grown;
    }
    const known = memo[l]!;
    if (known >= 0) return known;
    const info = this.tables[i]!.infos[l]!;
    const key = `${info.type}|${info.marked}|${info.running}|${info.docks}|${info.popped}`;
    let id = this.contentIds.get(key);
    if (id === undefined) {
      id = this.contents.length;
      this.contents.push({ type: info.type, marked: info.marked, running: info.running, docks: info.docks, popped: info.popped });
      this.contentIds.set(key, id);
    }
    memo[l] = id;
    this.localOf[i]!.set(id, l);
    return id;
  }

  private local(i: number, content: number): number {
    const known = this.localOf[i]!.get(content);
    if (known !== undefined) return known;
    const x = this.contents[content]!;
    const l = this.tables[i]!.intern(x.type, x.marked, x.running, x.docks, x.popped);
    this.content(i, l);
    return l;
  }

  /**
   * Rewrites state `s` (position word first, then one local id per instance) into its canonical
   * representative. Returns whether it changed. With `src`, sets `src[y]` to the instance of the original
   * state whose local state slot `y` now holds (the identity outside the classes).
   */
  canonicalize(s: Int32Array, src?: Int32Array): boolean {
    const classes = this.plan.classesAt[s[0]!]!;
    if (src) for (let y = 0; y < src.length; y++) src[y] = y;
    let changed = false;
    for (const cls of classes) {
      const k = cls.length;
      if (this.pairs.length < k) this.pairs = new Float64Array(k * 2);
      const pairs = this.pairs;
      // (content id, member position in the class) packed in one number, so one numeric sort orders both
      let sorted = true;
      let prev = -1;
      for (let r = 0; r < k; r++) {
        const cid = this.content(cls[r]!, s[1 + cls[r]!]!);
        pairs[r] = cid * 65536 + r;
        if (cid < prev) sorted = false;
        prev = cid;
      }
      if (sorted) continue;
      const view = pairs.subarray(0, k).sort();
      const locals = new Int32Array(k);
      for (let r = 0; r < k; r++) {
        const from = view[r]! % 65536;
        locals[r] = this.local(cls[r]!, Math.floor(view[r]! / 65536));
        if (src) src[cls[r]!] = cls[from]!;
      }
      for (let r = 0; r < k; r++) {
        if (s[1 + cls[r]!] !== locals[r]) changed = true;
        s[1 + cls[r]!] = locals[r]!;
      }
    }
    return changed;
  }
}
