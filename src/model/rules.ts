/**
 * The static rules of cto-language.md §2, checked on the syntax tree so that each diagnostic
 * points at the exact name. Every rule is checked and every violation reported, not only the
 * first. Codes: CTO1xx names (undeclared, duplicate, not live), CTO2xx the other rules.
 * The program rules are decided along each program's `after` chain (§2 "Program rules").
 */
import type { Diagnostic } from '../diagnostics.js';
import type { AstComponent, AstExpr, AstFile, AstInstr, AstProgram, AstTransition, Ident } from '../grammar/ast.js';
import { didYouMean } from '../grammar/suggest.js';
import type { Span } from './types.js';

type Related = NonNullable<Diagnostic['related']>;

function error(code: string, message: string, span: Span, hint?: string, related?: Related): Diagnostic {
  return { code, severity: 'error', message, span, ...(hint ? { hint } : {}), ...(related && related.length ? { related } : {}) };
}

const at = (s: Span): string => `${s.line}:${s.col}`;

/** What the rules need to know about one component type. */
interface TypeInfo {
  readonly name: string;
  readonly places: ReadonlySet<string>;
  readonly behaviors: ReadonlySet<string>;
  readonly ports: ReadonlyMap<string, 'use' | 'provide'>;
}

// ---------------------------------------------------------------------------------------------
// Components

/** Reports the first declaration of each name and a CTO1xx for every later one. */
function checkUnique(idents: readonly Ident[], code: string, kind: string, scope: string, out: Diagnostic[]): Map<string, Ident> {
  const first = new Map<string, Ident>();
  for (const n of idents) {
    const prev = first.get(n.name);
    if (prev) {
      out.push(
        error(code, `${kind} '${n.name}' is declared twice in ${scope} (first at ${at(prev.span)})`, n.span, `rename or remove one of the two ${kind}s`, [
          { message: `first declaration of ${kind} '${n.name}'`, span: prev.span },
        ]),
      );
    } else first.set(n.name, n);
  }
  return first;
}

function undeclaredPlace(ref: Ident, comp: string, places: ReadonlySet<string>): Diagnostic {
  return error('CTO101', `place '${ref.name}' is not declared in component ${comp}`, ref.span, didYouMean(ref.name, places) ?? `declare it with 'places ${ref.name}'`);
}

/** Finds a cycle in a behavior's transitions (iteratively), as the list of transitions along it. */
function findCycle(ts: readonly AstTransition[]): AstTransition[] | undefined {
  const out = new Map<string, AstTransition[]>();
  for (const t of ts) {
    const l = out.get(t.source.name);
    if (l) l.push(t);
    else out.set(t.source.name, [t]);
  }
  const color = new Map<string, 1 | 2>();
  for (const start of out.keys()) {
    if (color.has(start)) continue;
    const path: AstTransition[] = [];
    const stack: { place: string; next: number }[] = [{ place: start, next: 0 }];
    color.set(start, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const edges = out.get(top.place) ?? [];
      if (top.next >= edges.length) {
        color.set(top.place, 2);
        stack.pop();
        path.pop();
        continue;
      }
      const t = edges[top.next++]!;
      const c = color.get(t.target.name);
      if (c === 1) {
        path.push(t);
        const from = path.findIndex((e) => e.source.name === t.target.name);
        return path.slice(from);
      }
      if (c === undefined) {
        color.set(t.target.name, 1);
        path.push(t);
        stack.push({ place: t.target.name, next: 0 });
      }
    }
  }
  return undefined;
}

