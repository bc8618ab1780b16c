// Relationship discovery for embeds, as PostgREST infers it from foreign keys: many-to-one,
// one-to-many (one-to-one when the referencing columns are unique), and many-to-many
// through a junction table whose two foreign keys lie in its primary key or a unique key.
// `!hint` picks by constraint name, column name or junction table name.
import { PgrstError } from './errors.js';
import { qualifiedKey } from './schema-cache.js';
import { closest } from './fuzzy.js';

/**
 * @typedef {import('./schema-cache.js').Table} Table
 * @typedef {import('./schema-cache.js').ForeignKey} ForeignKey
 * @typedef {{ kind: 'm2o' | 'o2m' | 'o2o' | 'm2m', toOne: boolean, target: Table, fk: ForeignKey,
 *   sourceHoldsFk?: boolean, junction?: { table: Table, sourceFk: ForeignKey, targetFk: ForeignKey } }} FkRelationship
 * @typedef {{ kind: 'computed', toOne: boolean, target: Table, fn: import('./schema-cache.js').Func, fk?: undefined, junction?: undefined }} ComputedRelationship
 * @typedef {FkRelationship | ComputedRelationship} Relationship
 */

const sameSet = (/** @type {string[]} */ a, /** @type {string[]} */ b) =>
  a.length === b.length && a.every((x) => b.includes(x));
const isUnique = (/** @type {Table} */ t, /** @type {string[]} */ cols) => t.uniques.some((u) => sameSet(u, cols));
const within = (/** @type {string[]} */ cols, /** @type {string[]} */ key) => cols.every((c) => key.includes(c));

/** @param {Relationship} r */
function describe(r) {
  if (r.kind === 'm2m' && r.junction) {
    return {
      cardinality: 'many-to-many',
      embedding: `${r.fk.table} with ${r.target.name}`,
      relationship: `${r.junction.table.name} using ${r.junction.sourceFk.name}(${r.junction.sourceFk.columns.join(', ')}) and ${r.junction.targetFk.name}(${r.junction.targetFk.columns.join(', ')})`,
    };
  }
  const card = r.kind === 'm2o' ? 'many-to-one' : r.kind === 'o2m' ? 'one-to-many' : 'one-to-one';
  return {
    cardinality: card,
    embedding: `${r.kind === 'm2o' ? r.fk.table : r.fk.refTable} with ${r.target.name}`,
    relationship: `${r.fk.name} using ${r.fk.table}(${r.fk.columns.join(', ')}) and ${r.fk.refTable}(${r.fk.refColumns.join(', ')})`,
  };
}

/**
 * @param {import('./schema-cache.js').SchemaCache} cache
 * @param {Table} source
 * @param {string} name  table name, or a foreign-key column / constraint name of the source
 * @param {string | null} hint
 * @returns {Relationship}
 */
