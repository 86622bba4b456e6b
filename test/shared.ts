/** Where the project's shared material lives: `../shared` beside the repository (as in CI), else /work/shared. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const beside = fileURLToPath(new URL('../../shared/', import.meta.url));

/** The shared folder, with a trailing slash. */
export const SHARED = existsSync(`${beside}conformance`) ? beside : '/work/shared/';

/** The conformance cases' folder, without a trailing slash. */
export const CONFORMANCE_DIR = `${SHARED}conformance`;
