/**
 * The syntax tree of a `.cto` file, as written: every name keeps its own span so that the
 * static rules (`src/model/rules.ts`) can point at the exact word. The model (`src/model/types.ts`)
 * is derived from it once the file is known to be well formed.
 */
import type { Span } from '../model/types.js';

/** A name as written, with where it is written. */
export interface Ident {
  /** The name. */
  readonly name: string;
  /** Its span in the source. */
  readonly span: Span;
}

/** A transition `name: source -> target` with its optional attributes. */
export interface AstTransition {
  /** The transition's name. */
  readonly name: Ident;
  /** The source place as written. */
  readonly source: Ident;
  /** The destination place as written. */
  readonly target: Ident;
  /** `run "…"`: the decoded command and the span of the string literal. */
  readonly run?: { readonly value: string; readonly span: Span };
  /** `duration …`: bounds in milliseconds and the span of the duration. */
  readonly duration?: { readonly lo: number; readonly hi: number; readonly span: Span };
  /** `timeout …`: milliseconds and the span of the time. */
  readonly timeout?: { readonly ms: number; readonly span: Span };
  /** The whole transition. */
  readonly span: Span;
}

/** One item of a component body (§1 `CompItem`), split on `kind`. */
export type AstCompItem =
  /** `places a, b, …` */
  | { readonly kind: 'places'; readonly names: readonly Ident[]; readonly span: Span }
  /** `initial p` */
  | { readonly kind: 'initial'; readonly place: Ident; readonly span: Span }
  /** `behavior b { … }` */
  | { readonly kind: 'behavior'; readonly name: Ident; readonly transitions: readonly AstTransition[]; readonly span: Span }
  /** `use p on …` / `provide p on … = "…"` */
  | {
      readonly kind: 'port';
      readonly portKind: 'use' | 'provide';
      readonly name: Ident;
      readonly places: readonly Ident[];
      readonly value?: string;
      readonly span: Span;
    };

/** `component Name { … }`. */
export interface AstComponent {
  /** The component's name. */
  readonly name: Ident;
  /** Its items in source order. */
  readonly items: readonly AstCompItem[];
  /** The whole declaration. */
  readonly span: Span;
}

/** One instruction, with every name it mentions as an `Ident`. */
export type AstInstr =
  | { readonly op: 'add'; readonly instance: Ident; readonly type: Ident; readonly span: Span }
  | { readonly op: 'del'; readonly instance: Ident; readonly span: Span }
  | {
      readonly op: 'con' | 'dcon';
      readonly user: Ident;
      readonly usePort: Ident;
      readonly provider: Ident;
      readonly providePort: Ident;
      readonly span: Span;
    }
  | { readonly op: 'pushB'; readonly instance: Ident; readonly behavior: Ident; readonly span: Span }
  | { readonly op: 'wait'; readonly instance: Ident; readonly span: Span }
  | { readonly op: 'waitAll'; readonly span: Span };

/** `program Name (after Name)? { … }`. */
export interface AstProgram {
  /** The program's name. */
  readonly name: Ident;
  /** The predecessor named by `after`, if any. */
  readonly after?: Ident;
  /** Its instructions in order. */
  readonly instrs: readonly AstInstr[];
  /** The whole declaration. */
  readonly span: Span;
  /** The closing `}`: where the program's implicit final `waitAll()` is. */
  readonly end: Span;
}

/** An invariant expression with named parts as `Ident`s. */
export type AstExpr =
  | { readonly kind: 'and' | 'or' | 'implies'; readonly left: AstExpr; readonly right: AstExpr; readonly span: Span }
  | { readonly kind: 'not'; readonly operand: AstExpr; readonly span: Span }
  | { readonly kind: 'in'; readonly instance: Ident; readonly place: Ident; readonly span: Span }
  | { readonly kind: 'active'; readonly instance: Ident; readonly port: Ident; readonly span: Span }
  | { readonly kind: 'idle'; readonly instance: Ident; readonly span: Span };

/** `invariant Name: Expr`. */
export interface AstInvariant {
  /** The invariant's name. */
  readonly name: Ident;
  /** Its expression. */
  readonly expr: AstExpr;
  /** The whole declaration. */
  readonly span: Span;
}

/** A whole file: its declarations, split by kind, each list in source order. */
export interface AstFile {
  /** The file name given to the parser. */
  readonly file: string;
  /** Component declarations. */
  readonly components: readonly AstComponent[];
  /** Program declarations. */
  readonly programs: readonly AstProgram[];
  /** Invariant declarations. */
  readonly invariants: readonly AstInvariant[];
}
