// /rest/v1/rpc/<fn>: calling functions as PostgREST does. Arguments are matched by name
// (overloads resolved by the set of names given), converted from one bound JSON object by
// json_to_record, and results shaped by the return type: scalar → bare JSON, composite →
// object, SETOF/TABLE → array that select/filters/order/limit apply to, void → 204.
import { PgrstError } from './errors.js';
import { buildTree, applyQuery, renderRead } from './read.js';
import { parseJsonBody } from './write.js';
import { formatBody, rangeStatus, singleError, send } from './respond.js';
import { Params, q } from './sql.js';
import { readBody } from './body.js';
import { inTransaction } from './tx.js';
import { qualifiedKey } from './schema-cache.js';
import { txOutcome } from './settings.js';
import { closest } from './fuzzy.js';
import { parseNonNegInt } from './parse.js';

const RESERVED = new Set([
  'select',
  'order',
  'limit',
  'offset',
  'or',
  'and',
  'not.or',
  'not.and',
  'columns',
  'on_conflict',
]);
const isJsonType = (/** @type {string} */ t) => t === 'json' || t === 'jsonb';

/** @param {import('./schema-cache.js').Func} f */
const signature = (f) =>
  `${f.schema}.${f.name}(${f.args.map((a) => `${a.name || ''}${a.name ? ' => ' : ''}${a.type}`).join(', ')})`;

/**
 * @param {import('./schema-cache.js').Func[]} candidates @param {string[]} names provided argument names
 * @param {boolean} objectBody whether a JSON object body was posted (may go whole to a json param)
 */
function choose(candidates, names, objectBody) {
  const byNames = candidates.filter((f) => {
    if (f.args.some((a) => !a.name)) return false;
    if (!names.every((n) => f.args.some((a) => a.name === n))) return false;
    return f.args.every((a) => a.hasDefault || names.includes(a.name));
  });
  if (byNames.length) return byNames;
  if (objectBody)
    return candidates.filter((f) => f.args.length === 1 && !f.args[0]?.name && isJsonType(f.args[0]?.type ?? ''));
  return [];
}

/** A function of the schema named like `name`, as a hint. @param {import('./schema-cache.js').SchemaCache} cache @param {string} schema @param {string} name */
function nearFunction(cache, schema, name) {
  const names = [...cache.funcs.keys()]
    .filter((k) => k.startsWith(`${schema}.`))
    .map((k) => k.slice(schema.length + 1));
  const near = closest(name, names);
  return near ? `Perhaps you meant to call the function ${schema}.${near}` : null;
}