export function findRelationship(cache, source, name, hint) {
  // A computed relationship (a function taking the source's row and returning rows of a table)
  // comes first: PostgREST lets it override a detected relationship of the same name.
  for (const fn of cache.funcs.get(qualifiedKey(source.schema, name)) ?? []) {
    if (
      fn.args.length === 1 &&
      fn.firstArgTable?.schema === source.schema &&
      fn.firstArgTable.name === source.name &&
      fn.returnTable
    ) {
      const target = cache.tables.get(qualifiedKey(fn.returnTable.schema, fn.returnTable.name));
      // SETOF … ROWS 1 (or a single row) is to-one, as PostgREST reads it.
      if (target) return { kind: 'computed', toOne: !fn.returnsSet || fn.rows === 1, target, fn };
    }
  }
  const sameSchema = (/** @type {string} */ n) => cache.tables.get(qualifiedKey(source.schema, n));
  /** @type {FkRelationship[]} */
  const candidates = [];
  const named = sameSchema(name);
  for (const fk of cache.fks) {
    // many-to-one: source holds the fk. Reachable by target table name, by the fk column
    // (`author_id(*)`) or by the constraint name.
    if (fk.schema === source.schema && fk.table === source.name) {
      const target = cache.tables.get(qualifiedKey(fk.refSchema, fk.refTable));
      if (!target) continue;
      const byName =
        (named && target === named) || (fk.columns.length === 1 && fk.columns[0] === name) || fk.name === name;
      if (byName) {
        const oneToOne = isUnique(source, fk.columns);
        candidates.push({ kind: oneToOne ? 'o2o' : 'm2o', toOne: true, target, fk, sourceHoldsFk: true });
      }
    }
    // one-to-many (or one-to-one): the named table references the source; also reachable by
    // the constraint name (`first_friend:best_friends_first_user_fkey(*)`).
    if (fk.refSchema === source.schema && fk.refTable === source.name) {
      const referencing = cache.tables.get(qualifiedKey(fk.schema, fk.table));
      const byTable = named && fk.schema === named.schema && fk.table === named.name;
      const byConstraint = fk.name === name && referencing;
      // A self-referencing key named by its constraint is already the many-to-one above.
      if (referencing && (byTable || (byConstraint && !(fk.schema === source.schema && fk.table === source.name)))) {
        const oneToOne = isUnique(referencing, fk.columns);
        candidates.push({ kind: oneToOne ? 'o2o' : 'o2m', toOne: oneToOne, target: referencing, fk });
      }
    }
  }
  // many-to-many through a junction table.
  if (named) {
    for (const j of cache.tables.values()) {
      if (j === source || j === named) continue;
      const keys = j.uniques.length ? j.uniques : [];
      const toSource = cache.fks.filter(
        (fk) =>
          fk.schema === j.schema &&
          fk.table === j.name &&
          fk.refSchema === source.schema &&
          fk.refTable === source.name,
      );
      const toTarget = cache.fks.filter(
        (fk) =>
          fk.schema === j.schema && fk.table === j.name && fk.refSchema === named.schema && fk.refTable === named.name,
      );
      for (const sf of toSource) {
        for (const tf of toTarget) {
          if (sf === tf) continue;
          if (!keys.some((k) => within(sf.columns, k) && within(tf.columns, k))) continue;
          candidates.push({
            kind: 'm2m',
            toOne: false,
            target: named,
            fk: sf,
            junction: { table: j, sourceFk: sf, targetFk: tf },
          });
        }
      }
    }
  }
  let found = candidates;
  if (hint) {
    found = candidates.filter((r) => {
      if (r.fk.name === hint || r.fk.columns.includes(hint) || r.fk.refColumns.includes(hint)) return true;
      if (
        r.junction &&
        (r.junction.table.name === hint ||
          r.junction.targetFk.name === hint ||
          r.junction.targetFk.columns.includes(hint))
      )
        return true;
      return false;
    });
  }
  if (found.length === 1) return /** @type {FkRelationship} */ (found[0]);
  if (found.length === 0) {
    throw new PgrstError(
      400,
      'PGRST200',
      `Could not find a relationship between '${source.name}' and '${name}' in the schema cache`,
      `Searched for a foreign key relationship between '${source.name}' and '${name}'${hint ? ` using the hint '${hint}'` : ''} in the schema '${source.schema}', but no matches were found.`,
      relatedHint(cache, source, name),
    );
  }
  throw new PgrstError(
    300,
    'PGRST201',
    `Could not embed because more than one relationship was found for '${source.name}' and '${name}'`,
    /** @type {any} */ (found.map(describe)),
    `Try changing '${name}' to one of the following: ${found.map((r) => `'${name}!${r.junction ? r.junction.table.name : r.fk.name}'`).join(', ')}. Find the desired relationship in the 'details' key.`,
  );
}

/**
 * "Perhaps you meant 'x' instead of 'y'.": the closest name among the tables related to the source.
 * @param {import('./schema-cache.js').SchemaCache} cache @param {Table} source @param {string} name
 */
function relatedHint(cache, source, name) {
  const related = cache.fks.flatMap((fk) =>
    fk.schema === source.schema && fk.table === source.name
      ? [fk.refTable]
      : fk.refSchema === source.schema && fk.refTable === source.name
        ? [fk.table]
        : [],
  );
  const near = closest(name, related);
  return near ? `Perhaps you meant '${near}' instead of '${name}'.` : null;
}

/**
 * Join condition between the parent rows (alias p) and the embedded rows (alias c).
 * For many-to-many the junction is joined inside the embed's FROM (see sql.js).
 * @param {Relationship} r @param {string} p @param {string} c @param {(s: string) => string} q identifier quoting
 */
export function joinCondition(r, p, c, q) {
  const pairs = [];
  if (r.kind === 'computed') return 'true';
  if (r.kind === 'm2m' && r.junction) {
    const { sourceFk } = r.junction;
    sourceFk.columns.forEach((col, i) =>
      pairs.push(`${q('pgrst_j_' + c)}.${q(col)} = ${q(p)}.${q(/** @type {string} */ (sourceFk.refColumns[i]))}`),
    );
    return pairs.join(' and ');
  }
  if (r.sourceHoldsFk) {
    r.fk.columns.forEach((col, i) =>
      pairs.push(`${q(c)}.${q(/** @type {string} */ (r.fk.refColumns[i]))} = ${q(p)}.${q(col)}`),
    );
  } else {
    r.fk.columns.forEach((col, i) =>
      pairs.push(`${q(c)}.${q(col)} = ${q(p)}.${q(/** @type {string} */ (r.fk.refColumns[i]))}`),
    );
  }
  return pairs.join(' and ');
}
