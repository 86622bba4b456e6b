/**
 * Words for steps and states: the instruction as written, `instance.leave(place)` and friends, and what
 * a step changed. Pure functions returning strings; the CLI decides how to lay them out.
 */
import { formatInstr } from '../model/format.js';
import type { Instr, Span } from '../model/types.js';
import { isActive, type Context, type InstanceState, type State, type Step } from '../semantics/index.js';

/** An instruction as it is written in a `.cto` file, e.g. `con(server.database, db.service)`. */
export const instrText: (i: Instr) => string = formatInstr;

/** The instruction a program step executes (undefined if the step is not an instruction or is out of range). */
export function stepInstr(ctx: Context, step: Step): Instr | undefined {
  return step.kind === 'instr' ? ctx.chain[step.stage]?.instrs[step.pc] : undefined;
}

/** A step in words: the instruction as written, or `instance.leave(place)`, `.end(t)`, `.enter(p)`, `.finish(b)`. */
export function stepText(ctx: Context, step: Step): string {
  switch (step.kind) {
    case 'instr': {
      const i = stepInstr(ctx, step);
      return i ? instrText(i) : `instruction ${step.pc} of program #${step.stage}`;
    }
    case 'leave':
      return `${step.instance}.leave(${step.place})`;
    case 'end':
      return `${step.instance}.end(${step.transition})`;
    case 'enter':
      return `${step.instance}.enter(${step.place})`;
    case 'finish':
      return `${step.instance}.finish(${step.behavior})`;
  }
}

/**
 * Where a step is written: the instruction; for `end` its transition, for `finish` its behavior, for
 * `leave`/`enter` the first transition of the current behavior leaving/entering the place. `s` is the state before the step.
 */
export function stepSpan(ctx: Context, s: State, step: Step): Span | undefined {
  if (step.kind === 'instr') return stepInstr(ctx, step)?.span;
  const inst = s.instances.get(step.instance);
  const comp = inst ? ctx.model.componentByName.get(inst.type) : undefined;
  if (!comp) return undefined;
  if (step.kind === 'end') return comp.transitionByName.get(step.transition)?.span;
  if (step.kind === 'finish') return comp.behaviorByName.get(step.behavior)?.span;
  // leave / enter: the first transition of the current behavior leaving / entering the place
  const b = comp.behaviorByName.get(inst!.queue[0] ?? '');
  const t = (step.kind === 'leave' ? b?.out : b?.in)?.get(step.place)?.[0];
  return t !== undefined ? comp.transitionByName.get(t)?.span : undefined;
}

/** The names of the active ports of a live instance, in declaration order. */
export function activePorts(ctx: Context, s: State, instance: string): string[] {
  const inst = s.instances.get(instance);
  const comp = inst ? ctx.model.componentByName.get(inst.type) : undefined;
  return comp ? comp.ports.filter((p) => isActive(ctx, s, instance, p.name)).map((p) => p.name) : [];
}

function setDiff(label: string, a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = [];
  const added = b.filter((x) => !a.includes(x));
  const removed = a.filter((x) => !b.includes(x));
  if (removed.length) out.push(`-${label} ${removed.join(', ')}`);
  if (added.length) out.push(`+${label} ${added.join(', ')}`);
  return out;
}

function instanceDiff(ctx: Context, a: State, b: State, name: string, ia: InstanceState, ib: InstanceState): string[] {
  const parts = [
    ...setDiff('place', ia.marked, ib.marked),
    ...setDiff('running', ia.running, ib.running),
    ...setDiff('dock', ia.docks, ib.docks),
  ];
  if (ia.queue.join(',') !== ib.queue.join(',')) parts.push(`queue [${ib.queue.join(', ')}]`);
  parts.push(...setDiff('active', activePorts(ctx, a, name), activePorts(ctx, b, name)).map((p) => p.replace('active ', 'active port ')));
  return parts;
}

/**
 * What changed from `a` to `b`, one line per instance or connection, e.g.
 * `db: -place running; +running backup; -active port service`, `+connection server.database -> db.service`.
 */
export function diffStates(ctx: Context, a: State, b: State): string[] {
  const lines: string[] = [];
  const names = [...new Set([...a.instances.keys(), ...b.instances.keys()])].sort();
  for (const n of names) {
    const ia = a.instances.get(n);
    const ib = b.instances.get(n);
    if (!ia && ib) lines.push(`${n}: added (${ib.type}) in ${ib.marked.join(', ')}`);
    else if (ia && !ib) lines.push(`${n}: deleted`);
    else if (ia && ib && ia !== ib) {
      const parts = instanceDiff(ctx, a, b, n, ia, ib);
      if (parts.length) lines.push(`${n}: ${parts.join('; ')}`);
    }
  }
  if (a.connections !== b.connections) {
    const conn = (c: State['connections'][number]): string => `${c.user}.${c.usePort} -> ${c.provider}.${c.providePort}`;
    const ca = new Set(a.connections.map(conn));
    const cb = new Set(b.connections.map(conn));
    for (const c of ca) if (!cb.has(c)) lines.push(`-connection ${c}`);
    for (const c of cb) if (!ca.has(c)) lines.push(`+connection ${c}`);
  }
  if (a.stage !== b.stage) lines.push(`program ${ctx.chain[a.stage]?.name} completed; program ${ctx.chain[b.stage]?.name} starts`);
  return lines;
}
