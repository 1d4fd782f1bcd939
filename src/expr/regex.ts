/**
 * The one regular-expression engine of the expression language: RE2 syntax
 * and semantics (through `re2js`, a pure-JavaScript port of RE2/J), so
 * matching takes time linear in the input whatever the pattern — a pattern
 * such as `^(a+)+$`, or one read from a record, cannot hang a pipeline.
 *
 * Every runner reaches regexes only through this module (the interpreter,
 * the JavaScript compiler and the arquero helpers), so `matches`, `replace`
 * and `split` cannot differ between them. Patterns of a few simple shapes
 * (one class or character, optionally repeated, or a short literal) run on
 * V8's RegExp instead, where both dialects mean the same and V8 cannot
 * backtrack: they are most real patterns, and re2js is 10–20× slower. The dialect is documented in
 * docs/semantics.md §15:
 * - syntax is RE2's: no backreferences (`\1`), no lookaround (`(?=`, `(?!`,
 *   `(?<=`, `(?<!`), no possessive quantifiers; repeat counts at most 1000;
 *   inline flags `(?i)`, `(?m)`, `(?s)`, `(?U)`; `\x{…}` for code points;
 * - matching is by code point; `.` matches anything but `\n`; `\d`, `\w`,
 *   `\s`, `\b` are ASCII-only (`\pL`, `\p{Greek}` for Unicode classes);
 *   alternation prefers the leftmost alternative, as JavaScript does;
 * - `replace` replaces every match; the replacement string reads `$1`…`$99`,
 *   `$<name>`, `$&`, `` $` ``, `$'` and `$$` as JavaScript's `String.prototype.replace`;
 * - `split` cuts where JavaScript's `String.prototype.split` would cut with
 *   the same matches (an empty match right after the previous cut, or at the
 *   end, does not cut) and returns only the pieces, never capture groups.
 *
 * @module
 */
import { RE2JS } from "re2js";

/** A pattern compiled once, with the three operations the catalogue needs. */
export interface Regex {
  /** The pattern's source text. */
  readonly pattern: string;
  /** `matches`: true when some part of `s` matches. */
  test(s: string): boolean;
  /** `replace`: every match replaced by `replacement` (JavaScript `$` references). */
  replaceAll(s: string, replacement: string): string;
  /** `split`: the pieces of `s` between matches. */
  split(s: string): string[];
}

/**
 * A regex computed at run time (from a record) that is not valid. Runners
 * send the element being evaluated to the dead letters with this message;
 * it is the only error an expression raises while running.
 */
export class ExpressionError extends Error {
  override readonly name = "ExpressionError";
}

/** The fix for an invalid pattern (shared by validation, the compilers and the runtime error). */
export const REGEX_FIX =
  "write the pattern in RE2 syntax (docs/semantics.md §15): backreferences such as \\1 and lookaround such as (?=…), (?!…), (?<=…), (?<!…) " +
  "are refused because they need backtracking, which can take exponential time — match the text explicitly instead; " +
  "use \\x{…} for a code point; repeat counts go up to 1000; escape special characters such as ( [ { * + ? with a backslash";

/** The index after the code point at `i` (surrogate pairs are one step). */
const nextCodePoint = (s: string, i: number): number => {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return i + 2;
  }
  return i + 1;
};

class Re2Regex implements Regex {
  constructor(
    readonly pattern: string,
    private readonly re: RE2JS,
  ) {}

  test(s: string): boolean {
    return this.re.test(s);
  }

  replaceAll(s: string, replacement: string): string {
    // Not java mode: `$&`, `$<name>`, `$$` as in JavaScript; a replacement is never a function here.
    return this.re.matcher(s).replaceAll(replacement, false);
  }

  split(s: string): string[] {
    // ECMAScript's split algorithm, driven by leftmost matches instead of a sticky match at every index
    // (the first index where a sticky match succeeds is the leftmost match's start).
    if (s.length === 0) return this.re.test(s) ? [] : [s];
    const m = this.re.matcher(s);
    const out: string[] = [];
    let p = 0; // end of the last cut
    let q = 0; // where the next match may start
    while (q < s.length && m.find(q)) {
      const start = m.start();
      const end = m.end();
      if (start >= s.length) break;
      if (end === p) {
        // An empty match right at the last cut does not cut; try one code point further.
        q = nextCodePoint(s, start);
        continue;
      }
      out.push(s.slice(p, start));
      p = end;
      q = end;
    }
    out.push(s.slice(p));
    return out;
  }
}

/**
 * The same three operations on V8's RegExp, for the few pattern shapes where
 * V8 means exactly what RE2 means and cannot backtrack: one character class
 * or character, optionally with `+`, `*` or `?`, or a short literal string
 * (see {@link SIMPLE}). Those are most real patterns (`[^a-z']+`, `,`, `\|`)
 * and V8 runs them 10–20× faster than re2js; everything else goes to RE2.
 * `split` and `replace` keep the rules above because V8 implements exactly
 * the ECMAScript algorithms the RE2 versions follow.
 */
