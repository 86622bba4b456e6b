/** Running the real `cto` binary from tests: build once if the sources are newer than dist, then spawn. */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root. */
export const ROOT = new URL('../../', import.meta.url).pathname;

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Runs `npm run build` unless dist/cli/main.js is newer than every file under src/. */
export function ensureBuilt(): void {
  const main = join(ROOT, 'dist/cli/main.js');
  if (existsSync(main) && statSync(main).mtimeMs > newest(join(ROOT, 'src'))) return;
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
}

/** The outcome of one run of the binary. */
export interface CtoRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node bin/cto.js ...args` in `cwd`, asynchronously (so that tests can run concurrently). */
export function cto(args: readonly string[], cwd = ROOT): Promise<CtoRun> {
  return new Promise((resolve) => {
    execFile('node', [join(ROOT, 'bin/cto.js'), ...args], { cwd, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * `ensureBuilt`, except that a build failing while a built CLI already exists keeps that one (another
 * engineer's half-edited source must not stop these tests; CI builds first anyway, in `pretest`).
 */
export function ensureBuiltOrKeep(): void {
  try {
    ensureBuilt();
  } catch (e) {
    if (!existsSync(join(ROOT, 'dist/cli/main.js'))) throw e;
  }
}

/** Writes `text` to `dir/name` atomically (concurrent tests rewrite files while others read them); returns the path. */
export function writeIn(dir: string, name: string, text: string): string {
  const p = join(dir, name);
  const tmp = `${p}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, p);
  return p;
}
