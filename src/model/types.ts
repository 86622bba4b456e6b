/**
 * The typed model of a `.cto` file: plain, readonly data (cto-language.md §1).
 *
 * Everything here is produced by the loader (`src/model/build.ts`) and never mutated.
 * Names are strings exactly as written in the source; every node knows its source span.
 */

/** A region of a source file. Lines and columns are 1-based; offsets are 0-based, `end` exclusive. */
export interface Span {
  /** The file the region belongs to, as given to the loader. */
  readonly file: string;
  /** 0-based offset of the first character. */
  readonly start: number;
  /** 0-based offset one past the last character. */
  readonly end: number;
  /** 1-based line of the first character. */
  readonly line: number;
  /** 1-based column of the first character. */
  readonly col: number;
}

/** A duration estimate in milliseconds: fixed when `lo === hi`, an interval `lo..hi` otherwise (lo ≤ hi). */
export interface Duration {
  /** Lower bound, in milliseconds. */
  readonly lo: number;
  /** Upper bound, in milliseconds. */
  readonly hi: number;
}

/** A transition `name: source -> target` of one behavior; its action is `run` (a shell command). */
export interface Transition {
  /** The transition's name, unique across all behaviors of its component. */
  readonly name: string;
  /** The behavior it belongs to. */
  readonly behavior: string;
  /** Source place. */
  readonly source: string;
  /** Destination place (differs from the source). */
  readonly target: string;
  /** The action: a shell command with `${…}` placeholders, if any. */
  readonly run?: string;
  /** The estimated duration of the action, if given. */
  readonly duration?: Duration;
  /** The action fails if it runs longer than this many milliseconds, if given. */
  readonly timeout?: number;
  /** Where the transition is written. */
  readonly span: Span;
}

/** A behavior: a named acyclic set of transitions, with the `Out_b` / `In_b` indexes of §3. */
export interface Behavior {
  /** The behavior's name. */
  readonly name: string;
  /** Its transitions, in source order. */
  readonly transitions: readonly Transition[];
  /** `Out_b(π)`: for each place, the names of this behavior's transitions leaving it (absent = none). */
  readonly out: ReadonlyMap<string, readonly string[]>;
  /** `In_b(π)`: for each place, the names of this behavior's transitions entering it (absent = none). */
  readonly in: ReadonlyMap<string, readonly string[]>;
  /** Where the behavior is written (its name). */
  readonly span: Span;
}

/** Whether a port is used (needs a provider) or provided. */
export type PortKind = 'use' | 'provide';

/** A use or provide port bound to a group of places (§3). */
export interface Port {
  /** `use` or `provide`. */
  readonly kind: PortKind;
  /** The port's name, unique among the component's ports. */
  readonly name: string;
  /** The places it is bound to, as written. */
  readonly places: readonly string[];
  /** The value a provide port offers to its users (`provide p on … = "…"`), if any. */
  readonly value?: string;
  /** The group's places: `G(x)`. */
  readonly groupPlaces: ReadonlySet<string>;
  /** The group's transitions: every transition (of any behavior) with source and destination in `G(x)`. */
  readonly groupTransitions: ReadonlySet<string>;
  /** Where the port is written (its name). */
  readonly span: Span;
}

/** A control component type (§1 `Component`). */
export interface Component {
  /** The component's name. */
  readonly name: string;
  /** Its places, in declaration order. */
  readonly places: readonly string[];
  /** The initial place. */
  readonly initial: string;
  /** Its behaviors, in declaration order. */
  readonly behaviors: readonly Behavior[];
  /** Its use and provide ports, in declaration order. */
  readonly ports: readonly Port[];
  /** Behaviors by name. */
  readonly behaviorByName: ReadonlyMap<string, Behavior>;
  /** Ports by name. */
  readonly portByName: ReadonlyMap<string, Port>;
  /** Transitions by name (names are unique across the component's behaviors). */
  readonly transitionByName: ReadonlyMap<string, Transition>;
  /** Where the component is written (its name). */
  readonly span: Span;
}

/** One instruction of a reconfiguration program (§1 `Instr`), split on `op`. */
export type Instr =
  /** `add(instance: type)`: create an instance of a component type. */
  | { readonly op: 'add'; readonly instance: string; readonly type: string; readonly span: Span }
  /** `del(instance)`: remove an idle, unconnected instance. */
  | { readonly op: 'del'; readonly instance: string; readonly span: Span }
  /** `con(user.usePort, provider.providePort)`: connect a use port to a provide port. */
  | {
      readonly op: 'con';
      readonly user: string;
      readonly usePort: string;
      readonly provider: string;
      readonly providePort: string;
      readonly span: Span;
    }
  /** `dcon(user.usePort, provider.providePort)`: remove that connection once the use port is inactive. */
  | {
      readonly op: 'dcon';
      readonly user: string;
      readonly usePort: string;
      readonly provider: string;
      readonly providePort: string;
      readonly span: Span;
    }
  /** `pushB(instance, behavior)`: append a behavior to the instance's queue. */
  | { readonly op: 'pushB'; readonly instance: string; readonly behavior: string; readonly span: Span }
  /** `wait(instance)`: block until the instance is idle. */
  | { readonly op: 'wait'; readonly instance: string; readonly span: Span }
  /** `waitAll()`: block until every live instance is idle. */
  | { readonly op: 'waitAll'; readonly span: Span };

/** The instruction kinds. */
export type InstrOp = Instr['op'];

/** A reconfiguration program (§1 `Program`). */
export interface Program {
  /** The program's name. */
  readonly name: string;
  /** The program it starts after (it starts from the state in which that one ended), if any. */
  readonly after?: string;
  /** Its instructions, in order; `pc` indexes this array. */
  readonly instrs: readonly Instr[];
  /** Where the program is written (its name). */
  readonly span: Span;
  /** Its closing `}`, where the implicit final `waitAll()` is (absent in generated models). */
  readonly end?: Span;
}

/** An invariant expression (§1 `Expr`), split on `kind`. */
export type Expr =
  /** Binary connectives; `implies` is right-associative. */
  | { readonly kind: 'and' | 'or' | 'implies'; readonly left: Expr; readonly right: Expr; readonly span: Span }
  /** Negation. */
  | { readonly kind: 'not'; readonly operand: Expr; readonly span: Span }
  /** `instance in place`: the instance is live and has a token on that place. */
  | { readonly kind: 'in'; readonly instance: string; readonly place: string; readonly span: Span }
  /** `instance.port active`: the instance is live and that port of it is active. */
  | { readonly kind: 'active'; readonly instance: string; readonly port: string; readonly span: Span }
  /** `instance idle`: the instance is live and its behavior queue is empty. */
  | { readonly kind: 'idle'; readonly instance: string; readonly span: Span };

/** A named invariant (§1 `Invariant`). */
export interface Invariant {
  /** The invariant's name. */
  readonly name: string;
  /** Its expression. */
  readonly expr: Expr;
  /** Where the invariant is written (its name). */
  readonly span: Span;
}

/** A loaded `.cto` file: its components, programs and invariants, in declaration order, with name indexes. */
export interface Model {
  /** The file the model was loaded from. */
  readonly file: string;
  /** Component types, in declaration order. */
  readonly components: readonly Component[];
  /** Programs, in declaration order. */
  readonly programs: readonly Program[];
  /** Invariants, in declaration order. */
  readonly invariants: readonly Invariant[];
  /** Components by name. */
  readonly componentByName: ReadonlyMap<string, Component>;
  /** Programs by name. */
  readonly programByName: ReadonlyMap<string, Program>;
}