function checkComponent(c: AstComponent, out: Diagnostic[]): TypeInfo {
  const comp = c.name.name;
  const places = checkUnique(c.items.flatMap((i) => (i.kind === 'places' ? i.names : [])), 'CTO106', 'place', `component ${comp}`, out);
  const placeSet = new Set(places.keys());
  const behaviors = c.items.flatMap((i) => (i.kind === 'behavior' ? [i] : []));
  const ports = c.items.flatMap((i) => (i.kind === 'port' ? [i] : []));
  checkUnique(behaviors.map((b) => b.name), 'CTO108', 'behavior', `component ${comp}`, out);
  checkUnique(behaviors.flatMap((b) => b.transitions.map((t) => t.name)), 'CTO107', 'transition', `component ${comp}`, out);
  const portFirst = checkUnique(ports.map((p) => p.name), 'CTO109', 'port', `component ${comp}`, out);

  // initial: exactly one, declared, on no use port.
  const initials = c.items.flatMap((i) => (i.kind === 'initial' ? [i] : []));
  if (initials.length === 0) {
    out.push(error('CTO201', `component ${comp} has no initial place`, c.name.span, `add a line 'initial <place>' to component ${comp}`));
  }
  for (const extra of initials.slice(1)) {
    out.push(
      error('CTO202', `component ${comp} has more than one initial place (the first is at ${at(initials[0]!.span)})`, extra.span, 'keep exactly one initial line', [
        { message: 'first initial line', span: initials[0]!.span },
      ]),
    );
  }
  const initial = initials[0]?.place;
  if (initial && !placeSet.has(initial.name)) out.push(undeclaredPlace(initial, comp, placeSet));

  for (const b of behaviors) {
    for (const t of b.transitions) {
      for (const p of [t.source, t.target]) if (!placeSet.has(p.name)) out.push(undeclaredPlace(p, comp, placeSet));
      if (t.source.name === t.target.name) {
        out.push(error('CTO204', `transition ${t.name.name} has the same source and destination '${t.source.name}'`, t.name.span, 'a transition must lead to another place'));
      }
      if (t.duration && t.duration.lo > t.duration.hi) {
        out.push(
          error('CTO203', `the interval of transition ${t.name.name} has its lower bound above its upper bound (${t.duration.lo} ms > ${t.duration.hi} ms)`, t.duration.span, 'write the smaller time first: lo..hi'),
        );
      }
    }
    const cycle = findCycle(b.transitions.filter((t) => t.source.name !== t.target.name));
    if (cycle) {
      const route = [...cycle.map((t) => t.source.name), cycle[0]!.source.name].join(' -> ');
      out.push(
        error('CTO205', `behavior ${b.name.name} of component ${comp} has a cycle: ${route}`, cycle[0]!.name.span, 'the transitions of one behavior must form an acyclic graph; move one of them to another behavior', cycle.slice(1).map((t) => ({ message: `transition ${t.name.name} of the cycle`, span: t.name.span }))),
      );
    }
  }

  for (const p of ports) {
    for (const pl of p.places) if (!placeSet.has(pl.name)) out.push(undeclaredPlace(pl, comp, placeSet));
    if (p.portKind === 'use' && initial && p.places.some((pl) => pl.name === initial.name)) {
      out.push(
        error('CTO206', `use port ${p.name.name} of component ${comp} is bound to the initial place '${initial.name}'`, p.name.span, 'an instance would use the port from the moment it is added, before anything can be connected; bind the port to later places', [
          { message: `initial place of ${comp}`, span: initial.span },
        ]),
      );
    }
  }
  return {
    name: comp,
    places: placeSet,
    behaviors: new Set(behaviors.map((b) => b.name.name)),
    ports: new Map([...portFirst.values()].map((n) => [n.name, ports.find((p) => p.name === n)!.portKind])),
  };
}

// ---------------------------------------------------------------------------------------------
// Programs

/** A live instance along a chain: its type (undefined when the type is undeclared) and where it was added. */
interface Live {
  readonly type?: TypeInfo;
  readonly typeName: string;
  readonly addedAt: Span;
  readonly program: string;
}

/** An event that ended something (a deletion or a disconnection), for "it was removed at …". */
interface Ended {
  readonly span: Span;
  readonly program: string;
}

/** A connection `user.usePort -> provider.providePort` and where it was made. */
interface Conn {
  readonly user: string;
  readonly usePort: string;
  readonly provider: string;
  readonly providePort: string;
  readonly madeAt: Span;
  readonly program: string;
}

/** The assembly as the program rules see it at one point of a chain. */
interface Assembly {
  readonly live: Map<string, Live>;
  readonly deleted: Map<string, Ended>;
  /** Keyed by `user.usePort`. */
  readonly conns: Map<string, Conn>;
  /** Keyed by `user.usePort -> provider.providePort`. */
  readonly removed: Map<string, Ended>;
}

const cloneAssembly = (a: Assembly): Assembly => ({
  live: new Map(a.live),
  deleted: new Map(a.deleted),
  conns: new Map(a.conns),
  removed: new Map(a.removed),
});

const connText = (c: { user: string; usePort: string; provider: string; providePort: string }): string =>
  `${c.user}.${c.usePort} -> ${c.provider}.${c.providePort}`;

const where = (e: Ended): string => `${at(e.span)} (program ${e.program})`;

class ProgramChecker {
  constructor(
    private readonly types: ReadonlyMap<string, TypeInfo>,
    private readonly out: Diagnostic[],
  ) {}

