/**
 * Hand-written tricky programs for the oracle tests, each with the verdict worked out BY HAND from
 * cto-language.md §3/§4 (reasoning in the comment above each case). `expect` maps program names to
 * what `verify --program NAME` must decide: verdict, the set of violation kinds, the blocked
 * instructions (`program:pc`, 0-based pc; pc = length means the implicit final waitAll) and, where
 * small enough to count by hand, the number of distinct reachable states.
 */

/** What is expected of one program. */
export interface Expectation {
  /** verified or violation. */
  readonly verdict: 'verified' | 'violation';
  /** The kinds of violation found anywhere in the reachable states. */
  readonly kinds: readonly ('deadlock' | 'invariant' | 'ps')[];
  /** `program:pc` of every instruction some execution blocks at forever. */
  readonly blockedAt: readonly string[];
  /** The number of distinct reachable states, when counted by hand. */
  readonly states?: number;
}

/** One hand case: a source text and what each program must decide. */
export interface HandCase {
  readonly name: string;
  readonly src: string;
  readonly expect: Readonly<Record<string, Expectation>>;
}

const OK: Expectation = { verdict: 'verified', kinds: [], blockedAt: [] };
const dl = (...blockedAt: string[]): Expectation => ({ verdict: 'violation', kinds: ['deadlock'], blockedAt });
const INV: Expectation = { verdict: 'violation', kinds: ['invariant'], blockedAt: [] };

/** A database that can be started and stopped, providing `sql` on running. */
const DB = `
component Db {
  places off, running
  initial off
  behavior deploy { start: off -> running }
  behavior stop   { halt: running -> off }
  provide sql on running
}`;

/** An application using `db` on running, with deploy and stop. */
const APP = `
component App {
  places off, running
  initial off
  behavior deploy { start: off -> running }
  behavior stop   { halt: running -> off }
  use db on running
}`;

/** A web server with no user, providing `http` on running. */
const WEB = `
component W {
  places off, running
  initial off
  behavior start { go: off -> running }
  behavior stop  { halt: running -> off }
  provide http on running
}`;

