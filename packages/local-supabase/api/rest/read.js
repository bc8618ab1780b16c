// Reads: turns `select=`, filters, logic trees, order and paging of a request into a tree
// of nodes (one per embedded relation) and renders it the way PostgREST does: each embed is
// a LEFT JOIN LATERAL subquery (json_agg for to-many, row_to_json for to-one), so embedded
// rows are read as the request's role and pass through RLS like the top-level rows.
import { PgrstError, parseError, unknownColumn } from './errors.js';
import {
  parseSelect,
  parseFilterKey,
  parseOpValue,
  parseLogic,
  parseOrder,
  parseNonNegInt,
  splitEmbedPath,
} from './parse.js';
import { findRelationship, joinCondition } from './relationships.js';
import { q, fieldSql, opSql, rowOf } from './sql.js';

/**
 * @typedef {import('./schema-cache.js').Table} Table
 * @typedef {import('./parse.js').Field} Field
 * @typedef {{ kind: 'col', field: Field, cast: string | null, key: string } | { kind: 'count', key: string } | { kind: 'embed', embed: Embed }
 *   | { kind: 'agg', fn: string, field: Field | null, castBefore: string | null, cast: string | null, key: string }} Item
 * @typedef {{ rel: import('./relationships.js').Relationship, node: Node, key: string, name: string, join: 'inner' | 'left' | null,
 *   spread: boolean, lateral: string, orderCols: Field[], nullFilter: boolean | null, empty: boolean }} Embed
 * @typedef {{ table: Table, alias: string, items: Item[], embeds: Embed[], where: import('./parse.js').Condition[],
 *   order: { field: Field, embed: Embed | null, dir: string | null, nulls: string | null, orderIndex: number }[],
 *   limit: number | null, offset: number, isCount: boolean, hasAggregates: boolean }} Node
 */

/** Reserved words of embed-scoped parameters: `rel.order`, `rel.limit` … */
const SCOPED = new Set(['order', 'limit', 'offset', 'or', 'and']);
const ROOT_RESERVED = new Set(['select', 'columns', 'on_conflict']);

/**
 * @param {import('./schema-cache.js').SchemaCache} cache
 * @param {Table} table
 * @param {string} selectText
 */
export function buildTree(cache, table, selectText) {
  let n = 0;
  const nextAlias = () => `pgrst_${n++}`;
  /** @param {Table} t @param {import('./parse.js').SelectItem[]} items @returns {Node} */
  const build = (t, items) => {
    /** @type {Node} */
    const node = {
      table: t,
      alias: nextAlias(),
      items: [],
      embeds: [],
      where: [],
      order: [],
      limit: null,
      offset: 0,
      isCount: false,
      hasAggregates: false,
    };
    for (const it of items) {
      if (it.type === 'star') {
        for (const c of t.columnList)
          node.items.push({ kind: 'col', field: { name: c, path: [] }, cast: null, key: c });
      } else if (it.type === 'agg') {
        // PostgREST refuses aggregates unless db-aggregates-enabled (pgrst.db_aggregates_enabled).
        if (!cache.settings?.aggregatesEnabled)
          throw new PgrstError(400, 'PGRST123', 'Use of aggregate functions is not allowed');
        if (it.field && !t.columns.has(it.field.name)) throw unknownColumn(t.name, it.field.name);
        node.items.push({
          kind: 'agg',
          fn: it.fn,
          field: it.field,
          castBefore: it.castBefore,
          cast: it.cast,
          key: it.alias ?? it.fn,
        });
        node.hasAggregates = true;
      } else if (it.type === 'count' && !t.columns.has('count')) {
        node.items.push({ kind: 'count', key: it.alias ?? 'count' });
        node.isCount = true;
      } else if (it.type === 'col' || it.type === 'count') {
        const field = it.type === 'col' ? it.field : { name: 'count', path: [] };
        if (!t.columns.has(field.name)) throw unknownColumn(t.name, field.name);
        const last = field.path[field.path.length - 1];
        const key = it.alias ?? (last ? last.key : field.name);
        node.items.push({ kind: 'col', field, cast: it.type === 'col' ? it.cast : null, key });
      } else {
        const rel = findRelationship(cache, t, it.name, it.hint);
        // `rel()`: an empty embed filters (with !inner or rel=not.is.null) but outputs nothing.
        const empty = it.children.length === 0;
        const key = it.alias ?? it.name;
        if (!empty && !it.spread && node.embeds.some((e) => !e.empty && !e.spread && e.key === key)) {
          // PostgREST joins each embed under its alias, so Postgres refuses the second one.
          throw new PgrstError(400, '42712', `table name "${t.name}_${key}_1" specified more than once`);
        }
        const child = build(rel.target, it.children);
        /** @type {Embed} */
        const embed = {
          rel,
          node: child,
          key,
          name: it.name,
          join: it.join,
          spread: it.spread,
          lateral: `${child.alias}_l`,
          orderCols: [],
          nullFilter: null,
          empty,
        };
        node.embeds.push(embed);
        if (!empty) node.items.push({ kind: 'embed', embed });
      }
    }
    return node;
  };
  return build(table, parseSelect(selectText));
}

