/**
 * The reference semantics of cto-language.md §3: which steps a state enables, and what each does.
 * Pure functions, one per rule, guards spelled out as in the contract. This module is the yardstick
 * every faster engine is compared against, so it favours clarity over speed.
 */
import type { Instr } from '../model/types.js';
import { connectionOf, isActive, portActiveIn, usersOf } from './ports.js';
import { setUpdate, typeOf, type Connection, type Context, type InstanceState, type State } from './state.js';

/** A step of §3: a program instruction, or one of the four component steps of an instance. */
export type Step =
  /** The instruction at `pc` of the chain's program number `stage`. */
  | { readonly kind: 'instr'; readonly stage: number; readonly pc: number }
  /** §3 rule 1: a token leaves `place`, starting all of `Out_b(place)`. */
  | { readonly kind: 'leave'; readonly instance: string; readonly place: string }
  /** §3 rule 2: the action of `transition` finishes; its dock fills. */
  | { readonly kind: 'end'; readonly instance: string; readonly transition: string }
  /** §3 rule 3: the docks of `In_b(place)` are all filled; the token enters `place`. */
  | { readonly kind: 'enter'; readonly instance: string; readonly place: string }
  /** §3 rule 4: the current behavior has nothing left to do and is popped. */
  | { readonly kind: 'finish'; readonly instance: string; readonly behavior: string };

/** Why a candidate step is not enabled: the guard or wait condition that is false. */
export type Blocker =
  /** leave: it would make provide port `port` inactive while a connected use port is active. */
  | { readonly kind: 'providerInUse'; readonly port: string; readonly connection: Connection }
  /** enter: it would make use port `port` active, but the port is not connected. */
  | { readonly kind: 'useUnconnected'; readonly port: string }
  /** enter: it would make use port `port` active, but the provide port it is connected to is inactive. */
  | { readonly kind: 'providerInactive'; readonly port: string; readonly connection: Connection }
  /** wait / del / waitAll: this instance is not idle. */
  | { readonly kind: 'notIdle'; readonly instance: string }
  /** dcon: the use port is still active. */
  | { readonly kind: 'useActive'; readonly instance: string; readonly port: string }
  /** del: the instance still has a connection (never in a file that loads). */
  | { readonly kind: 'stillConnected'; readonly connection: Connection }
  /** add / con / others: a program rule of §2 is false here (never in a file that loads). */
  | { readonly kind: 'programRule'; readonly reason: string };

/** A candidate step with the state it leads to and what blocks it (enabled iff `blockers` is empty). */
export interface Candidate {
  /** The step. */
  readonly step: Step;
  /** The state after the step (normalized across program boundaries); meaningful only when enabled. */
  readonly next: State;
  /** The false guards; empty when the step is enabled. */
  readonly blockers: readonly Blocker[];
}

/** The current behavior of an instance (head of its queue), if any. */
export function currentBehavior(inst: InstanceState): string | undefined {
  return inst.queue[0];
}

/** Whether an instance is idle: its behavior queue is empty. */
export function isIdle(inst: InstanceState): boolean {
  return inst.queue.length === 0;
}

/** The instruction at the state's program counter, or undefined past the end of the running program. */
export function currentInstr(ctx: Context, s: State): Instr | undefined {
  return ctx.chain[s.stage]?.instrs[s.pc];
}

/** Whether the checked program has completed: last program of the chain, pc past its end, every instance idle. */
export function isCompleted(ctx: Context, s: State): boolean {
  return s.stage === ctx.chain.length - 1 && currentInstr(ctx, s) === undefined && [...s.instances.values()].every(isIdle);
}

/**
 * A program of the chain that has completed hands over to the next one: that state *is* the next
 * program's start state (passing from one to the next is not a step, §1).
 */
export function normalize(ctx: Context, s: State): State {
  let st = s;
  while (
    st.stage < ctx.chain.length - 1 &&
    st.pc >= ctx.chain[st.stage]!.instrs.length &&
    [...st.instances.values()].every(isIdle)
  ) {
    st = { ...st, stage: st.stage + 1, pc: 0 };
  }
  return st;
}

function withInstance(s: State, name: string, inst: InstanceState): State {
  const instances = new Map(s.instances);
  instances.set(name, inst);
  return { ...s, instances };
}

function sortConnections(cs: Connection[]): Connection[] {
  return cs.sort((a, b) => (a.user + '.' + a.usePort).localeCompare(b.user + '.' + b.usePort));
}

/** §3 rule 1, leave `place`: guard — no provide port of `c` it makes inactive has an active connected use port. */
function leave(ctx: Context, s: State, c: string, place: string, outs: readonly string[]): Candidate {
  const inst = s.instances.get(c)!;
  const next = withInstance(s, c, { ...inst, marked: setUpdate(inst.marked, [], [place]), running: setUpdate(inst.running, outs, []) });
  const after = next.instances.get(c)!;
  const blockers: Blocker[] = [];
  for (const q of typeOf(ctx, s, c).ports) {
    if (q.kind !== 'provide' || !portActiveIn(q, inst) || portActiveIn(q, after)) continue;
    for (const conn of usersOf(next, c, q.name)) {
      if (isActive(ctx, next, conn.user, conn.usePort)) blockers.push({ kind: 'providerInUse', port: q.name, connection: conn });
    }
  }
  return { step: { kind: 'leave', instance: c, place }, next, blockers };
}