  /** The instance as live here, or undefined after reporting why it is not. */
  private liveInstance(a: Assembly, ref: Ident): Live | undefined {
    const l = a.live.get(ref.name);
    if (l) return l;
    const gone = a.deleted.get(ref.name);
    if (gone) {
      this.out.push(
        error('CTO113', `instance '${ref.name}' is not live here: it was deleted at ${where(gone)}`, ref.span, `add it again with add(${ref.name}: …) before using it`, [
          { message: `instance '${ref.name}' deleted here`, span: gone.span },
        ]),
      );
    } else {
      this.out.push(
        error('CTO113', `instance '${ref.name}' is not live here: no add(${ref.name}: …) comes before this point`, ref.span, didYouMean(ref.name, a.live.keys()) ?? `add it first with add(${ref.name}: <component>)`),
      );
    }
    return undefined;
  }

  /** Checks that `port` exists on the instance's type; returns its kind (undefined if unknown). */
  private portKind(inst: Ident, l: Live, port: Ident): 'use' | 'provide' | undefined {
    if (!l.type) return undefined;
    const k = l.type.ports.get(port.name);
    if (k) return k;
    this.out.push(
      error('CTO103', `port '${port.name}' is not declared in component ${l.type.name} (the type of instance '${inst.name}', added at ${at(l.addedAt)})`, port.span, didYouMean(port.name, l.type.ports.keys())),
    );
    return undefined;
  }

  private link(a: Assembly, i: Extract<AstInstr, { op: 'con' | 'dcon' }>, program: string): void {
    const ul = this.liveInstance(a, i.user);
    const pl = this.liveInstance(a, i.provider);
    const uk = ul && this.portKind(i.user, ul, i.usePort);
    const pk = pl && this.portKind(i.provider, pl, i.providePort);
    let kindsOk = ul !== undefined && pl !== undefined && ul.type !== undefined && pl.type !== undefined && uk !== undefined && pk !== undefined;
    if (uk === 'provide' && pk === 'use') {
      const fixed = `${i.op}(${i.provider.name}.${i.providePort.name}, ${i.user.name}.${i.usePort.name})`;
      this.out.push(
        error('CTO209', `${i.op} names the use port first and the provide port second, but ${i.user.name}.${i.usePort.name} is a provide port and ${i.provider.name}.${i.providePort.name} a use port`, i.span, `swap them: ${fixed}`),
      );
      kindsOk = false;
    } else {
      if (uk === 'provide') {
        this.out.push(error('CTO209', `${i.user.name}.${i.usePort.name} is a provide port, but the first port of ${i.op} must be a use port`, i.usePort.span, `name a use port of ${ul!.typeName}`));
        kindsOk = false;
      }
      if (pk === 'use') {
        this.out.push(error('CTO209', `${i.provider.name}.${i.providePort.name} is a use port, but the second port of ${i.op} must be a provide port`, i.providePort.span, `name a provide port of ${pl!.typeName}`));
        kindsOk = false;
      }
    }
    if (!kindsOk) return;
    const key = `${i.user.name}.${i.usePort.name}`;
    const want = { user: i.user.name, usePort: i.usePort.name, provider: i.provider.name, providePort: i.providePort.name };
    const cur = a.conns.get(key);
    if (i.op === 'con') {
      if (cur) {
        this.out.push(
          error('CTO210', `use port ${key} is already connected here (${connText(cur)}, made at ${at(cur.madeAt)} in program ${cur.program})`, i.span, `disconnect it first with dcon(${cur.user}.${cur.usePort}, ${cur.provider}.${cur.providePort})`, [
            { message: `connection ${connText(cur)} made here`, span: cur.madeAt },
          ]),
        );
        return;
      }
      a.conns.set(key, { ...want, madeAt: i.span, program });
      return;
    }
    if (cur && cur.provider === want.provider && cur.providePort === want.providePort) {
      a.conns.delete(key);
      a.removed.set(connText(want), { span: i.span, program });
      return;
    }
    const gone = a.removed.get(connText(want));
    const because = cur
      ? `${key} is connected to ${cur.provider}.${cur.providePort} instead (made at ${at(cur.madeAt)} in program ${cur.program})`
      : gone
        ? `it was removed at line ${gone.span.line} (${at(gone.span)}, program ${gone.program})`
        : `no con(${key}, ${want.provider}.${want.providePort}) makes it before this point`;
    const related: Related = cur ? [{ message: 'the existing connection', span: cur.madeAt }] : gone ? [{ message: 'connection removed here', span: gone.span }] : [];
    this.out.push(error('CTO211', `connection ${connText(want)} does not exist here: ${because}`, i.span, cur ? `write dcon(${key}, ${cur.provider}.${cur.providePort})` : 'remove this dcon', related));
  }

