/**
 * "Did you mean": the closest of a set of names to a misspelt one, for error
 * messages (unknown expression kinds and functions, unknown fields).
 *
 * @module
 */

/** Levenshtein distance between two strings (UTF-16 code units). */
export const levenshtein = (a: string, b: string): number => {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
};

/**
 * The candidate closest to `found` within two edits (a difference of case
 * alone counts as none), or undefined when none is that close. Ties go to the
 * earlier candidate.
 */
export const closest = (found: string, candidates: Iterable<string>): string | undefined => {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = c.toLowerCase() === found.toLowerCase() ? 0 : levenshtein(found, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
};

/** `' (did you mean "x"?)'` for the closest candidate within two edits, else `""`. */
export const didYouMean = (found: string, candidates: Iterable<string>): string => {
  const best = closest(found, candidates);
  return best === undefined ? "" : ` (did you mean "${best}"?)`;
};