/** §3 rule 2, end `transition`: no guard. */
function end(s: State, c: string, transition: string): Candidate {
  const inst = s.instances.get(c)!;
  const next = withInstance(s, c, {
    ...inst,
    running: setUpdate(inst.running, [], [transition]),
    docks: setUpdate(inst.docks, [transition], []),
  });
  return { step: { kind: 'end', instance: c, transition }, next, blockers: [] };
}

/** §3 rule 3, enter `place`: guard — every use port of `c` it makes active is connected to an active provide port. */
function enter(ctx: Context, s: State, c: string, place: string, ins: readonly string[]): Candidate {
  const inst = s.instances.get(c)!;
  const next = withInstance(s, c, { ...inst, docks: setUpdate(inst.docks, [], ins), marked: setUpdate(inst.marked, [place], []) });
  const after = next.instances.get(c)!;
  const blockers: Blocker[] = [];
  for (const u of typeOf(ctx, s, c).ports) {
    if (u.kind !== 'use' || portActiveIn(u, inst) || !portActiveIn(u, after)) continue;
    const conn = connectionOf(next, c, u.name);
    if (!conn) blockers.push({ kind: 'useUnconnected', port: u.name });
    else if (!isActive(ctx, next, conn.provider, conn.providePort)) blockers.push({ kind: 'providerInactive', port: u.name, connection: conn });
  }
  return { step: { kind: 'enter', instance: c, place }, next, blockers };
}

/** The component steps of instance `c` whose structural premises hold (guards not yet applied). */
function componentCandidates(ctx: Context, s: State, c: string): Candidate[] {
  const inst = s.instances.get(c)!;
  const bName = currentBehavior(inst);
  if (bName === undefined) return [];
  const b = typeOf(ctx, s, c).behaviorByName.get(bName)!;
  const out: Candidate[] = [];
  // rule 1: π ∈ M(c) and Out_b(π) ≠ ∅
  for (const place of inst.marked) {
    const outs = b.out.get(place);
    if (outs && outs.length > 0) out.push(leave(ctx, s, c, place, outs));
  }
  // rule 2: θ ∈ R(c)
  for (const t of inst.running) out.push(end(s, c, t));
  // rule 3: In_b(π) ≠ ∅ and In_b(π) ⊆ D(c)
  const docks = new Set(inst.docks);
  const targets = new Set(b.transitions.map((t) => t.target));
  for (const place of [...targets].sort()) {
    const ins = b.in.get(place)!;
    if (ins.every((t) => docks.has(t))) out.push(enter(ctx, s, c, place, ins));
  }
  // rule 4: R = D = ∅ and no marked place has an outgoing transition in b
  if (inst.running.length === 0 && inst.docks.length === 0 && !inst.marked.some((p) => (b.out.get(p)?.length ?? 0) > 0)) {
    const next = withInstance(s, c, { ...inst, queue: inst.queue.slice(1) });
    out.push({ step: { kind: 'finish', instance: c, behavior: bName }, next, blockers: [] });
  }
  return out;
}

