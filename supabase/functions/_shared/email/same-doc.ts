// Whether a stage body was changed: the forms that edit one enrolment's stages (the profile, the
// sequence manager, the board's Edit sequence, the extension) send a body only when it was.
/**
 * Whether two bodies are the same document, whatever the order of their keys (the database's
 * jsonb and the editor's JSON order them differently), so an untouched body is never rewritten.
 */
export function sameDoc(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameDoc(x, b[i]));
  }
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object') return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return (
    ka.length === kb.length &&
    ka.every((k) => sameDoc((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}