/** @param {any} rc @param {string} fnName */
export async function handleRpc(rc, fnName) {
  const { req, res, url, prefer, accept, txBase, pool, cache, schema } = rc;
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') {
    throw new PgrstError(405, 'PGRST101', 'Only GET, POST or HEAD requests are allowed for RPC');
  }
  if (rc.plan) {
    throw new PgrstError(406, 'PGRST107', `None of these media types are available: ${req.headers.accept ?? ''}`);
  }
  const candidates = cache.funcs.get(qualifiedKey(schema, fnName)) ?? [];
  /** @type {Record<string, unknown>} */
  let args = {};
  /** @type {unknown} */
  let rawBody = null;
  /** The raw body's media type when it is passed whole to a single unnamed text/xml/bytea parameter. */
  /** @type {'text' | 'xml' | 'bytea' | null} */
  let rawType = null;
  const entries = /** @type {[string, string][]} */ ([...url.searchParams.entries()]);
  const argNames = new Set(
    candidates.flatMap((/** @type {import('./schema-cache.js').Func} */ f) => f.args.map((a) => a.name)),
  );
  /** @type {[string, string][]} */
  let rest = entries;
  if (method === 'POST') {
    const buf = await readBody(req);
    const ctype = String(req.headers['content-type'] ?? '')
      .split(';')[0]
      ?.trim()
      .toLowerCase();
    // PostgREST passes a text/plain, text/xml or application/octet-stream body whole to a
    // function with a single unnamed parameter of type text, xml or bytea.
    rawType =
      ctype === 'text/plain'
        ? 'text'
        : ctype === 'text/xml'
          ? 'xml'
          : ctype === 'application/octet-stream'
            ? 'bytea'
            : null;
    if (rawType) rawBody = rawType === 'bytea' ? buf : buf.toString('utf8');
    else rawBody = buf.length ? parseJsonBody(buf) : {};
    if (rawBody && typeof rawBody === 'object' && !Array.isArray(rawBody))
      args = /** @type {Record<string, unknown>} */ (rawBody);
  } else {
    rest = [];
    for (const [k, v] of entries) {
      if (!RESERVED.has(k) && argNames.has(k)) {
        if (Object.hasOwn(args, k)) throw new PgrstError(400, 'PGRST100', `Argument '${k}' given more than once`);
        args[k] = v;
      } else rest.push([k, v]);
    }
  }
  // Results that are not sets of rows cannot be filtered, so (as PostgREST does) every other
  // parameter counts as an argument: an unknown one then fails to match any function.
  if (
    method !== 'POST' &&
    candidates.every((/** @type {import('./schema-cache.js').Func} */ f) => f.returnKind !== 'composite')
  ) {
    rest = rest.filter(([k, v]) => {
      if (RESERVED.has(k) || k === 'limit' || k === 'offset') return true;
      args[k] = v;
      return false;
    });
  }
  const names = Object.keys(args);
  const objectBody = method === 'POST' && !rawType && rawBody !== null && typeof rawBody === 'object';
  const matches = rawType
    ? candidates.filter(
        (/** @type {import('./schema-cache.js').Func} */ f) =>
          f.args.length === 1 && !f.args[0]?.name && f.args[0]?.type === rawType,
      )
    : choose(candidates, names, objectBody);
  if (matches.length === 0) {
    // PostgREST names the arguments as a set: sorted, whatever order the client sent them in.
    const sorted = [...names].sort();
    const params = sorted.length ? `with parameters ${sorted.join(', ')}` : 'without parameters';
    throw new PgrstError(
      404,
      'PGRST202',
      `Could not find the function ${schema}.${fnName}${sorted.length ? `(${sorted.join(', ')})` : ''} in the schema cache`,
      rawType
        ? `Searched for the function ${schema}.${fnName} with a single unnamed ${rawType} parameter, but no matches were found in the schema cache.`
        : `Searched for the function ${schema}.${fnName} ${params} or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.`,
      candidates.length
        ? `Perhaps you meant to call the function ${signature(candidates[0])}`
        : nearFunction(cache, schema, fnName),
    );
  }
  if (matches.length > 1) {
    throw new PgrstError(
      300,
      'PGRST203',
      `Could not choose the best candidate function between: ${matches.map(signature).join(', ')}`,
      null,
      'Try renaming the parameters or the function itself in the database so function overloading can be resolved',
    );
  }
  const fn = /** @type {import('./schema-cache.js').Func} */ (matches[0]);
  const params = new Params();
  const fnSql = `${q(fn.schema)}.${q(fn.name)}`;
  let from;
  if (fn.args.length === 1 && !fn.args[0]?.name) {
    from = rawType
      ? `${fnSql}(${params.add(rawBody)}::${rawType})`
      : `${fnSql}(${params.add(JSON.stringify(rawBody))}::${fn.args[0]?.type})`;
  } else if (names.length) {
    const defs = names
      .map(
        (n) => `${q(n)} ${/** @type {import('./schema-cache.js').FuncArg} */ (fn.args.find((a) => a.name === n)).type}`,
      )
      .join(', ');
    const call = names.map((n) => `${q(n)} := "pgrst_args".${q(n)}`).join(', ');
    from = `${fnSql}(${call})`;
    from = `json_to_record(${params.add(JSON.stringify(args))}::json) as "pgrst_args"(${defs}), lateral ${from}`;
  } else from = `${fnSql}()`;
  const readOnly = method !== 'POST' || fn.volatility !== 'v';
  const txr = { ...txBase, readOnly };
  const maxRows = cache.settings.maxRows;
  const capped = (/** @type {number | null} */ n) =>
    maxRows === null ? n : n === null ? maxRows : Math.min(n, maxRows);
  const tx = txOutcome(cache.settings.txEnd, prefer.tx);
  /** Prefer handling=strict + max-affected: the rows the call returned count as affected (PostgREST 13). @param {number} n */
  const checkAffected = (n) => {
    if (prefer.handling === 'strict' && prefer.maxAffected !== null && n > prefer.maxAffected)
      throw new PgrstError(
        400,
        'PGRST124',
        'Query result exceeds max-affected preference constraint',
        `The query affects ${n} rows`,
      );
  };
  /** @type {Record<string, string>} */
  const applied = {};
  {
    const list = [];
    if (prefer.count) list.push(`count=${prefer.count}`);
    if (tx.applied) list.push(`tx=${tx.applied}`);
    if (prefer.handling === 'strict' && prefer.maxAffected !== null)
      list.push('handling=strict', `max-affected=${prefer.maxAffected}`);
    if (list.length) applied['Preference-Applied'] = list.join(', ');
  }

  if (fn.returnKind === 'void' || fn.returnKind === 'scalar') {
    const extra = rest.find(([k]) => k !== 'select' && !(fn.returnsSet && (k === 'limit' || k === 'offset')));
    if (extra)
      throw new PgrstError(
        400,
        'PGRST100',
        `'${extra[0]}' cannot filter the result of ${schema}.${fnName}, which is not a set of rows`,
      );
    const lim = url.searchParams.get('limit');
    const off = url.searchParams.get('offset');
    const limit = capped(lim === null ? null : parseNonNegInt('limit', lim));
    const offset = off === null ? 0 : parseNonNegInt('offset', off);
    const total = prefer.count && fn.returnsSet ? `(select count(*) from ${from} as "pgrst_c")` : 'null::bigint';
    const sql =
      fn.returnKind === 'void'
        ? `select null::text as body, count(*) as n from ${from} as "pgrst_f"`
        : fn.returnsSet
          ? `select coalesce(json_agg("pgrst_p"."v"), '[]')::text as body, count(*) as n, ${total} as total from (select "pgrst_f"."v" from ${from} as "pgrst_f"("v") limit ${limit === null ? 'all' : `${params.add(limit)}::bigint`} offset ${params.add(offset)}::bigint) as "pgrst_p"`
          : `select to_json("pgrst_f"."v")::text as body, 1 as n from ${from} as "pgrst_f"("v")`;
    const row = await inTransaction(pool, txr, async (client) => {
      const r = (await client.query(sql, params.values)).rows[0];
      checkAffected(Number(r.n));
      return { value: r, rollback: tx.rollback };
    });
    if (fn.returnKind === 'void') return send(res, 204, applied, null);
    if (fn.returnsSet) {
      const n = Number(row.n);
      const b = formatBody(row.body, n, accept, null, rc.stripNulls);
      const { status, contentRange } = rangeStatus(offset, n, row.total === null ? null : Number(row.total));
      return send(
        res,
        status,
        { ...applied, 'Content-Type': b.type, 'Content-Range': contentRange },
        b.text,
        method === 'HEAD',
      );
    }
    if (accept === 'csv')
      return send(
        res,
        200,
        { ...applied, 'Content-Type': 'text/csv; charset=utf-8' },
        String(JSON.parse(row.body) ?? ''),
        method === 'HEAD',
      );
    return send(
      res,
      200,
      { ...applied, 'Content-Type': 'application/json; charset=utf-8' },
      row.body ?? 'null',
      method === 'HEAD',
    );
  }

  // Composite results are read like a table, so select/filters/order/embeds apply.
  const table = fn.returnTable ? cache.tables.get(qualifiedKey(fn.returnTable.schema, fn.returnTable.name)) : null;
  const shape = table ?? {
    schema: fn.schema,
    name: fn.name,
    kind: 'f',
    columns: new Map(
      fn.outColumns.map((c) => [
        c.name,
        {
          name: c.name,
          type: c.type,
          typeOid: 0,
          nullable: true,
          hasDefault: false,
          defaultExpr: null,
          generated: false,
        },
      ]),
    ),
    columnList: fn.outColumns.map((c) => c.name),
    pk: [],
    uniques: [],
    insertable: false,
  };
  const root = buildTree(cache, shape, url.searchParams.get('select') ?? '*');
  applyQuery(
    root,
    rest.filter(([k]) => k !== 'select'),
  );
  const offset = root.offset;
  const limit = capped(root.limit);
  const source = `(select "pgrst_f".* from ${from} as "pgrst_f")`;
  const sql = renderRead(params, root, source, { limit, offset, count: prefer.count !== null });
  const row = await inTransaction(pool, txr, async (client) => {
    const r = (await client.query(sql, params.values)).rows[0];
    if (accept === 'object' && Number(r.page_total) !== 1) throw singleError(Number(r.page_total));
    checkAffected(Number(r.page_total));
    return { value: r, rollback: tx.rollback };
  });
  const n = Number(row.page_total);
  if (!fn.returnsSet) {
    const text = n === 0 ? 'null' : row.body.slice(1, -1).trim();
    return send(res, 200, { ...applied, 'Content-Type': 'application/json; charset=utf-8' }, text, method === 'HEAD');
  }
  const { status, contentRange } = rangeStatus(offset, n, row.total === null ? null : Number(row.total));
  const b = formatBody(row.body, n, accept, row.csv, rc.stripNulls);
  return send(
    res,
    status,
    { ...applied, 'Content-Type': b.type, 'Content-Range': contentRange },
    b.text,
    method === 'HEAD',
  );
}
