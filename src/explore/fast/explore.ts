/**
 * The fast explorer: the same breadth-first search and the same verdict as the reference explorer
 * (`../search.ts`), over packed states. A state is `width = 1 + n` Int32 words: the flattened position
 * (see `compile.ts`) and one interned local-state id per instance (see `local.ts`); everything else —
 * which instances are live, their types, connections, queues — is a static function of the position.
 * Steps are precompiled per local state; guards are tests on port-activity bit masks.
 *
 * With `reduce` (the default) the search expands a persistent subset of the enabled steps
 * (`chooseReduced`), which is sound for deadlocks, invariants, PS and the per-wait answers; see
 * spec/reduction.md for the argument. Traces are converted to reference `Step[]`.
 */
import type { Expr, Model } from '../../model/types.js';
import type { Step } from '../../semantics/index.js';
import type { VerifyOptions } from '../engines.js';
import { compareViolations, explore as referenceExplore, waitReports } from '../search.js';
import type { BoundKind, Verdict, Violation, ViolationKind } from '../verdict.js';
import { compile, Unsupported, type Compiled, type Epoch } from './compile.js';
import { FINISH, LEAVE, END, ENTER, localTables, type LocalAtom, type LocalStep, type LocalTable } from './local.js';
import { StateStore, wordHash1, wordHash2 } from './store.js';
import { Canonicalizer, symmetryPlan } from './symmetry.js';

/** The engine name this explorer reports. */
export const FAST_ENGINE = 'fast';

/** Options of the fast explorer: the common bounds plus whether to apply partial-order reduction. */
export interface FastOptions extends VerifyOptions {
  /** Expand persistent sets instead of every enabled step (default true). */
  readonly reduce?: boolean;
  /**
   * Store one representative per class of states equal up to permuting interchangeable instances
   * (`symmetry.ts`, spec/reduction.md §5). Default false.
   */
  readonly symmetry?: boolean;
  /**
   * Called once per stored state in which no step is enabled (deadlocked or completed), with a function
   * giving the trace to it. For tests: the reduction must keep every such state of the full exploration.
   */
  readonly onTerminal?: (trace: () => Step[]) => void;
}

const OP_ADD = 0;
const OP_DEL = 1;
const OP_CON = 2;
const OP_DCON = 3;
const OP_PUSHB = 4;
const OP_WAIT = 5;
const OP_WAITALL = 6;
const OP_BARRIER = 7;
const OP_END = 8;

/** Step code of an instruction (component steps are `inst * STEP_STRIDE + index`). */
const INSTR_CODE = -1;
const STEP_STRIDE = 4096;

type AtomEval = (s: Int32Array, g: number) => boolean;

/** The invariant atoms, split per instance, and one evaluator per invariant. */
interface CompiledInvariants {
  readonly atomsOf: LocalAtom[][];
  readonly idleAtom: boolean[];
  readonly evals: { readonly name: string; readonly holds: AtomEval }[];
}

function compileInvariants(model: Model, c: Compiled, tables: () => readonly LocalTable[]): CompiledInvariants {
  const n = c.instances.length;
  const index = new Map(c.instances.map((x, i) => [x, i] as const));
  const atomsOf: LocalAtom[][] = c.instances.map(() => []);
  const idleAtom = c.instances.map(() => false);
  const atomIndex = (i: number, kind: 'in' | 'active', name: string): number => {
    const list = atomsOf[i]!;
    const k = list.findIndex((a) => a.kind === kind && a.name === name);
    if (k >= 0) return k;
    list.push({ kind, name });
    return list.length - 1;
  };
  const build = (e: Expr): AtomEval => {
    switch (e.kind) {
      case 'and': {
        const l = build(e.left);
        const r = build(e.right);
        return (s, g) => l(s, g) && r(s, g);
      }
      case 'or': {
        const l = build(e.left);
        const r = build(e.right);
        return (s, g) => l(s, g) || r(s, g);
      }
      case 'implies': {
        const l = build(e.left);
        const r = build(e.right);
        return (s, g) => !l(s, g) || r(s, g);
      }
      case 'not': {
        const o = build(e.operand);
        return (s, g) => !o(s, g);
      }
      case 'idle': {
        const i = index.get(e.instance);
        if (i === undefined) return () => false;
        idleAtom[i] = true;
        return (s, g) => {
          const l = s[1 + i]!;
          return l !== 0 && tables()[i]!.infos[l]!.popped >= c.pushCount[g * n + i]!;
        };
      }
      case 'in':
      case 'active': {
        const i = index.get(e.instance);
        if (i === undefined) return () => false;
        const k = atomIndex(i, e.kind, e.kind === 'in' ? e.place : e.port);
        return (s) => tables()[i]!.infos[s[1 + i]!]!.atomValues[k] === 1;
      }
    }
  };
  const evals = model.invariants.map((inv) => ({ name: inv.name, holds: build(inv.expr) }));
  return { atomsOf, idleAtom, evals };
}