/** @param {Node} node @param {string} name */
function findEmbed(node, name) {
  return node.embeds.find((e) => e.key === name) ?? node.embeds.find((e) => e.name === name) ?? null;
}

/** @param {Node} root @param {string[]} rels */
function nodeAt(root, rels) {
  let node = root;
  for (const r of rels) {
    const e = findEmbed(node, r);
    if (!e) {
      throw new PgrstError(
        400,
        'PGRST108',
        `'${r}' is not an embedded resource in this request`,
        null,
        `Verify that '${r}' is included in the 'select' query parameter.`,
      );
    }
    node = e.node;
  }
  return node;
}

/** @param {Node} node @param {import('./parse.js').Condition} cond */
function checkCondition(node, cond) {
  if (cond.kind === 'logic') return cond.children.forEach((c) => checkCondition(node, c));
  if (!node.table.columns.has(cond.field.name)) throw unknownColumn(node.table.name, cond.field.name);
}

/**
 * Applies filters, logic trees, order and paging from the query string to the tree.
 * @param {Node} root @param {[string, string][]} entries @param {{ skip?: Set<string>, allowFilters?: boolean }} [opts]
 */
export function applyQuery(root, entries, opts = {}) {
  for (const [k, v] of entries) {
    if (ROOT_RESERVED.has(k) || opts.skip?.has(k)) continue;
    const parts = k.includes('->') ? [k] : splitEmbedPath(k);
    const last = parts[parts.length - 1] ?? '';
    let rels = parts.slice(0, -1);
    let negate = false;
    if ((last === 'or' || last === 'and') && rels[rels.length - 1] === 'not') {
      negate = true;
      rels = rels.slice(0, -1);
    }
    if (
      SCOPED.has(last) &&
      !(
        rels.length === 0 &&
        root.table.columns.has(last) &&
        last !== 'order' &&
        last !== 'limit' &&
        last !== 'offset' &&
        !/^\(/.test(v)
      )
    ) {
      const node = nodeAt(root, rels);
      if (last === 'limit') node.limit = parseNonNegInt('limit', v);
      else if (last === 'offset') node.offset = parseNonNegInt('offset', v);
      else if (last === 'order') setOrder(node, v);
      else {
        const cond = parseLogic(/** @type {'and'|'or'} */ (last), negate, v);
        checkCondition(node, cond);
        node.where.push(cond);
      }
      continue;
    }
    const { rels: frels, field } = parseFilterKey(k);
    const node = nodeAt(root, frels);
    const opv = parseOpValue(v);
    const embed = field.path.length === 0 && !node.table.columns.has(field.name) ? findEmbed(node, field.name) : null;
    if (embed) {
      // `rel=not.is.null` / `rel=is.null`: keep parents that have (or lack) related rows.
      if (opv.op !== 'is' || opv.value !== 'null')
        throw parseError(
          `"failed to parse filter (${v})"`,
          'only is.null and not.is.null apply to an embedded resource',
        );
      embed.nullFilter = opv.negate;
      continue;
    }
    if (!node.table.columns.has(field.name)) throw unknownColumn(node.table.name, field.name);
    node.where.push({ kind: 'filter', rels: [], field, opv });
  }
}

/** @param {Node} node @param {string} text */
function setOrder(node, text) {
  node.order = parseOrder(text).map((t, i) => {
    if (t.rel) {
      const embed = findEmbed(node, t.rel);
      if (!embed)
        throw new PgrstError(
          400,
          'PGRST108',
          `'${t.rel}' is not an embedded resource in this request`,
          null,
          `Verify that '${t.rel}' is included in the 'select' query parameter.`,
        );
      if (!embed.rel.toOne) {
        throw new PgrstError(
          400,
          'PGRST118',
          `A related order on '${t.rel}' is not possible`,
          `'${node.table.name}' and '${t.rel}' do not form a many-to-one or one-to-one relationship`,
        );
      }
      if (!embed.node.table.columns.has(t.field.name)) throw unknownColumn(embed.node.table.name, t.field.name);
      embed.orderCols.push(t.field);
      return { field: t.field, embed, dir: t.dir, nulls: t.nulls, orderIndex: embed.orderCols.length - 1 };
    }
    if (!node.table.columns.has(t.field.name)) throw unknownColumn(node.table.name, t.field.name);
    return { field: t.field, embed: null, dir: t.dir, nulls: t.nulls, orderIndex: i };
  });
}

/** @param {import('./sql.js').Params} params @param {Node} node @param {import('./parse.js').Condition} cond @returns {string} */
export function condSql(params, node, cond) {
  if (cond.kind === 'logic') {
    const inner = cond.children.map((c) => condSql(params, node, c)).join(cond.op === 'or' ? ' or ' : ' and ');
    return cond.negate ? `not (${inner})` : `(${inner})`;
  }
  const col = /** @type {import('./schema-cache.js').Column} */ (node.table.columns.get(cond.field.name));
  return opSql(
    params,
    fieldSql(params, node.alias, cond.field, node.table),
    cond.opv,
    cond.field.path.length ? 'json' : col.type,
  );
}

/**
 * Renders one node: its select list, FROM with lateral embeds, WHERE and ORDER BY.
 * @param {import('./sql.js').Params} params @param {Node} node @param {string} source the relation to read (quoted table or CTE)
 * @param {string[]} [extraWhere] join conditions from the parent
 */
export function renderNode(params, node, source, extraWhere = []) {
  const a = node.alias;
  /** @type {string[]} */
  const cols = [];
  /** @type {string[]} */
  const groupBy = [];
  // With aggregates, every other selected expression is a grouping key (json as jsonb, which has equality).
  const grouped = (/** @type {string} */ expr, /** @type {boolean} */ isJson) => {
    const e = node.hasAggregates && isJson ? `(${expr})::jsonb` : expr;
    if (node.hasAggregates) groupBy.push(e);
    return e;
  };
  for (const it of node.items) {
    if (it.kind === 'count') cols.push(`count(*) as ${q(it.key)}`);
    else if (it.kind === 'agg') {
      let arg = it.field ? fieldSql(params, a, it.field, node.table) : '*';
      if (it.castBefore) arg = `cast(${arg} as ${castType(it.castBefore)})`;
      const call = `${it.fn}(${arg})`;
      cols.push(`${it.cast ? `cast(${call} as ${castType(it.cast)})` : call} as ${q(it.key)}`);
    } else if (it.kind === 'col') {
      const expr = fieldSql(params, a, it.field, node.table);
      cols.push(`${grouped(it.cast ? `cast(${expr} as ${castType(it.cast)})` : expr, false)} as ${q(it.key)}`);
    } else if (it.embed.spread) {
      for (const k of outputKeys(it.embed.node))
        cols.push(`${grouped(`${q(it.embed.lateral)}.${q(k)}`, false)} as ${q(k)}`);
    } else cols.push(`${grouped(`${q(it.embed.lateral)}.${q('pgrst_body')}`, true)} as ${q(it.embed.key)}`);
  }
  let from = `${source} as ${q(a)}`;
  if (node.junction) from += node.junction;
  const where = [...extraWhere, ...node.where.map((c) => condSql(params, node, c))];
  for (const e of node.embeds) {
    from += ` left join lateral (${renderEmbed(params, node, e)}) as ${q(e.lateral)} on true`;
    const present = e.spread
      ? `${q(e.lateral)}.${q('pgrst_exists')} is not null`
      : e.rel.toOne
        ? `${q(e.lateral)}.${q('pgrst_body')} is not null`
        : `json_array_length(${q(e.lateral)}.${q('pgrst_body')}) > 0`;
    if (e.join === 'inner' || e.nullFilter === true) where.push(present);
    if (e.nullFilter === false) where.push(`not (${present})`);
  }
  const order = node.order.map((o) => {
    const expr = o.embed
      ? `${q(o.embed.lateral)}.${q('pgrst_o' + o.orderIndex)}`
      : fieldSql(params, a, o.field, node.table);
    return `${expr}${o.dir ? ' ' + o.dir : ''}${o.nulls ? ' nulls ' + o.nulls : ''}`;
  });
  return { cols, from, where, order, groupBy };
}

/** A cast target from the request: a type name (letters, digits, spaces, `[]`), quoted if it has capitals. @param {string} t */
function castType(t) {
  if (!/^[A-Za-z_][A-Za-z0-9_ ]*(\[\])?$/.test(t)) throw parseError(`Invalid cast type ${t}`);
  return t;
}

/** Keys a node contributes to its parent's row (used to lift a spread embed's columns). @param {Node} node @returns {string[]} */
function outputKeys(node) {
  return node.items.flatMap((it) =>
    it.kind === 'embed'
      ? it.embed.spread
        ? outputKeys(it.embed.node)
        : it.embed.empty
          ? []
          : [it.embed.key]
      : [it.key],
  );
}

/** @param {import('./sql.js').Params} params @param {Node} parent @param {Embed} e */
function renderEmbed(params, parent, e) {
  const child = e.node;
  // A computed relationship reads the function's rows for the parent row.
  const target =
    e.rel.kind === 'computed'
      ? `${q(e.rel.fn.schema)}.${q(e.rel.fn.name)}(${rowOf(parent.alias, parent.table)})`
      : `${q(child.table.schema)}.${q(child.table.name)}`;
  if (e.rel.junction) {
    const j = e.rel.junction;
    const ja = `pgrst_j_${child.alias}`;
    const on = j.targetFk.columns
      .map((c, i) => `${q(ja)}.${q(c)} = ${q(child.alias)}.${q(/** @type {string} */ (j.targetFk.refColumns[i]))}`)
      .join(' and ');
    /** @type {any} */ (child).junction = ` join ${q(j.table.schema)}.${q(j.table.name)} as ${q(ja)} on ${on}`;
  }
  const r = renderNode(params, child, target, [joinCondition(e.rel, parent.alias, child.alias, q)]);
  const whereSql = r.where.length ? ` where ${r.where.join(' and ')}` : '';
  const groupSql = r.groupBy.length ? ` group by ${r.groupBy.join(', ')}` : '';
  const orderSql = r.order.length ? ` order by ${r.order.join(', ')}` : '';
  const paging = `${child.limit !== null ? ` limit ${params.add(child.limit)}::bigint` : ''}${child.offset ? ` offset ${params.add(child.offset)}::bigint` : ''}`;
  const orderCols = e.orderCols
    .map((f, i) => `, ${fieldSql(params, child.alias, f, child.table)} as ${q('pgrst_o' + i)}`)
    .join('');
  if (e.spread && !e.rel.toOne) {
    // A to-many spread (PostgREST 13): each column becomes the array of the related rows' values.
    const keys = outputKeys(child);
    const aggs = keys.map((k) => `coalesce(json_agg(pgrst_r.${q(k)}), '[]') as ${q(k)}`);
    return `select ${[...aggs, `case when count(*) > 0 then true end as "pgrst_exists"`].join(', ')} from (select ${r.cols.join(', ')} from ${r.from}${whereSql}${groupSql}${orderSql}${paging}) as pgrst_r`;
  }
  if (e.spread) {
    return `select ${[...r.cols, 'true as "pgrst_exists"'].join(', ')}${orderCols} from ${r.from}${whereSql}${groupSql}${orderSql}${paging}`;
  }
  if (e.rel.toOne) {
    return `select (select row_to_json(pgrst_r) from (select ${r.cols.join(', ')}) as pgrst_r) as "pgrst_body"${orderCols} from ${r.from}${whereSql}${groupSql}${orderSql}${paging}`;
  }
  return `select coalesce(json_agg(pgrst_r), '[]') as "pgrst_body" from (select ${r.cols.join(', ')} from ${r.from}${whereSql}${groupSql}${orderSql}${paging}) as pgrst_r`;
}

/**
 * CSV rows as PostgREST renders them: each row's composite text form without its parentheses
 * (values with commas, quotes, spaces or parentheses double-quoted, NULL empty, jsonb as its
 * text), one per line. @param {string} alias the row variable
 */
export const CSV_ROWS = (/** @type {string} */ alias) =>
  `coalesce(string_agg(substring(${alias}::text, 2, length(${alias}::text) - 2), E'\\n'), '')`;

/**
 * The complete read statement: body (JSON array text), page_total and optionally the total.
 * @param {import('./sql.js').Params} params @param {Node} root @param {string} source
 * @param {{ limit: number | null, offset: number, count: boolean }} page
 */
export function renderRead(params, root, source, page) {
  const r = renderNode(params, root, source);
  const whereSql = r.where.length ? ` where ${r.where.join(' and ')}` : '';
  const groupSql = r.groupBy.length ? ` group by ${r.groupBy.join(', ')}` : '';
  const orderSql = r.order.length ? ` order by ${r.order.join(', ')}` : '';
  const paging = `${page.limit !== null ? ` limit ${params.add(page.limit)}::bigint` : ''}${page.offset ? ` offset ${params.add(page.offset)}::bigint` : ''}`;
  const total = !page.count
    ? 'null::bigint'
    : root.hasAggregates
      ? `(select count(*) from (select 1 from ${r.from}${whereSql}${groupSql}) as "pgrst_groups")`
      : `(select count(*) from ${r.from}${whereSql})`;
  return `select coalesce(json_agg(pgrst_t), '[]')::text as body, ${CSV_ROWS('pgrst_t')} as csv, count(*) as page_total, ${total} as total from (select ${r.cols.join(', ')} from ${r.from}${whereSql}${groupSql}${orderSql}${paging}) as pgrst_t`;
}

/**
 * The rows a read would count, without paging (`select 1 from … where …`), for the planner's
 * estimate (count=planned/estimated). @param {import('./sql.js').Params} params @param {Node} root @param {string} source
 */
export function renderCountSource(params, root, source) {
  const r = renderNode(params, root, source);
  const whereSql = r.where.length ? ` where ${r.where.join(' and ')}` : '';
  const groupSql = r.groupBy.length ? ` group by ${r.groupBy.join(', ')}` : '';
  return `select 1 from ${r.from}${whereSql}${groupSql}`;
}

/**
 * Same as renderRead but over rows a write returned (no filters of its own).
 * @param {import('./sql.js').Params} params @param {Node} root @param {string} cte
 */
export function renderReturning(params, root, cte) {
  const saveWhere = root.where;
  root.where = [];
  const r = renderNode(params, root, cte);
  root.where = saveWhere;
  const orderSql = r.order.length ? ` order by ${r.order.join(', ')}` : '';
  const groupSql = r.groupBy.length ? ` group by ${r.groupBy.join(', ')}` : '';
  return `select ${r.cols.join(', ')} from ${r.from}${r.where.length ? ` where ${r.where.join(' and ')}` : ''}${groupSql}${orderSql}`;
}
