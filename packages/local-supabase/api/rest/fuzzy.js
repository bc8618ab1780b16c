// "Perhaps you meant …" hints: the closest known name, chosen the way PostgREST's fuzzyset
// does (gram vectors of sizes 3 then 2 compared by cosine, the best candidates re-scored by
// Levenshtein similarity, nothing below 0.33).

const MIN_SCORE = 0.33;

/** @param {string} s @param {number} n */
function grams(s, n) {
  const padded = `-${s.toLowerCase().replace(/[^\p{L}\p{N}, ]+/gu, '')}-`;
  /** @type {Map<string, number>} */
  const out = new Map();
  for (let i = 0; i + n <= padded.length; i++) {
    const g = padded.slice(i, i + n);
    out.set(g, (out.get(g) ?? 0) + 1);
  }
  return out;
}

/** @param {Map<string, number>} a @param {Map<string, number>} b */
function cosine(a, b) {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [g, x] of a) {
    na += x * x;
    dot += x * (b.get(g) ?? 0);
  }
  for (const x of b.values()) nb += x * x;
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

/** @param {string} a @param {string} b */
function levenshtein(a, b) {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] ?? 0;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] ?? 0;
      prev[j] = Math.min(up + 1, (prev[j - 1] ?? 0) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length] ?? 0;
}

/**
 * The candidate closest to `name`, or null when none is close enough.
 * @param {string} name @param {Iterable<string>} candidates
 */
export function closest(name, candidates) {
  const list = [...new Set(candidates)].filter((c) => c !== name);
  if (!list.length) return null;
  for (const n of [3, 2]) {
    const g = grams(name, n);
    const scored = list
      .map((c) => ({ c, s: cosine(g, grams(c, n)) }))
      .filter((x) => x.s > 0)
      .sort((x, y) => y.s - x.s)
      .slice(0, 50)
      .map(({ c }) => {
        const a = name.toLowerCase();
        const b = c.toLowerCase();
        return { c, s: 1 - levenshtein(a, b) / Math.max(a.length, b.length, 1) };
      })
      .filter((x) => x.s >= MIN_SCORE)
      .sort((x, y) => y.s - x.s);
    if (scored.length) return /** @type {{ c: string }} */ (scored[0]).c;
  }
  return null;
}