/** The hand cases. */
export const HAND_CASES: readonly HandCase[] = [
  {
    // Self-connection. `enter on` makes n.self active; the guard is evaluated in the state AFTER the
    // step, where `on` is marked, so n.me (the provider) is active: enabled. `leave on` (down) makes
    // n.me inactive; its only user n.self is inactive after the step (stop: on -> off is not in
    // G(self) = {on}). So n goes up and down; wait(n) and the end return. Verified.
    name: 'self-connection, guards read the state after the step',
    src: `
component Node {
  places off, on
  initial off
  behavior up   { go: off -> on }
  behavior down { stop: on -> off }
  use self on on
  provide me on on
}
program selfish {
  add(n: Node)
  con(n.self, n.me)
  pushB(n, up)
  pushB(n, down)
  wait(n)
}`,
    expect: { selfish: OK },
  },
  {
    // Self-connection that blocks a leave: after up, n is in on (self and me active). fin's
    // `leave on` makes n.me inactive (f: on -> done, done ∉ G(me)), but the user n.self stays active
    // after the step (f has both ends in G(self) = {on, done}: the group includes it). The guard is
    // false and nothing else can change n: wait(n) (pc 4) never returns. Deadlock.
    name: 'self-connection whose leave guard can never hold',
    src: `
component Node {
  places off, on, done
  initial off
  behavior up  { go: off -> on }
  behavior fin { f: on -> done }
  use self on on, done
  provide me on on
}
program stuck {
  add(n: Node)
  con(n.self, n.me)
  pushB(n, up)
  pushB(n, fin)
  wait(n)
}`,
    expect: { stuck: dl('stuck:4') },
  },
  {
    // A provide port shared by two users. race: db's stop is pushed without waiting for the users.
    // db's `leave running` needs BOTH a1.db and a2.db inactive after the step. Interleavings where
    // a1 and a2 go up and down before db leaves complete. Interleavings where db deploys and leaves
    // running while a1 or a2 is still off / has its start dock filled (inactive) leave that app
    // unable to enter running forever (db.sql inactive, never again): waitAll (pc 11) blocks.
    // Deadlock only in some interleavings, always at pc 11 (db's stop is pushed at pc 10).
    // safe: wait(a1), wait(a2) (both back off) before db stops: every interleaving completes.
    name: 'provide port shared by several users; deadlock in only some interleavings',
    src: `${DB}${APP}
program race {
  add(db: Db)
  add(a1: App)
  add(a2: App)
  con(a1.db, db.sql)
  con(a2.db, db.sql)
  pushB(db, deploy)
  pushB(a1, deploy)
  pushB(a2, deploy)
  pushB(a1, stop)
  pushB(a2, stop)
  pushB(db, stop)
  waitAll()
}
program safe {
  add(db: Db)
  add(a1: App)
  add(a2: App)
  con(a1.db, db.sql)
  con(a2.db, db.sql)
  pushB(db, deploy)
  pushB(a1, deploy)
  pushB(a2, deploy)
  pushB(a1, stop)
  pushB(a2, stop)
  wait(a1)
  wait(a2)
  pushB(db, stop)
  waitAll()
}`,
    expect: { race: dl('race:11'), safe: OK },
  },
  {
    // The provider's port is bound to its initial place (allowed for provide ports): cfg.f is active
    // from the add on, and stays active while cfg renders (go: off -> done has both ends in G(f), so
    // it is in the group). web's `enter running` finds f active whatever the order. Verified.
    name: 'use port connected to a provide port bound to the initial place',
    src: `
component Cfg {
  places off, done
  initial off
  behavior render { go: off -> done }
  provide f on off, done
}
component Web {
  places off, running
  initial off
  behavior start { launch: off -> running }
  use conf on running
}
program early {
  add(cfg: Cfg)
  add(web: Web)
  con(web.conf, cfg.f)
  pushB(web, start)
  pushB(cfg, render)
  waitAll()
}`,
    expect: { early: OK },
  },
  {
    // Same, but f is bound to off only: cfg's `leave off` makes f inactive (go is not in the group:
    // done ∉ G(f)). If web entered running first (conf active for good: web has no stop), cfg can
    // never leave off; if cfg left first, web can never enter running. Either way waitAll (pc 5)
    // blocks: deadlock in every interleaving.
    name: 'provide port only on the initial place: whoever moves first blocks the other',
    src: `
component Cfg {
  places off, done
  initial off
  behavior render { go: off -> done }
  provide f on off
}
component Web {
  places off, running
  initial off
  behavior start { launch: off -> running }
  use conf on running
}
program early {
  add(cfg: Cfg)
  add(web: Web)
  con(web.conf, cfg.f)
  pushB(web, start)
  pushB(cfg, render)
  waitAll()
}`,
    expect: { early: dl('early:5') },
  },
  {
    // Joins across parallel branches: leaving s starts a, b and e together; x and y are entered
    // independently, c and d leave them; `enter z` needs In(z) = {c, d, e} all in D (AND-join), so
    // when z is entered neither x nor y is still marked (c, d have left them). z is entered once,
    // left by f, then w. Invariant holds in every state (an OR-join would enter z with x or y still
    // marked). Verified.
    name: 'three-way join across parallel branches',
    src: `
component J {
  places s, x, y, z, w
  initial s
  behavior go {
    a: s -> x
    b: s -> y
    c: x -> z
    d: y -> z
    e: s -> z
    f: z -> w
  }
  provide out on w
}
program joins {
  add(j: J)
  pushB(j, go)
  wait(j)
}
invariant joined: j in z implies not (j in x or j in y)
invariant once: not (j in z and j in w)`,
    expect: { joins: OK },
  },
  {
    // M is a set: split marks q and r; merge moves the q token into r, which is already marked: the
    // tokens merge, M = {r}. back leaves r (M = {}), enters p: M = {p}, and finishes (p has no
    // outgoing transition in back). With a multiset, r would keep a token and `k in p and k in r`
    // would hold. Verified.
    name: 'a token entering a marked place merges with it',
    src: `
component K {
  places p, q, r
  initial p
  behavior split { t1: p -> q  t2: p -> r }
  behavior merge { u: q -> r }
  behavior back  { v: r -> p }
  provide out on r
}
program merging {
  add(k: K)
  pushB(k, split)
  pushB(k, merge)
  pushB(k, back)
  wait(k)
}
invariant single: k in p implies not k in r`,
    expect: { merging: OK },
  },
  {
    // Behaviors whose source places are not marked: stop is current with M = {off}; no place of M
    // has an outgoing transition in stop and R = D = ∅, so stop finishes at once. start moves off to
    // running; the second start finds running (no outgoing transition in start) and finishes at once.
    // Hand count of states: [] ; +w ; Q=[stop] ; Q=[stop,start] ; then two orders of
    // (finish stop | pushB start) ... : see `states`, counted below.
    //   s0 pc0 {}                       s1 pc1 w:off Q[]
    //   s2 pc2 Q[stop]                  s3 pc2 Q[] (stop finished)
    //   s4 pc3 Q[stop,start]            s5 pc3 Q[start]
    //   from s5: leave off → s6 pc3 R{go}; and pushB → s7 pc4 Q[start,start]
    //   s4 → finish → s5 (seen) ; s4 → pushB → s8 pc4 Q[stop,start,start] → finish → s7
    //   s6 → end → s9 D{go}; s6 → pushB → s10 pc4 R{go} Q[start,start]
    //   s9 → enter → s11 M{running}; s9 → pushB → s12 pc4 D{go} Q[start,start]
    //   s11 → finish → s13 pc3 Q[] running; s11 → pushB → s14 pc4 running Q[start,start]
    //   s13 → pushB → s15 pc4 running Q[start]
    //   s7 → leave → s10; s10 → end → s12; s12 → enter → s14; s14 → finish → s15
    //   s15 → finish → s16 pc4 Q[] running; s16 → wait → s17 pc5 (completed)
    // 18 states.
    name: 'behaviors pushed on places they have no transition from finish at once',
    src: `${WEB}
program noop {
  add(w: W)
  pushB(w, stop)
  pushB(w, start)
  pushB(w, start)
  wait(w)
}`,
    expect: { noop: { ...OK, states: 18 } },
  },
  {
    // A join with a source place that is never marked: leave off starts t1; `enter mid` needs
    // In(mid) = {t1, t2} ⊆ D, and t2 never runs (other is never marked). D = {t1} is never emptied, so
    // b never finishes: a stuck instance. wait(a) (pc 2) never returns: deadlock.
    name: 'join waiting on a transition whose source is not marked',
    src: `
component A {
  places off, other, mid
  initial off
  behavior b { t1: off -> mid  t2: other -> mid }
}
program halfjoin {
  add(a: A)
  pushB(a, b)
  wait(a)
}`,
    expect: { halfjoin: dl('halfjoin:2') },
  },
  {
    // del / re-add with another type. del(x) waits until x (type A) is idle, removes it; x is added
    // again as a B. `typed`: while x is an A, `x in b1` is false (A has no b1); as a B, b1 ∈ G(q).
    // `lacks`: while x is a B, `x.p active` is false (B has no port p). Both hold everywhere. Verified.
    name: 'del then add again with another type',
    src: `
component A {
  places a0, a1
  initial a0
  behavior go { t: a0 -> a1 }
  provide p on a1
}
component B {
  places a0, b1
  initial a0
  behavior go { s: a0 -> b1 }
  provide q on b1
}
program swap {
  add(x: A)
  pushB(x, go)
  del(x)
  add(x: B)
  pushB(x, go)
  wait(x)
}
invariant typed: x in b1 implies x.q active
invariant lacks: x.p active implies x in a1`,
    expect: { swap: OK },
  },
  {
    // Same program; `wrongtype`: once x is a B in b1, `x.p active` is false (B lacks p, so the atom is
    // false), while `x in b1` is true: the invariant fails. Invariant violation, no deadlock.
    name: 'atom on a port the current type lacks is false',
    src: `
component A {
  places a0, a1
  initial a0
  behavior go { t: a0 -> a1 }
  provide p on a1
}
component B {
  places a0, b1
  initial a0
  behavior go { s: a0 -> b1 }
  provide q on b1
}
program swap {
  add(x: A)
  pushB(x, go)
  del(x)
  add(x: B)
  pushB(x, go)
  wait(x)
}
invariant wrongtype: x in b1 implies x.p active`,
    expect: { swap: INV },
  },
  {
    // after chain of 3, deadlock only in the middle one. one: db up (wait(db)), verified.
    // two: app's deploy + stop and db's stop race: if db leaves running while app is not in running,
    // app's `enter running` is blocked forever (db.sql never active again): waitAll (two:3) blocks.
    // In other interleavings two completes with both off and idle. three after two: from those, db and
    // app deploy, app's enter waits for db.sql: completes. But three is checked through its chain, so
    // two's deadlock states are reachable for it as well (three has not completed there):
    // three is a violation, blocked at two:3.
    name: 'after chain of three, deadlock only in the middle program',
    src: `${DB}${APP}
program one {
  add(db: Db)
  add(app: App)
  con(app.db, db.sql)
  pushB(db, deploy)
  wait(db)
}
program two after one {
  pushB(app, deploy)
  pushB(app, stop)
  pushB(db, stop)
  waitAll()
}
program three after two {
  pushB(db, deploy)
  pushB(app, deploy)
  waitAll()
}`,
    expect: { one: OK, two: dl('two:3'), three: dl('two:3') },
  },
  {
    // Invariants checked in the empty start state: w is not live there, so both atoms are false and
    // `present` fails at once. Violation (invariant), no deadlock.
    name: 'invariant false in the empty start state',
    src: `${WEB}
program deploy {
  add(w: W)
  pushB(w, start)
  wait(w)
}
invariant present: w in off or w in running`,
    expect: { deploy: INV },
  },
  {
    // Atom on an instance added later: right after add(x), `x in off` holds and y is not live yet, so
    // `y in off` is false: the implication fails. Violation (invariant).
    name: 'invariant over an instance that is added later',
    src: `${WEB}
program two {
  add(x: W)
  add(y: W)
}
invariant later: x in off implies y in off`,
    expect: { two: INV },
  },
  {
    // Atom on a deleted instance: with v in off and w live in off, `keep` holds; before v exists the
    // antecedent is false. After del(w), v in off but w's atoms are false: `keep` fails, only there.
    name: 'invariant that fails only once an instance is deleted',
    src: `${WEB}
program churn {
  add(w: W)
  add(v: W)
  del(w)
}
invariant keep: v in off implies (w in off or w in running)`,
    expect: { churn: INV },
  },
  {
    // implies is right-associative, precedence not > and > or > implies. W has one token (off or
    // running, or in a transition).
    // served: running ∈ G(http).  assoc = running → (off → idle): when w in running it is not in off,
    // so true (read left-assoc, (running → off) → idle fails with w off and start queued).
    // prec = ((¬running ∧ ¬http) ∨ http): http false ⇒ running false ⇒ true (other readings fail
    // with w running). gone = (idle ∨ ¬idle) → (off ∨ running ∨ http ∨ ¬idle): when w is not live or
    // busy, ¬idle is true; when idle, M ≠ ∅. All hold; del(w) waits for idle. Verified.
    name: 'invariants with implies/or/not, precedence and a deleted instance',
    src: `${WEB}
program life {
  add(w: W)
  pushB(w, start)
  wait(w)
  pushB(w, stop)
  del(w)
}
invariant served: w in running implies w.http active
invariant assoc: w in running implies w in off implies w idle
invariant prec: not w in running and not w.http active or w.http active
invariant gone: w idle or not w idle implies w in off or w in running or w.http active or not w idle`,
    expect: { life: OK },
  },
  {
    // Empty programs. nothing: the start state is completed (pc past the end, no instance): 1 state.
    // later after nothing: passing from nothing to later is not a step, so the empty start state is
    // later's pc 0: {} ; w off ; Q[start] ; R{go} ; D{go} ; M{running} ; Q[] = 7 states.
    // tail after later: later's completed state is tail's start and end: still 7 states. Verified.
    name: 'empty programs at the start and the end of a chain',
    src: `${WEB}
program nothing { }
program later after nothing {
  add(w: W)
  pushB(w, start)
}
program tail after later { }`,
    expect: { nothing: { ...OK, states: 1 }, later: { ...OK, states: 7 }, tail: { ...OK, states: 7 } },
  },
  {
    // A program ending without any wait: the end counts as waitAll. quick: w goes to running, 7
    // states (as `later` above). dangling: a's `enter running` needs a.db connected, it never is;
    // the implicit waitAll (pc 3 = length) never returns: deadlock.
    name: 'programs ending without waits',
    src: `${WEB}${DB}${APP}
program quick {
  add(w: W)
  pushB(w, start)
}
program dangling {
  add(d: Db)
  add(a: App)
  pushB(a, deploy)
}`,
    expect: { quick: { ...OK, states: 7 }, dangling: dl('dangling:3') },
  },
  {
    // dcon on a port that becomes inactive only in some interleavings. After wait(app) app is idle in
    // running; pause and resume are queued. app.db is inactive from `leave running` (p: running ->
    // paused is not in G(db) = {running}) until resume's `enter running`. If dcon (pc 8) fires in that
    // window, con (pc 9) reconnects and app's enter running (which waits for the connection) completes.
    // If app is back in running before dcon fires, app is idle there for good and dcon waits forever:
    // deadlock at pc 8, in some interleavings only.
    name: 'dcon on a use port that is inactive only in a window',
    src: `
component Db {
  places off, running
  initial off
  behavior deploy { start: off -> running }
  provide sql on running
}
component App {
  places off, running, paused
  initial off
  behavior deploy { start: off -> running }
  behavior pause  { p: running -> paused }
  behavior resume { r: paused -> running }
  use db on running
}
program window {
  add(db: Db)
  add(app: App)
  con(app.db, db.sql)
  pushB(db, deploy)
  pushB(app, deploy)
  wait(app)
  pushB(app, pause)
  pushB(app, resume)
  dcon(app.db, db.sql)
  con(app.db, db.sql)
  waitAll()
}`,
    expect: { window: dl('window:8') },
  },
  {
    // The group of a port includes transitions with both ends in it, and their docks: while s1
    // (running -> stopping) runs or its dock is filled, M = ∅ but app.db is active, so `inflight`
    // fails. dcon waits until app leaves stopping (s2: stopping -> off is outside the group), then
    // fires; del(app) waits for idle; no deadlock. Violation: invariant only.
    name: 'port active through a transition of its group',
    src: `${DB}
component App2 {
  places off, running, stopping
  initial off
  behavior deploy { start: off -> running }
  behavior stop   { s1: running -> stopping  s2: stopping -> off }
  use db on running, stopping
}
program drain {
  add(db: Db)
  add(app: App2)
  con(app.db, db.sql)
  pushB(db, deploy)
  pushB(app, deploy)
  wait(app)
  pushB(app, stop)
  dcon(app.db, db.sql)
  del(app)
}
invariant inflight: app.db active implies app in running or app in stopping`,
    expect: { drain: INV },
  },
  {
    // A leave that does not make the provide port inactive: db's deploy forks into running and
    // standby, both in G(sql). drop leaves running while standby stays marked: sql stays active, so
    // the guard does not apply, even though app is active and connected. Verified (reading the guard
    // as "the place left is in G(sql)" would deadlock here).
    name: 'leaving one place of a group while another stays marked',
    src: `${APP}
component Db2 {
  places off, running, standby, halted
  initial off
  behavior deploy { a: off -> running  b: off -> standby }
  behavior drop   { h: running -> halted }
  provide sql on running, standby
}
program twotokens {
  add(db: Db2)
  add(app: App)
  con(app.db, db.sql)
  pushB(db, deploy)
  pushB(app, deploy)
  wait(app)
  pushB(db, drop)
  wait(db)
}`,
    expect: { twotokens: OK },
  },
  {
    // del waits for idle, then a deadlock at del: x's behavior is stuck on a join (In(mid) = {t1, t2},
    // other never marked), so x never becomes idle and del(x) (pc 2) waits forever.
    name: 'del waiting for an instance that never becomes idle',
    src: `
component A {
  places off, other, mid
  initial off
  behavior b { t1: off -> mid  t2: other -> mid }
}
program gone {
  add(x: A)
  pushB(x, b)
  del(x)
}`,
    expect: { gone: dl('gone:2') },
  },
  {
    // R and D are sets too. fork marks x and s2. In b: leave x starts t2 (R = {t2}); leave s2 starts
    // t3; t3 ends and enters x (In_b(x) = {t3}); x is marked again and may be left again, adding t2 to
    // R once more: if t2 is still running or already docked, the tokens merge (R, D are sets). enter y
    // then needs t2 in D; all tokens end in y, b finishes with M = {y}. The idle states are M = {s}
    // (after add), M = {x, s2} (after fork) and M = {y} (after b), so `settled` holds. Verified.
    name: 'a place left twice in one behavior: running transitions and docks are sets',
    src: `
component K {
  places s, x, s2, y
  initial s
  behavior fork { f1: s -> x  f2: s -> s2 }
  behavior b    { t2: x -> y  t3: s2 -> x }
  provide out on y
}
program twice {
  add(k: K)
  pushB(k, fork)
  pushB(k, b)
  wait(k)
}
invariant settled: k idle implies not (k in x and k in y)`,
    expect: { twice: OK },
  },
];
