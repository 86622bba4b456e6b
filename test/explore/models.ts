/** `.cto` texts shared by the explorer's tests. */
import { readFileSync } from 'node:fs';
import { CONFORMANCE_DIR } from '../shared.js';

/** The contract's seed components and program `deploy` (conformance case 08). */
export const SEED_DEPLOY = readFileSync(`${CONFORMANCE_DIR}/08-seed_deploy_only.cto`, 'utf8');

/** The seed with the lecture's `maintain` (cto-language.md §1): it deadlocks when db is slow to leave running. */
export const SEED_LECTURE = `${SEED_DEPLOY}
program maintain after deploy {
  pushB(db, maintain)
  pushB(db, deploy)
  pushB(server, suspend)
  pushB(server, install)
  wait(server)
}
`;

/** A provider that goes up (waited for) then down, and a user that goes up then down: deadlocks only if p goes down before u comes up. */
export const RACE = `
component P {
  places off, on
  initial off
  behavior up   { pu: off -> on }
  behavior down { pd: on -> off }
  provide s on on
}
component U {
  places off, on
  initial off
  behavior up   { uu: off -> on }
  behavior down { ud: on -> off }
  use s on on
}
program race {
  add(p: P)
  add(u: U)
  con(u.s, p.s)
  pushB(p, up)
  wait(p)
  pushB(u, up)
  pushB(p, down)
  pushB(u, down)
  waitAll()
}
`;