class V8Regex implements Regex {
  private readonly once: RegExp;
  private readonly all: RegExp;

  constructor(readonly pattern: string) {
    this.once = new RegExp(pattern, "u");
    this.all = new RegExp(pattern, "gu");
  }

  test(s: string): boolean {
    return this.once.test(s);
  }

  replaceAll(s: string, replacement: string): string {
    return s.replace(this.all, replacement);
  }

  split(s: string): string[] {
    // No capture groups in these shapes, so JS split returns exactly the pieces.
    return s.split(this.once);
  }
}

/** Syntax characters: escaped, they stand for themselves in both dialects. */
const META = String.raw`\\^$.|?*+()[\]{}/`;
/** A literal character outside a class: not syntax, not a surrogate, not U+FFFD (how decoders may read a lone surrogate), or an escaped syntax character. */
const CHAR = String.raw`(?:[^${META}\ud800-\udfff\ufffd]|\\[${META}])`;
/** The same inside a class, where `-` must be escaped (V8 refuses `\-` outside one). */
const CLASS_CHAR = String.raw`(?:[^${META}\-\ud800-\udfff\ufffd]|\\[${META}\-])`;
/**
 * The shapes {@link V8Regex} takes: a class of literal characters and ranges
 * (negated or not) or one literal character, with an optional `+`, `*` or
 * `?`; or up to 32 literal characters. Shorthands (`\d`, `\s`, `\w`, `.`),
 * anchors, groups, alternation and flags are RE2's only, since their meaning
 * differs between the dialects.
 */
const SIMPLE = new RegExp(String.raw`^(?:(?:\[\^?(?:${CLASS_CHAR}(?:-${CLASS_CHAR})?)+\]|${CHAR})[+*?]?|${CHAR}{1,32})$`, "u");

/** The V8 form of a pattern of a {@link SIMPLE} shape, or undefined when V8 refuses it (RE2 then runs it). */
const v8Regex = (pattern: string): V8Regex | undefined => {
  try {
    return new V8Regex(pattern);
  } catch {
    return undefined;
  }
};

/** The compiled pattern, or why it is not valid RE2. Any failure of the parser is a problem, never a crash. */
const tryCompile = (pattern: string): Regex | string => {
  try {
    const re = RE2JS.compile(pattern);
    return (SIMPLE.test(pattern) && v8Regex(pattern)) || new Re2Regex(pattern, re);
  } catch (e) {
    // RE2's messages quote the offending part, which for a pattern from data can be the whole record.
    const message = e instanceof Error ? e.message : String(e);
    return message.length > 300 ? message.slice(0, 300) + "…" : message;
  }
};

/** The RE2 implementation alone, whatever the pattern's shape (for tests comparing the two). */
export const re2Only = (pattern: string): Regex => new Re2Regex(pattern, RE2JS.compile(pattern));

/** True when `pattern` runs on V8's RegExp (a shape where V8 and RE2 agree and V8 cannot backtrack). */
export const runsOnV8 = (pattern: string): boolean => tryCompile(pattern) instanceof V8Regex;

/** Why `pattern` is not a valid pattern, or `undefined` when it is. */
export const regexProblem = (pattern: string): string | undefined => {
  const r = tryCompile(pattern);
  return typeof r === "string" ? r : undefined;
};

/**
 * Compiles a pattern known to be valid (a literal checked by validation).
 *
 * @throws Error when it is not; callers check {@link regexProblem} first
 */
export const compileRegex = (pattern: string): Regex => {
  const r = tryCompile(pattern);
  if (typeof r === "string") throw new Error(`invalid regular expression ${JSON.stringify(pattern)}: ${r}. Fix: ${REGEX_FIX}`);
  return r;
};

const CACHE_LIMIT = 1000;
const cache = new Map<string, Regex | string>();

/** A pattern for the message: long patterns from data are cut so a dead letter stays readable. */
const shown = (pattern: string): string => JSON.stringify(pattern.length > 200 ? pattern.slice(0, 200) + "…" : pattern);

/**
 * The regex for a pattern computed at run time, cached (invalid ones too, so
 * a bad pattern repeated in every record is parsed once).
 *
 * @throws ExpressionError when the pattern is not valid RE2
 */
export const runtimeRegex = (pattern: string): Regex => {
  let r = cache.get(pattern);
  if (r === undefined) {
    // Patterns from data are unbounded; forgetting them all is simpler than LRU and rarely hit.
    if (cache.size >= CACHE_LIMIT) cache.clear();
    r = tryCompile(pattern);
    cache.set(pattern, r);
  }
  if (typeof r === "string") throw new ExpressionError(`invalid regular expression ${shown(pattern)} computed at run time: ${r}. Fix: ${REGEX_FIX}`);
  return r;
};