/**
 * Explores the chain of `programName` and returns the same verdict as the reference explorer (status,
 * violation kinds and invariants, per-wait answers), with traces that replay through the reference
 * semantics. Falls back to the reference explorer for models outside what it handles (over 30 ports in
 * one component, or a program rule that does not hold — never the case for a file that loads).
 */
export function fastExplore(model: Model, programName: string, opts: FastOptions = {}): Verdict {
  let c: Compiled;
  try {
    c = compile(model, programName);
  } catch (e) {
    if (e instanceof Unsupported) return referenceExplore(model, programName, opts);
    throw e;
  }
  return run(model, programName, c, opts);
}

function run(model: Model, programName: string, c: Compiled, opts: FastOptions): Verdict {
  const t0 = Date.now();
  const reduce = opts.reduce ?? true;
  const maxStates = opts.maxStates ?? Infinity;
  const maxDepth = opts.maxDepth ?? Infinity;
  const maxBytes = opts.maxMemoryMb !== undefined ? opts.maxMemoryMb * 1024 * 1024 : Infinity;
  const deadline = opts.timeLimitMs !== undefined ? t0 + opts.timeLimitMs : Infinity;

  const n = c.instances.length;
  const W = 1 + n;
  const positions = c.positions;
  const G = positions.length;
  let tablesRef: LocalTable[] = [];
  const inv = compileInvariants(model, c, () => tablesRef);
  const tables = localTables(model, c, inv.atomsOf, inv.idleAtom);
  tablesRef = tables;
  const infos = tables.map((t) => t.infos);
  const plan = opts.symmetry ? symmetryPlan(model, c) : undefined;
  const canon = plan?.any ? new Canonicalizer(plan, tables) : undefined;
  const classesAt = plan?.classesAt;
  const pushCount = c.pushCount;
  const liveType = c.liveType;
  const epochs: Epoch[] = [...c.epochs];
  const epochOf = c.epochOf;

  // Per position: instruction opcode and operands.
  const op = new Int32Array(G);
  const argA = new Int32Array(G).fill(-1);
  const argPort = new Int32Array(G).fill(-1);
  const instIndex = new Map(c.instances.map((x, i) => [x, i] as const));
  positions.forEach((p, g) => {
    if (p.kind === 'barrier') op[g] = OP_BARRIER;
    else if (p.kind === 'end') op[g] = OP_END;
    else {
      const ins = p.instr;
      switch (ins.op) {
        case 'add':
          op[g] = OP_ADD;
          argA[g] = instIndex.get(ins.instance)!;
          break;
        case 'del':
          op[g] = OP_DEL;
          argA[g] = instIndex.get(ins.instance)!;
          break;
        case 'con':
          op[g] = OP_CON;
          argA[g] = instIndex.get(ins.user)!;
          argPort[g] = c.types[liveType[g * n + argA[g]!]!]!.portBit.get(ins.usePort)!;
          break;
        case 'dcon':
          op[g] = OP_DCON;
          argA[g] = instIndex.get(ins.user)!;
          argPort[g] = c.types[liveType[g * n + argA[g]!]!]!.portBit.get(ins.usePort)!;
          break;
        case 'pushB':
          op[g] = OP_PUSHB;
          argA[g] = instIndex.get(ins.instance)!;
          break;
        case 'wait':
          op[g] = OP_WAIT;
          argA[g] = instIndex.get(ins.instance)!;
          break;
        case 'waitAll':
          op[g] = OP_WAITALL;
          break;
      }
    }
  });
  /** Local id of a freshly added instance at an `add` position. */
  const addTarget = new Int32Array(G);
  for (let g = 0; g < G; g++) {
    if (op[g] === OP_ADD) {
      const i = argA[g]!;
      addTarget[g] = tables[i]!.initial(liveType[(g + 1) * n + i]!, pushCount[g * n + i]!);
    }
  }
  /** Whether an instruction changes an invariant atom (add/del of an instance with atoms, pushB on one with an idle atom). */
  const instrVisible = new Uint8Array(G);
  for (let g = 0; g < G; g++) {
    const i = argA[g]!;
    if ((op[g] === OP_ADD || op[g] === OP_DEL) && (inv.atomsOf[i]!.length > 0 || inv.idleAtom[i])) instrVisible[g] = 1;
    if (op[g] === OP_PUSHB && inv.idleAtom[i]) instrVisible[g] = 1;
  }

  const isIdle = (s: Int32Array, g: number, i: number): boolean => {
    const l = s[1 + i]!;
    return l === 0 || infos[i]![l]!.popped >= pushCount[g * n + i]!;
  };
  const allIdle = (s: Int32Array, g: number): boolean => {
    for (let i = 0; i < n; i++) if (!isIdle(s, g, i)) return false;
    return true;
  };
  /** Hands over completed programs of the chain (not a step, §1). */
  const normalize = (s: Int32Array): void => {
    while (op[s[0]!] === OP_BARRIER && allIdle(s, s[0]!)) s[0] = s[0]! + 1;
  };

  /**
   * Applies to packed state `t`, in place, the instruction at its position (`i < 0`) or step `k` of
   * instance `i`'s local state. Returns the instance word it changes (0: none besides the position).
   */
  const applyPacked = (t: Int32Array, i: number, k: number): number => {
    const g = t[0]!;
    if (i < 0) {
      const o = op[g]!;
      const w = 1 + argA[g]!;
      if (w > 0) t[w] = o === OP_ADD ? addTarget[g]! : o === OP_DEL ? 0 : t[w]!;
      t[0] = g + 1;
      normalize(t);
      return w;
    }
    const l = t[1 + i]!;
    const st = (infos[i]![l]!.steps ?? tables[i]!.steps(l))[k]!;
    t[1 + i] = st.target;
    if (st.kind === FINISH) normalize(t);
    return 1 + i;
  };

  /**
   * The guard of component step `st` of instance `i` in state `s` (§3 rules 1 and 3, evaluated after the
   * step). Returns -2 if it holds; otherwise the instance whose port makes it false, or -1 if no other
   * instance can make it true (an unconnected use port, or the instance's own port).
   */
  const guard = (s: Int32Array, ep: Epoch, i: number, st: LocalStep): number => {
    let gu = st.guardUses;
    while (gu !== 0) {
      const u = 31 - Math.clz32(gu & -gu);
      gu &= gu - 1;
      const pp = ep.provider[i * 32 + u];
      if (pp === undefined) return -1;
      const lj = pp.inst === i ? st.target : s[1 + pp.inst]!;
      if (((infos[pp.inst]![lj]!.active >>> pp.port) & 1) === 0) return pp.inst === i ? -1 : pp.inst;
    }
    let gp = st.guardProvides;
    while (gp !== 0) {
      const q = 31 - Math.clz32(gp & -gp);
      gp &= gp - 1;
      const us = ep.users[i * 32 + q]!;
      for (let k = 0; k < us.length; k++) {
        const pu = us[k]!;
        const lj = pu.inst === i ? st.target : s[1 + pu.inst]!;
        if (((infos[pu.inst]![lj]!.active >>> pu.port) & 1) !== 0) return pu.inst === i ? -1 : pu.inst;
      }
    }
    return -2;
  };

  /** Whether the instruction at position g is enabled in s (§3 program steps). */
  const instrEnabled = (s: Int32Array, g: number): boolean => {
    switch (op[g]) {
      case OP_DEL:
      case OP_WAIT:
        return isIdle(s, g, argA[g]!);
      case OP_DCON: {
        const a = argA[g]!;
        return ((infos[a]![s[1 + a]!]!.active >>> argPort[g]!) & 1) === 0;
      }
      case OP_WAITALL:
        return allIdle(s, g);
      case OP_BARRIER:
      case OP_END:
        return false;
      default:
        return true;
    }
  };

  /** PS of §3 in s: every active use port is connected to an active provide port. */
  const psHolds = (s: Int32Array, g: number): boolean => {
    const ep = epochs[epochOf[g]!]!;
    for (let i = 0; i < n; i++) {
      const l = s[1 + i]!;
      if (l === 0) continue;
      const info = infos[i]![l]!;
      let a = info.active & c.types[info.type]!.useMask;
      while (a !== 0) {
        const u = 31 - Math.clz32(a & -a);
        a &= a - 1;
        const pp = ep.provider[i * 32 + u];
        if (pp === undefined) return false;
        if (((infos[pp.inst]![s[1 + pp.inst]!]!.active >>> pp.port) & 1) === 0) return false;
      }
    }
    return true;
  };

  const store = new StateStore(W);
  const cur = new Int32Array(W);
  const nxt = new Int32Array(W);
  const cn = new Int32Array(W); // the canonical representative of nxt, under symmetry
  nxt.set(cur);
  // the start state: empty assembly at position 0, normalized
  normalize(cur);
  {
    const [h1, h2] = StateStore.hash(cur, W);
    store.record(store.find(cur, h1, h2, true), -1, INSTR_CODE, 0);
  }

  const found = new Map<string, { kind: ViolationKind; invariant?: string; id: number }>();
  const pcKey = (g: number): number => positions[g]!.stage * 1_000_000 + positions[g]!.pc;
  const reachedAt = new Uint8Array(G);
  const blockedAt = new Uint8Array(G);
  let transitions = 0;
  let depthSeen = 0;
  let bound: BoundKind | undefined;

  // enabled steps of the state being expanded: instance and step index (-1 = the instruction)
  let enInst = new Int32Array(64);
  let enStep = new Int32Array(64);
  let enCount = 0;
  const pushEnabled = (i: number, k: number): void => {
    if (enCount === enInst.length) {
      const a = new Int32Array(enInst.length * 2);
      a.set(enInst);
      enInst = a;
      const b = new Int32Array(enStep.length * 2);
      b.set(enStep);
      enStep = b;
    }
    enInst[enCount] = i;
    enStep[enCount] = k;
    enCount++;
  };
  // reduction scratch
  const inS = new Uint8Array(n);
  const work = new Int32Array(n);
  const chosen = new Uint8Array(n + 1); // chosen[i] for instances, chosen[n] for the instruction
  const enabledOf = new Int32Array(n); // number of enabled steps per instance in the current state

  /** Adds `i` to S and closes S under the stubborn-set conditions (spec/reduction.md). Returns S's enabled count. */
  const close = (s: Int32Array, g: number, ep: Epoch, start: readonly number[], members: number[]): void => {
    let top = 0;
    for (const i of start) {
      if (!inS[i]) {
        inS[i] = 1;
        members.push(i);
        work[top++] = i;
      }
    }
    const add = (j: number): void => {
      if (!inS[j]) {
        inS[j] = 1;
        members.push(j);
        work[top++] = j;
      }
    };
    while (top > 0) {
      const i = work[--top]!;
      if (isIdle(s, g, i)) continue;
      const steps = tables[i]!.steps(s[1 + i]!);
      for (let k = 0; k < steps.length; k++) {
        const st = steps[k]!;
        const gr = guard(s, ep, i, st);
        if (gr === -2) {
          // D1: an enabled step of S against every step an outsider could take while pc stays
          let gp = st.guardProvides;
          while (gp !== 0) {
            const q = 31 - Math.clz32(gp & -gp);
            gp &= gp - 1;
            for (const pu of ep.users[i * 32 + q]!) {
              const j = pu.inst;
              if (j !== i && !inS[j] && ((tables[j]!.futureActivate(s[1 + j]!, pushCount[g * n + j]!) >>> pu.port) & 1) !== 0) add(j);
            }
          }
          let gu = st.guardUses;
          while (gu !== 0) {
            const u = 31 - Math.clz32(gu & -gu);
            gu &= gu - 1;
            const pp = ep.provider[i * 32 + u];
            if (pp === undefined) continue;
            const j = pp.inst;
            if (j !== i && !inS[j] && ((tables[j]!.futureDeactivate(s[1 + j]!, pushCount[g * n + j]!) >>> pp.port) & 1) !== 0) add(j);
          }
        } else if (gr >= 0) {
          // D2: a necessary enabling set of a guard-blocked step: the steps of the instance blocking it
          add(gr);
        }
      }
    }
  };

  /**
   * Marks in `chosen` a persistent subset of the enabled steps of s (spec/reduction.md), or returns
   * false to expand everything. Called only when more than one step is enabled.
   */
  const chooseReduced = (s: Int32Array, g: number, instrOn: boolean): boolean => {
    const o = op[g]!;
    // An unguarded, invisible step of an instance that can take no other step commutes with everything
    // any other step can do (spec/reduction.md, "lone steps"): it is a persistent set on its own.
    for (let e = 0; e < enCount; e++) {
      const i = enInst[e]!;
      if (i < 0 || enabledOf[i] !== 1) continue;
      const steps = tables[i]!.steps(s[1 + i]!);
      if (steps.length !== 1) continue;
      const st = steps[0]!;
      if (st.guardUses === 0 && st.guardProvides === 0 && !st.visible) {
        chosen.fill(0);
        chosen[i] = 1;
        return true;
      }
    }
    if (instrOn && o !== OP_DCON) {
      if (instrVisible[g]) return false;
      if (o === OP_CON) {
        // relies on "an unconnected use port is inactive" (PS); check it rather than assume it
        const a = argA[g]!;
        if (((infos[a]![s[1 + a]!]!.active >>> argPort[g]!) & 1) !== 0) return false;
      }
      chosen.fill(0);
      chosen[n] = 1;
      return true;
    }
    const ep = epochs[epochOf[g]!]!;
    const required: number[] = [];
    if (o === OP_WAIT || o === OP_DEL || o === OP_DCON) required.push(argA[g]!);
    let best: number[] | undefined;
    let bestCount = Infinity;
    const base: number[] = [];
    inS.fill(0);
    close(s, g, ep, required, base);
    let baseCount = 0;
    for (const i of base) baseCount += enabledOf[i]!;
    if (baseCount > 0) {
      best = base;
      bestCount = baseCount;
    } else {
      const baseMarks = Uint8Array.from(inS);
      for (let k = 0; k < n; k++) {
        if (enabledOf[k] === 0 || baseMarks[k]) continue;
        inS.set(baseMarks);
        const members = [...base];
        close(s, g, ep, [k], members);
        let count = 0;
        for (const i of members) count += enabledOf[i]!;
        if (count < bestCount) {
          bestCount = count;
          best = members;
          if (count === 1) break;
        }
      }
    }
    if (!best) return false;
    chosen.fill(0);
    for (const i of best) chosen[i] = 1;
    if (instrOn) chosen[n] = 1; // an enabled dcon belongs to T
    // visibility: a persistent set with a visible step is replaced by every enabled step
    for (let e = 0; e < enCount; e++) {
      const i = enInst[e]!;
      const k = enStep[e]!;
      if (k < 0 || !chosen[i]) continue;
      if (tables[i]!.steps(s[1 + i]!)[k]!.visible) return false;
    }
    return true;
  };

  let head = 0;
  search: while (head < store.size) {
    const id = head++;
    const base = id * W;
    const words = store.words;
    for (let k = 0; k < W; k++) cur[k] = nxt[k] = words[base + k]!;
    const g = cur[0]!;
    const depth = store.depth[id]!;
    if (depth > depthSeen) depthSeen = depth;
    reachedAt[g] = 1;

    for (const e of inv.evals) {
      if (!found.has('inv:' + e.name) && !e.holds(cur, g)) found.set('inv:' + e.name, { kind: 'invariant', invariant: e.name, id });
    }
    if (!found.has('ps') && !psHolds(cur, g)) found.set('ps', { kind: 'ps', id });

    // the enabled steps
    enCount = 0;
    const ep = epochs[epochOf[g]!]!;
    const instrOn = instrEnabled(cur, g);
    if (instrOn) pushEnabled(-1, -1);
    for (let i = 0; i < n; i++) {
      enabledOf[i] = 0;
      const l = cur[1 + i]!;
      if (l === 0 || infos[i]![l]!.popped >= pushCount[g * n + i]!) continue;
      const steps = infos[i]![l]!.steps ?? tables[i]!.steps(l);
      for (let k = 0; k < steps.length; k++) {
        const st = steps[k]!;
        if ((st.guardUses | st.guardProvides) === 0 || guard(cur, ep, i, st) === -2) {
          pushEnabled(i, k);
          enabledOf[i]!++;
        }
      }
    }
    if (enCount === 0 && opts.onTerminal) {
      const at = id;
      opts.onTerminal(() => traceTo(at));
    }
    if (enCount === 0 && !(op[g] === OP_END && allIdle(cur, g))) {
      if (!found.has('deadlock')) found.set('deadlock', { kind: 'deadlock', id });
      blockedAt[g] = 1;
    }

    if ((id & 1023) === 1023) {
      const now = Date.now();
      opts.onProgress?.({ states: store.size, transitions, depth, queue: store.size - head, ms: now - t0 });
      if (now > deadline) {
        bound = 'time';
        break;
      }
      if (maxBytes !== Infinity && (id & 16383) === 16383 && store.bytes() + process.memoryUsage().heapUsed > maxBytes) {
        bound = 'memory';
        break;
      }
    }

    const reduced = reduce && enCount > 1 && chooseReduced(cur, g, instrOn);
    const ch1 = store.lane1[id]!;
    const ch2 = store.lane2[id]!;
    for (let e = 0; e < enCount; e++) {
      const i = enInst[e]!;
      const k = enStep[e]!;
      if (reduced && !chosen[i < 0 ? n : i]) continue;
      transitions++;
      const code = i < 0 ? INSTR_CODE : i * STEP_STRIDE + k;
      nxt[0] = g;
      const w = applyPacked(nxt, i, k); // the instance word the step changes (besides the position)
      let h1 = ch1;
      let h2 = ch2;
      if (nxt[0] !== g) {
        h1 = (h1 - wordHash1(0, g) + wordHash1(0, nxt[0]!)) | 0;
        h2 = (h2 - wordHash2(0, g) + wordHash2(0, nxt[0]!)) | 0;
      }
      if (w > 0 && nxt[w] !== cur[w]) {
        h1 = (h1 - wordHash1(w, cur[w]!) + wordHash1(w, nxt[w]!)) | 0;
        h2 = (h2 - wordHash2(w, cur[w]!) + wordHash2(w, nxt[w]!)) | 0;
      }
      let target = nxt;
      if (canon && classesAt![nxt[0]!]!.length > 0) {
        cn.set(nxt);
        if (canon.canonicalize(cn)) {
          target = cn;
          [h1, h2] = StateStore.hash(cn, W);
        }
      }
      if (depth >= maxDepth || store.size >= maxStates || (store.full() && store.bytesAfterGrowth() + process.memoryUsage().heapUsed > maxBytes)) {
        const known = store.find(target, h1, h2, false) < 0;
        if (!known) {
          if (depth >= maxDepth) bound = 'depth';
          else {
            bound = store.size >= maxStates ? 'states' : 'memory';
            break search;
          }
        }
      } else {
        const r = store.find(target, h1, h2, true);
        if (r >= 0) store.record(r, id, code, depth + 1);
      }
      if (w > 0) nxt[w] = cur[w]!;
    }
  }

  // traces
  /**
   * The step into stored state `childId`, as a reference step; `m` maps the parent's instances to the
   * instances of the concrete state the trace is in (the identity without symmetry).
   */
  function stepOf(childId: number, m?: Int32Array): Step {
    const p = store.parent[childId]!;
    const code = store.step[childId]!;
    const pg = store.words[p * W]!;
    if (code === INSTR_CODE) {
      const pos = positions[pg]!;
      return { kind: 'instr', stage: pos.stage, pc: pos.pc };
    }
    const i = Math.floor(code / STEP_STRIDE);
    const k = code % STEP_STRIDE;
    const st = tables[i]!.steps(store.words[p * W + 1 + i]!)[k]!;
    const instance = c.instances[m ? m[i]! : i]!;
    switch (st.kind) {
      case LEAVE:
        return { kind: 'leave', instance, place: st.name };
      case END:
        return { kind: 'end', instance, transition: st.name };
      case ENTER:
        return { kind: 'enter', instance, place: st.name };
      default:
        return { kind: 'finish', instance, behavior: st.name };
    }
  }
  function traceTo(id: number): Step[] {
    const path: number[] = [];
    for (let x = id; store.parent[x]! >= 0; x = store.parent[x]!) path.push(x);
    path.reverse();
    if (!canon) return path.map((x) => stepOf(x));
    // Under symmetry the stored states are representatives: follow the permutation that maps each one
    // to the concrete state the trace has reached (m[x] = the concrete instance playing x's part).
    let m = Int32Array.from({ length: n }, (_, i) => i);
    const src = new Int32Array(n);
    const t = new Int32Array(W);
    const steps: Step[] = [];
    for (const child of path) {
      const p = store.parent[child]!;
      steps.push(stepOf(child, m));
      t.set(store.words.subarray(p * W, p * W + W));
      const code = store.step[child]!;
      if (code === INSTR_CODE) applyPacked(t, -1, -1);
      else applyPacked(t, Math.floor(code / STEP_STRIDE), code % STEP_STRIDE);
      canon.canonicalize(t, src);
      for (let k = 0; k < W; k++) {
        if (t[k] !== store.words[child * W + k]) throw new Error('internal error: a symmetric trace does not lead to its stored state');
      }
      const next = new Int32Array(n);
      for (let y = 0; y < n; y++) next[y] = m[src[y]!]!;
      m = next;
    }
    return steps;
  }

  const reached = new Set<number>();
  const blocked = new Set<number>();
  for (let g = 0; g < G; g++) {
    if (reachedAt[g]) reached.add(pcKey(g));
    if (blockedAt[g]) blocked.add(pcKey(g));
  }
  const stats = { states: store.size, transitions, depth: depthSeen, ms: Date.now() - t0 };
  const violations: Violation[] = [...found.values()]
    .map((f) => ({ kind: f.kind, ...(f.invariant !== undefined ? { invariant: f.invariant } : {}), trace: traceTo(f.id) }))
    .sort(compareViolations);
  const engine = reduce ? FAST_ENGINE : `${FAST_ENGINE}-full`;
  const head0 = { program: programName, engine };
  if (violations.length > 0) {
    return { status: 'violation', ...head0, violations, waits: waitReports(c.ctx, reached, blocked), stats, ...(bound ? { bound } : {}) };
  }
  if (bound) return { status: 'bound', ...head0, bound, stats };
  return { status: 'verified', ...head0, waits: waitReports(c.ctx, reached, blocked), stats };
}