/** The program step at `pc`, with what blocks it (§3 "Program steps"). Undefined past the program's end. */
function instrCandidate(ctx: Context, s: State): Candidate | undefined {
  const instr = currentInstr(ctx, s);
  if (!instr) return undefined;
  const step: Step = { kind: 'instr', stage: s.stage, pc: s.pc };
  const advanced: State = { ...s, pc: s.pc + 1 };
  const blockers: Blocker[] = [];
  const liveOrBlock = (name: string): boolean => {
    if (s.instances.has(name)) return true;
    blockers.push({ kind: 'programRule', reason: `instance ${name} is not live` });
    return false;
  };
  let next: State = advanced;
  switch (instr.op) {
    case 'add': {
      if (s.instances.has(instr.instance)) blockers.push({ kind: 'programRule', reason: `instance ${instr.instance} is already live` });
      const comp = ctx.model.componentByName.get(instr.type);
      if (!comp) {
        blockers.push({ kind: 'programRule', reason: `unknown component type ${instr.type}` });
        break;
      }
      next = withInstance(advanced, instr.instance, { type: comp.name, marked: [comp.initial], running: [], docks: [], queue: [] });
      break;
    }
    case 'del': {
      if (!liveOrBlock(instr.instance)) break;
      for (const conn of s.connections) {
        if (conn.user === instr.instance || conn.provider === instr.instance) blockers.push({ kind: 'stillConnected', connection: conn });
      }
      if (!isIdle(s.instances.get(instr.instance)!)) blockers.push({ kind: 'notIdle', instance: instr.instance });
      const instances = new Map(s.instances);
      instances.delete(instr.instance);
      next = { ...advanced, instances };
      break;
    }
    case 'con': {
      const ok = liveOrBlock(instr.user) && liveOrBlock(instr.provider);
      if (!ok) break;
      const u = typeOf(ctx, s, instr.user).portByName.get(instr.usePort);
      const p = typeOf(ctx, s, instr.provider).portByName.get(instr.providePort);
      if (u?.kind !== 'use') blockers.push({ kind: 'programRule', reason: `${instr.user}.${instr.usePort} is not a use port` });
      if (p?.kind !== 'provide') blockers.push({ kind: 'programRule', reason: `${instr.provider}.${instr.providePort} is not a provide port` });
      if (connectionOf(s, instr.user, instr.usePort)) blockers.push({ kind: 'programRule', reason: `${instr.user}.${instr.usePort} is already connected` });
      const conn: Connection = { user: instr.user, usePort: instr.usePort, provider: instr.provider, providePort: instr.providePort };
      next = { ...advanced, connections: sortConnections([...s.connections, conn]) };
      break;
    }
    case 'dcon': {
      const existing = s.connections.find(
        (c) => c.user === instr.user && c.usePort === instr.usePort && c.provider === instr.provider && c.providePort === instr.providePort,
      );
      if (!existing) {
        blockers.push({ kind: 'programRule', reason: `connection ${instr.user}.${instr.usePort} -> ${instr.provider}.${instr.providePort} does not exist` });
        break;
      }
      if (isActive(ctx, s, instr.user, instr.usePort)) blockers.push({ kind: 'useActive', instance: instr.user, port: instr.usePort });
      next = { ...advanced, connections: s.connections.filter((c) => c !== existing) };
      break;
    }
    case 'pushB': {
      if (!liveOrBlock(instr.instance)) break;
      const inst = s.instances.get(instr.instance)!;
      if (!typeOf(ctx, s, instr.instance).behaviorByName.has(instr.behavior)) {
        blockers.push({ kind: 'programRule', reason: `${inst.type} has no behavior ${instr.behavior}` });
      }
      next = withInstance(advanced, instr.instance, { ...inst, queue: [...inst.queue, instr.behavior] });
      break;
    }
    case 'wait': {
      if (!liveOrBlock(instr.instance)) break;
      if (!isIdle(s.instances.get(instr.instance)!)) blockers.push({ kind: 'notIdle', instance: instr.instance });
      break;
    }
    case 'waitAll': {
      for (const [name, inst] of [...s.instances].sort(([a], [b]) => a.localeCompare(b))) {
        if (!isIdle(inst)) blockers.push({ kind: 'notIdle', instance: name });
      }
      break;
    }
  }
  return { step, next, blockers };
}

/**
 * Every candidate step of `s` — the instruction at `pc` and each instance's leave/end/enter/finish whose
 * structural premises hold — with its successor and its false guards. Enabled steps have no blockers.
 */
export function candidates(ctx: Context, s: State): Candidate[] {
  const out: Candidate[] = [];
  const ic = instrCandidate(ctx, s);
  if (ic) out.push(ic);
  for (const name of [...s.instances.keys()].sort()) out.push(...componentCandidates(ctx, s, name));
  return out.map((c) => ({ ...c, next: normalize(ctx, c.next) }));
}

/** The enabled steps of `s` with their successor states (§3: all enabled steps interleave). */
export function enabledSteps(ctx: Context, s: State): { readonly step: Step; readonly next: State }[] {
  return candidates(ctx, s)
    .filter((c) => c.blockers.length === 0)
    .map(({ step, next }) => ({ step, next }));
}

/** Whether two steps are the same step. */
export function sameStep(a: Step, b: Step): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Applies `step` to `s` if it is enabled; otherwise returns the reason it is not (for replaying traces).
 */
export function applyStep(ctx: Context, s: State, step: Step): { ok: true; next: State } | { ok: false; why: string } {
  // Only the candidates of the step's own instance (or the instruction) can match it.
  const own =
    step.kind === 'instr'
      ? [instrCandidate(ctx, s)].filter((c): c is Candidate => c !== undefined)
      : s.instances.has(step.instance)
        ? componentCandidates(ctx, s, step.instance)
        : [];
  const found = own.find((x) => sameStep(x.step, step));
  const c = found && { ...found, next: normalize(ctx, found.next) };
  if (!c) return { ok: false, why: 'its premises do not hold in this state' };
  if (c.blockers.length > 0) return { ok: false, why: c.blockers.map((b) => JSON.stringify(b)).join('; ') };
  return { ok: true, next: c.next };
}

/** The start state of the chain: the empty assembly, already handed over past empty leading programs. */
export function startState(ctx: Context): State {
  return normalize(ctx, { stage: 0, pc: 0, instances: new Map(), connections: [] });
}

/** Whether `s` is a deadlock (§4): the program has not completed and no step is enabled. */
export function isDeadlock(ctx: Context, s: State): boolean {
  return !isCompleted(ctx, s) && enabledSteps(ctx, s).length === 0;
}