  /** Runs one program's instructions from assembly `a` (mutated), reporting every rule violation. */
  run(p: AstProgram, a: Assembly): void {
    const program = p.name.name;
    for (const i of p.instrs) {
      switch (i.op) {
        case 'add': {
          const type = this.types.get(i.type.name);
          if (!type) {
            this.out.push(error('CTO104', `component '${i.type.name}' is not declared`, i.type.span, didYouMean(i.type.name, this.types.keys()) ?? `declare it with 'component ${i.type.name} { … }'`));
          }
          const l = a.live.get(i.instance.name);
          if (l) {
            this.out.push(
              error('CTO114', `instance '${i.instance.name}' is already live here: it was added at ${at(l.addedAt)} (program ${l.program})`, i.instance.span, `delete it first with del(${i.instance.name}), or choose another name`, [
                { message: `instance '${i.instance.name}' added here`, span: l.addedAt },
              ]),
            );
            break;
          }
          a.live.set(i.instance.name, { ...(type ? { type } : {}), typeName: i.type.name, addedAt: i.span, program });
          a.deleted.delete(i.instance.name);
          break;
        }
        case 'del': {
          const l = this.liveInstance(a, i.instance);
          if (!l) break;
          const left = [...a.conns.values()].filter((c) => c.user === i.instance.name || c.provider === i.instance.name);
          if (left.length > 0) {
            const list = left.map((c) => `${connText(c)} (made at ${at(c.madeAt)})`).join(', ');
            const fix = left.map((c) => `dcon(${c.user}.${c.usePort}, ${c.provider}.${c.providePort})`).join(', ');
            this.out.push(
              error('CTO212', `instance '${i.instance.name}' still has ${left.length === 1 ? 'a connection' : 'connections'} here: ${list}`, i.span, `remove ${left.length === 1 ? 'it' : 'them'} first with ${fix}`, left.map((c) => ({ message: `connection ${connText(c)} made here`, span: c.madeAt }))),
            );
            for (const c of left) a.conns.delete(`${c.user}.${c.usePort}`);
          }
          a.live.delete(i.instance.name);
          a.deleted.set(i.instance.name, { span: i.span, program });
          break;
        }
        case 'con':
        case 'dcon':
          this.link(a, i, program);
          break;
        case 'pushB': {
          const l = this.liveInstance(a, i.instance);
          if (l?.type && !l.type.behaviors.has(i.behavior.name)) {
            this.out.push(
              error('CTO102', `behavior '${i.behavior.name}' is not declared in component ${l.type.name} (the type of instance '${i.instance.name}', added at ${at(l.addedAt)})`, i.behavior.span, didYouMean(i.behavior.name, l.type.behaviors)),
            );
          }
          break;
        }
        case 'wait':
          this.liveInstance(a, i.instance);
          break;
        case 'waitAll':
          break;
      }
    }
  }
}

/** Checks `after` references and cycles; runs the program rules along each chain. */
function checkPrograms(ast: AstFile, types: ReadonlyMap<string, TypeInfo>, out: Diagnostic[]): void {
  const programs = checkUnique(ast.programs.map((p) => p.name), 'CTO111', 'program', 'this file', out);
  const byName = new Map<string, AstProgram>();
  for (const p of ast.programs) if (!byName.has(p.name.name)) byName.set(p.name.name, p);
  for (const p of ast.programs) {
    if (p.after && !programs.has(p.after.name)) {
      out.push(error('CTO105', `program '${p.after.name}' is not declared`, p.after.span, didYouMean(p.after.name, programs.keys()) ?? 'name a program of this file after `after`'));
    }
  }
  // after cycles: follow each chain; a program on a cycle is reported once per cycle.
  const onCycle = new Set<string>();
  for (const p of byName.values()) {
    const seen: string[] = [];
    let cur: AstProgram | undefined = p;
    while (cur && !seen.includes(cur.name.name) && !onCycle.has(cur.name.name)) {
      seen.push(cur.name.name);
      cur = cur.after ? byName.get(cur.after.name) : undefined;
    }
    if (cur && seen.includes(cur.name.name) && !onCycle.has(cur.name.name)) {
      const cycle = seen.slice(seen.indexOf(cur.name.name));
      for (const n of cycle) onCycle.add(n);
      const head = byName.get(cycle[0]!)!;
      out.push(error('CTO207', `the 'after' chain of program ${cycle[0]} is a cycle: ${[...cycle, cycle[0]].join(' after ')}`, head.after!.span, 'a program must start after one that does not depend on it'));
    }
  }
  // program rules, memoizing the assembly each program ends with.
  const checker = new ProgramChecker(types, out);
  const ended = new Map<string, Assembly | null>();
  const endOf = (p: AstProgram): Assembly | null => {
    const chain: AstProgram[] = [];
    let cur: AstProgram | undefined = p;
    while (cur && !ended.has(cur.name.name)) {
      if (onCycle.has(cur.name.name)) {
        for (const q of chain) ended.set(q.name.name, null);
        return null;
      }
      chain.push(cur);
      cur = cur.after ? byName.get(cur.after.name) : undefined;
    }
    let a: Assembly | null = cur ? ended.get(cur.name.name)! : { live: new Map(), deleted: new Map(), conns: new Map(), removed: new Map() };
    for (const q of chain.reverse()) {
      if (a) {
        a = cloneAssembly(a);
        checker.run(q, a);
      }
      ended.set(q.name.name, a);
    }
    return a;
  };
  for (const p of byName.values()) endOf(p);
  // duplicates by name are checked on their own from their chain's start.
  for (const p of ast.programs) {
    if (byName.get(p.name.name) === p) continue;
    const pred = p.after ? byName.get(p.after.name) : undefined;
    const start = pred ? endOf(pred) : { live: new Map(), deleted: new Map(), conns: new Map(), removed: new Map() };
    if (start) checker.run(p, cloneAssembly(start));
  }
}

