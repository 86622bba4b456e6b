/**
 * States of the transition system of cto-language.md §3, and the context they are read in.
 * Plain readonly data; sets are kept as sorted arrays so that equal states have equal encodings.
 */
import type { Component, Model, Program } from '../model/types.js';

/** The per-instance part of a state: `M(c)`, `R(c)`, `D(c)`, `Q(c)` of §3, plus the type it was added with. */
export interface InstanceState {
  /** The component type the instance was added with. */
  readonly type: string;
  /** `M(c)`: the marked places, sorted. */
  readonly marked: readonly string[];
  /** `R(c)`: the running transitions (their actions are executing), sorted. */
  readonly running: readonly string[];
  /** `D(c)`: the filled docks (actions finished, tokens waiting to enter), sorted. */
  readonly docks: readonly string[];
  /** `Q(c)`: the queue of pushed behaviors; its head is the current behavior. Empty = idle. */
  readonly queue: readonly string[];
}

/** A connection from a use port of `user` to a provide port of `provider`. */
export interface Connection {
  /** The instance whose use port is connected. */
  readonly user: string;
  /** The use port's name. */
  readonly usePort: string;
  /** The instance whose provide port serves it. */
  readonly provider: string;
  /** The provide port's name. */
  readonly providePort: string;
}

/**
 * A state of §3. `stage` is the index, in the `after` chain being checked, of the running program, and
 * `pc` the index of its next instruction (`pc === instrs.length`: past the last one).
 */
export interface State {
  /** Which program of the chain is running (0 = the first, the one without `after`). */
  readonly stage: number;
  /** The program counter: index of the next instruction of that program. */
  readonly pc: number;
  /** The live instances, by name, with their local state. */
  readonly instances: ReadonlyMap<string, InstanceState>;
  /** The connections, sorted by user then use port. */
  readonly connections: readonly Connection[];
}

/**
 * What a state is read against: the model and the `after` chain being checked, first program first.
 * Passing from one program of the chain to the next is not a step (§1): a state in which a program has
 * completed *is* the start state of the next one (see `normalize` in step.ts).
 */
export interface Context {
  /** The loaded model. */
  readonly model: Model;
  /** The chain of programs, from the first (no `after`) to the one being checked. */
  readonly chain: readonly Program[];
}

/**
 * The `after` chain ending in `programName`: its ancestors first. Throws on an unknown name or a cycle
 * (the static rules reject both, so a loaded model never does).
 */
export function chainOf(model: Model, programName: string): Program[] {
  const chain: Program[] = [];
  const seen = new Set<string>();
  let name: string | undefined = programName;
  while (name !== undefined) {
    if (seen.has(name)) throw new Error(`after-chain cycle through program ${name}`);
    seen.add(name);
    const p = model.programByName.get(name);
    if (!p) throw new Error(`unknown program ${name}`);
    chain.unshift(p);
    name = p.after;
  }
  return chain;
}

/** The context for checking `programName` of `model` through its `after` chain. */
export function contextFor(model: Model, programName: string): Context {
  return { model, chain: chainOf(model, programName) };
}

/** The empty assembly at the start of the chain's first program. */
export function initialState(): State {
  return { stage: 0, pc: 0, instances: new Map(), connections: [] };
}

/** The component type of a live instance (throws if the instance is not live or its type unknown). */
export function typeOf(ctx: Context, s: State, instance: string): Component {
  const inst = s.instances.get(instance);
  if (!inst) throw new Error(`instance ${instance} is not live`);
  const comp = ctx.model.componentByName.get(inst.type);
  if (!comp) throw new Error(`unknown component type ${inst.type}`);
  return comp;
}

/** A canonical string encoding: two states are equal exactly when their keys are equal. */
export function stateKey(s: State): string {
  const names = [...s.instances.keys()].sort();
  const parts: string[] = [`${s.stage}:${s.pc}`];
  for (const n of names) {
    const i = s.instances.get(n)!;
    parts.push(`${n}:${i.type}|${i.marked.join(',')}|${i.running.join(',')}|${i.docks.join(',')}|${i.queue.join(',')}`);
  }
  parts.push(s.connections.map((c) => `${c.user}.${c.usePort}>${c.provider}.${c.providePort}`).join(','));
  return parts.join(';');
}

/** A sorted copy of `xs` with `add` added and `remove` removed (set semantics). */
export function setUpdate(xs: readonly string[], add: readonly string[], remove: readonly string[]): string[] {
  const s = new Set(xs);
  for (const r of remove) s.delete(r);
  for (const a of add) s.add(a);
  return [...s].sort();
}
