/**
 * Builds the indexed, readonly model from its plain parts: computes `Out_b`/`In_b`,
 * port groups and the by-name maps. Does no checking: the static rules live in `rules.ts`.
 */
import type { Behavior, Component, Invariant, Model, Port, Program, Span, Transition } from './types.js';

/** A component as written: the model's `Component` without the computed indexes. */
export interface RawComponent {
  readonly name: string;
  readonly places: readonly string[];
  readonly initial: string;
  readonly behaviors: readonly { readonly name: string; readonly transitions: readonly Transition[]; readonly span: Span }[];
  readonly ports: readonly {
    readonly kind: Port['kind'];
    readonly name: string;
    readonly places: readonly string[];
    readonly value?: string;
    readonly span: Span;
  }[];
  readonly span: Span;
}

/** A file as written: components without indexes, programs and invariants as they are. */
export interface RawModel {
  readonly file: string;
  readonly components: readonly RawComponent[];
  readonly programs: readonly Program[];
  readonly invariants: readonly Invariant[];
}

function pushIndex(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** A map from name to the first item of that name (duplicates are reported by the static rules). */
export function indexByName<T extends { readonly name: string }>(xs: readonly T[]): Map<string, T> {
  const m = new Map<string, T>();
  for (const x of xs) if (!m.has(x.name)) m.set(x.name, x);
  return m;
}

/** The indexed behavior: its `Out_b(π)` and `In_b(π)` for every place. */
export function buildBehavior(name: string, transitions: readonly Transition[], span: Span): Behavior {
  const out = new Map<string, string[]>();
  const inn = new Map<string, string[]>();
  for (const t of transitions) {
    pushIndex(out, t.source, t.name);
    pushIndex(inn, t.target, t.name);
  }
  return { name, transitions, out, in: inn, span };
}

/** The indexed component: behaviors with their indexes, ports with their groups, by-name maps. */
export function buildComponent(raw: RawComponent): Component {
  const behaviors = raw.behaviors.map((b) => buildBehavior(b.name, b.transitions, b.span));
  const allTransitions = behaviors.flatMap((b) => b.transitions);
  const ports: Port[] = raw.ports.map((p) => {
    const groupPlaces = new Set(p.places);
    const groupTransitions = new Set(
      allTransitions.filter((t) => groupPlaces.has(t.source) && groupPlaces.has(t.target)).map((t) => t.name),
    );
    return { ...p, groupPlaces, groupTransitions };
  });
  return {
    name: raw.name,
    places: raw.places,
    initial: raw.initial,
    behaviors,
    ports,
    behaviorByName: indexByName(behaviors),
    portByName: indexByName(ports),
    transitionByName: indexByName(allTransitions),
    span: raw.span,
  };
}

/** The indexed model of a whole file. Duplicate names keep their first declaration in the maps. */
export function buildModel(raw: RawModel): Model {
  const components = raw.components.map(buildComponent);
  return {
    file: raw.file,
    components,
    programs: raw.programs,
    invariants: raw.invariants,
    componentByName: indexByName(components),
    programByName: indexByName(raw.programs),
  };
}
