// What identifies a candidate search on the client: the state classes compare the words of
// the search box with the words the shown results answer, to mark older results stale. The
// matching rule itself lives in the database (public.search_candidates, which splits words
// the same way: white space, commas, semicolons; lower case); a parity test checks the split.

/**
 * The words of a candidate search: split on spaces and commas (so "Costa, Oliver" is the two
 * words "costa" and "oliver"), lower-cased, without duplicates. A candidate matches when every
 * word occurs somewhere in their name, email or company (public.search_candidates).
 */
export function searchWords(search: string): string[] {
  const words = search
    .toLowerCase()
    .split(/[\s,;]+/)
    .filter((w) => w !== '');
  return [...new Set(words)];
}

/** What identifies a search: two texts with the same words find the same candidates. */
export function searchKey(search: string): string {
  return searchWords(search).join(' ');
}
