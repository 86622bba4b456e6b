/**
 * `${…}` placeholders of `run` and provide strings (cto-language.md §1 "Inside `run` and provide
 * strings…"), shell escaping, and redaction of secret values. Pure functions.
 *
 * In a `run` command every substituted value is shell-escaped (single-quoted), so a value can never
 * change the command's shape. Provide values are *values*, not commands: the placeholders inside a
 * provide string are substituted raw, and the whole value is escaped where a `run` command uses it.
 */

/** A placeholder: `${name}` with an identifier inside. Interpolation ignores backslashes (§1). */
const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** `value` as one POSIX shell word: single-quoted, each `'` written as `'\''`. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Replaces every `${name}` of `template` for which `lookup(name)` gives a value (escaped with `escape`);
 * any other `${…}` is left unchanged, so it reaches the shell as written.
 */
export function substitute(template: string, lookup: (name: string) => string | undefined, escape: (v: string) => string): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const v = lookup(name);
    return v === undefined ? whole : escape(v);
  });
}

/** The names that a template mentions as `${name}`, in order of first appearance. */
export function placeholders(template: string): string[] {
  const out: string[] = [];
  for (const m of template.matchAll(PLACEHOLDER)) if (!out.includes(m[1]!)) out.push(m[1]!);
  return out;
}

/**
 * Hides every secret value in `text`: each occurrence of a secret, raw or shell-quoted, becomes `***`.
 * Longer secrets are hidden first, so a secret containing another is hidden whole.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  const forms = secrets
    .filter((s) => s.length > 0)
    .flatMap((s) => [shellQuote(s), s])
    .sort((a, b) => b.length - a.length);
  for (const f of forms) out = out.split(f).join('***');
  return out;
}