// ---------------------------------------------------------------------------------------------
// Invariants and the whole file

function checkInvariants(ast: AstFile, types: ReadonlyMap<string, TypeInfo>, out: Diagnostic[]): void {
  checkUnique(ast.invariants.map((i) => i.name), 'CTO112', 'invariant', 'this file', out);
  const addedWith = new Map<string, TypeInfo[]>();
  for (const p of ast.programs) {
    for (const i of p.instrs) {
      if (i.op !== 'add') continue;
      const list = addedWith.get(i.instance.name) ?? [];
      const t = types.get(i.type.name);
      if (t && !list.includes(t)) list.push(t);
      addedWith.set(i.instance.name, list);
    }
  }
  for (const inv of ast.invariants) {
    const stack: AstExpr[] = [inv.expr];
    while (stack.length > 0) {
      const e = stack.pop()!;
      if (e.kind === 'not') stack.push(e.operand);
      else if (e.kind === 'and' || e.kind === 'or' || e.kind === 'implies') stack.push(e.right, e.left);
      else if (e.kind === 'in' || e.kind === 'active' || e.kind === 'idle') {
        const ts = addedWith.get(e.instance.name);
        if (!ts) {
          out.push(error('CTO115', `instance '${e.instance.name}' is added by no program of this file`, e.instance.span, didYouMean(e.instance.name, addedWith.keys())));
          continue;
        }
        if (ts.length === 0) continue; // only added with undeclared types: reported at the add
        const typesText = ts.map((t) => t.name).join(', ');
        if (e.kind === 'in' && !ts.some((t) => t.places.has(e.place.name))) {
          out.push(error('CTO116', `place '${e.place.name}' exists in no type instance '${e.instance.name}' is added with (${typesText})`, e.place.span, didYouMean(e.place.name, ts.flatMap((t) => [...t.places]))));
        }
        if (e.kind === 'active' && !ts.some((t) => t.ports.has(e.port.name))) {
          out.push(error('CTO117', `port '${e.port.name}' exists in no type instance '${e.instance.name}' is added with (${typesText})`, e.port.span, didYouMean(e.port.name, ts.flatMap((t) => [...t.ports.keys()]))));
        }
      }
    }
  }
}

const byPosition = (a: Diagnostic, b: Diagnostic): number => a.span.start - b.span.start || a.code.localeCompare(b.code);

/** Every diagnostic (errors and warnings) of the static rules for a parsed file, in source order. */
export function checkRules(ast: AstFile): Diagnostic[] {
  const out: Diagnostic[] = [];
  checkUnique(ast.components.map((c) => c.name), 'CTO110', 'component', 'this file', out);
  const types = new Map<string, TypeInfo>();
  for (const c of ast.components) {
    const info = checkComponent(c, out);
    if (!types.has(info.name)) types.set(info.name, info);
  }
  checkPrograms(ast, types, out);
  checkInvariants(ast, types, out);
  const added = new Set(ast.programs.flatMap((p) => p.instrs.flatMap((i) => (i.op === 'add' ? [i.type.name] : []))));
  for (const c of ast.components) {
    if (!added.has(c.name.name)) {
      out.push({ code: 'CTO208', severity: 'warning', message: `component ${c.name.name} is never instantiated: no add(…: ${c.name.name}) in this file`, span: c.name.span, hint: 'add an instance in a program, or remove the component' });
    }
  }
  return out.sort(byPosition);
}
