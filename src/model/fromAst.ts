/**
 * Derives the model's plain parts (`RawModel`, see `build.ts`) from the syntax tree.
 * Meant for trees that passed the static rules; on others it still produces something
 * (first `initial` wins, a missing one becomes ''), but nothing downstream should use it.
 */
import type { AstComponent, AstExpr, AstFile, AstInstr } from '../grammar/ast.js';
import type { RawComponent, RawModel } from './build.js';
import type { Expr, Instr, Transition } from './types.js';

function component(c: AstComponent): RawComponent {
  const places: string[] = [];
  let initial: string | undefined;
  const behaviors: RawComponent['behaviors'][number][] = [];
  const ports: RawComponent['ports'][number][] = [];
  for (const item of c.items) {
    switch (item.kind) {
      case 'places':
        for (const n of item.names) places.push(n.name);
        break;
      case 'initial':
        initial ??= item.place.name;
        break;
      case 'behavior': {
        const transitions = item.transitions.map(
          (t): Transition => ({
            name: t.name.name,
            behavior: item.name.name,
            source: t.source.name,
            target: t.target.name,
            ...(t.run ? { run: t.run.value } : {}),
            ...(t.duration ? { duration: { lo: t.duration.lo, hi: t.duration.hi } } : {}),
            ...(t.timeout ? { timeout: t.timeout.ms } : {}),
            span: t.name.span,
          }),
        );
        behaviors.push({ name: item.name.name, transitions, span: item.name.span });
        break;
      }
      case 'port':
        ports.push({
          kind: item.portKind,
          name: item.name.name,
          places: item.places.map((p) => p.name),
          ...(item.value !== undefined ? { value: item.value } : {}),
          span: item.name.span,
        });
        break;
    }
  }
  return { name: c.name.name, places, initial: initial ?? '', behaviors, ports, span: c.name.span };
}

function instr(i: AstInstr): Instr {
  switch (i.op) {
    case 'add':
      return { op: 'add', instance: i.instance.name, type: i.type.name, span: i.span };
    case 'del':
      return { op: 'del', instance: i.instance.name, span: i.span };
    case 'con':
    case 'dcon':
      return {
        op: i.op,
        user: i.user.name,
        usePort: i.usePort.name,
        provider: i.provider.name,
        providePort: i.providePort.name,
        span: i.span,
      };
    case 'pushB':
      return { op: 'pushB', instance: i.instance.name, behavior: i.behavior.name, span: i.span };
    case 'wait':
      return { op: 'wait', instance: i.instance.name, span: i.span };
    case 'waitAll':
      return { op: 'waitAll', span: i.span };
  }
}

/** The model expression of a syntax-tree expression (depth is bounded by the parser). */
export function exprOf(e: AstExpr): Expr {
  switch (e.kind) {
    case 'and':
    case 'or':
    case 'implies':
      return { kind: e.kind, left: exprOf(e.left), right: exprOf(e.right), span: e.span };
    case 'not':
      return { kind: 'not', operand: exprOf(e.operand), span: e.span };
    case 'in':
      return { kind: 'in', instance: e.instance.name, place: e.place.name, span: e.span };
    case 'active':
      return { kind: 'active', instance: e.instance.name, port: e.port.name, span: e.span };
    case 'idle':
      return { kind: 'idle', instance: e.instance.name, span: e.span };
  }
}

/** The raw model of a parsed file. */
export function rawModelOf(ast: AstFile): RawModel {
  return {
    file: ast.file,
    components: ast.components.map(component),
    programs: ast.programs.map((p) => ({
      name: p.name.name,
      ...(p.after ? { after: p.after.name } : {}),
      instrs: p.instrs.map(instr),
      span: p.name.span,
      end: p.end,
    })),
    invariants: ast.invariants.map((i) => ({ name: i.name.name, expr: exprOf(i.expr), span: i.name.span })),
  };
}
