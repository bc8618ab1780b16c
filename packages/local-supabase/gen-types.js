#!/usr/bin/env node
// `npm run gen:types`: writes the project's database types (by default src/lib/database.types.ts;
// see OUTPUTS for more than one place) from the live schema, in the shape
// `supabase gen types typescript` (postgres-meta's TypeScript template) produces for schema
// `public` — Database → public → Tables {Row, Insert, Update, Relationships}, Views,
// Functions {Args, Returns}, Enums, CompositeTypes, the Tables<>/TablesInsert<>/
// TablesUpdate<>/Enums<>/CompositeTypes<> helpers and Constants — so the SPA's typed client
// is the same whether the types come from here or from the CLI against hosted Supabase.
// Everything is sorted by name, so the output depends only on the schema.
//   --check   compare with every file instead of writing; exit 1 with a diff summary if one is stale.
// Reads DB_URL (default: the local stack's database from lib/config.js).
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { ROOT, loadConfig, urls } from './lib/config.js';

const SCHEMA = 'public';
/**
 * Where the generated types go, each file the same text from one generation: STACK_TYPES_FILE
 * (several separated by the platform's path delimiter), else the project package.json's
 * `"local-supabase": { "typesFiles": [...] }`, else src/lib/database.types.ts. A project whose
 * edge functions need the types too lists a file under supabase/functions/ there, because a
 * deployed function bundles nothing from outside that folder.
 */
export const OUTPUTS = typesFiles().map((f) => path.resolve(ROOT, f));

function typesFiles() {
  if (process.env.STACK_TYPES_FILE) return process.env.STACK_TYPES_FILE.split(path.delimiter).filter(Boolean);
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const listed = pkg?.['local-supabase']?.typesFiles;
    if (Array.isArray(listed) && listed.length > 0 && listed.every((f) => typeof f === 'string')) return listed;
  } catch {
    // no package.json: the default
  }
  return [path.join('src', 'lib', 'database.types.ts')];
}

/** @param {pg.Client} db */
async function introspect(db) {
  const q = async (/** @type {string} */ sql) => (await db.query(sql, [SCHEMA])).rows;
  const relations = await q(`
    select c.oid::int as id, c.relname as name, c.relkind as kind
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = $1 and c.relkind in ('r', 'p', 'f', 'v', 'm')`);
  const columns = await q(`
    select a.attrelid::int as table_id, a.attname as name, t.typname as format,
           not a.attnotnull as is_nullable, pg_get_expr(d.adbin, d.adrelid) as default_value,
           a.attidentity as identity, a.attgenerated as generated,
           coalesce(col.is_updatable = 'YES', false) as is_updatable
    from pg_attribute a
    join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
    join pg_type t on t.oid = a.atttypid
    left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    left join information_schema.columns col
      on col.table_schema = n.nspname and col.table_name = c.relname and col.column_name = a.attname
    where n.nspname = $1 and c.relkind in ('r', 'p', 'f', 'v', 'm') and a.attnum > 0 and not a.attisdropped`);
  const relationships = await q(`
    select con.conname as foreign_key_name, cl.relname as relation, rcl.relname as referenced_relation,
      array(select a.attname::text from unnest(con.conkey) with ordinality k (n, o)
            join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.n order by k.o) as columns,
      array(select a.attname::text from unnest(con.confkey) with ordinality k (n, o)
            join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.n order by k.o) as referenced_columns,
      exists (select 1 from pg_index i where i.indrelid = con.conrelid and i.indisunique and i.indpred is null
              and (select array_agg(x order by x) from unnest(i.indkey::int2[]) x)
                = (select array_agg(x order by x) from unnest(con.conkey) x)) as is_one_to_one
    from pg_constraint con
    join pg_class cl on cl.oid = con.conrelid join pg_namespace n on n.oid = cl.relnamespace
    join pg_class rcl on rcl.oid = con.confrelid join pg_namespace rn on rn.oid = rcl.relnamespace
    where con.contype = 'f' and n.nspname = $1 and rn.nspname = $1`);
  const functions = await q(`
    select p.proname as name, p.proretset as is_set_returning_function,
      rt.typname as return_type, rt.typrelid::int as return_type_relation_id,
      coalesce(p.proargmodes::text[], array_fill('i'::text, array[p.pronargs::int])) as modes,
      coalesce(p.proargnames, array_fill(''::text, array[coalesce(array_length(p.proallargtypes, 1), p.pronargs)::int])) as names,
      array(select t.typname::text from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) with ordinality a (oid, o)
            join pg_type t on t.oid = a.oid order by a.o) as types,
      p.pronargdefaults as n_defaults,
      p.oid::regprocedure::text as signature
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    join pg_type rt on rt.oid = p.prorettype
    where n.nspname = $1 and p.prokind = 'f' and rt.typname not in ('trigger', 'event_trigger')`);
  const enums = await q(`
    select t.typname as name, array_agg(e.enumlabel::text order by e.enumsortorder) as values
    from pg_type t join pg_namespace n on n.oid = t.typnamespace join pg_enum e on e.enumtypid = t.oid
    where n.nspname = $1 group by t.typname`);
  const composites = await q(`
    select t.typname as name,
      array_agg(a.attname::text order by a.attnum) as attr_names, array_agg(at.typname::text order by a.attnum) as attr_types
    from pg_type t join pg_namespace n on n.oid = t.typnamespace
    join pg_class c on c.oid = t.typrelid and c.relkind = 'c'
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    join pg_type at on at.oid = a.atttypid
    where n.nspname = $1 group by t.typname`);
  return { relations, columns, relationships, functions, enums, composites };
}

const byName = (/** @type {{name: string}} */ a, /** @type {{name: string}} */ b) => a.name.localeCompare(b.name);
const j = (/** @type {unknown} */ v) => JSON.stringify(v);

/** @param {Awaited<ReturnType<typeof introspect>>} meta */
function render(meta) {
  const enumNames = new Set(meta.enums.map((e) => e.name));
  const compositeNames = new Set(meta.composites.map((c) => c.name));
  const tableNames = new Set(meta.relations.filter((r) => 'rpf'.includes(r.kind)).map((r) => r.name));
  const viewNames = new Set(meta.relations.filter((r) => 'vm'.includes(r.kind)).map((r) => r.name));
  /** postgres-meta's pgTypeToTsType, for the types one schema can contain. */
  const ts = (/** @type {string} */ t) => {
    if (t === 'bool') return 'boolean';
    if (['int2', 'int4', 'int8', 'float4', 'float8', 'numeric'].includes(t)) return 'number';
    if (
      [
        'bytea',
        'bpchar',
        'varchar',
        'date',
        'text',
        'citext',
        'time',
        'timetz',
        'timestamp',
        'timestamptz',
        'uuid',
        'vector',
      ].includes(t)
    )
      return 'string';
    if (t === 'json' || t === 'jsonb') return 'Json';
    if (t === 'void') return 'undefined';
    if (t === 'record') return 'Record<string, unknown>';
    if (t.startsWith('_')) return `(${ts(t.substring(1))})[]`;
    if (enumNames.has(t)) return `Database[${j(SCHEMA)}]['Enums'][${j(t)}]`;
    if (compositeNames.has(t)) return `Database[${j(SCHEMA)}]['CompositeTypes'][${j(t)}]`;
    if (tableNames.has(t)) return `Database[${j(SCHEMA)}]['Tables'][${j(t)}]['Row']`;
    if (viewNames.has(t)) return `Database[${j(SCHEMA)}]['Views'][${j(t)}]['Row']`;
    return 'unknown';
  };
  /** @type {Record<number, any[]>} */
  const cols = {};
  for (const c of [...meta.columns].sort(byName)) (cols[c.table_id] ??= []).push(c);
  const rowCols = (/** @type {number} */ id) =>
    (cols[id] ?? []).map((c) => `${j(c.name)}: ${ts(c.format)} ${c.is_nullable ? '| null' : ''}`);
  const rels = (/** @type {string} */ name) =>
    meta.relationships
      .filter((r) => r.relation === name)
      .sort(
        (a, b) =>
          a.foreign_key_name.localeCompare(b.foreign_key_name) ||
          a.referenced_relation.localeCompare(b.referenced_relation) ||
          j(a.referenced_columns).localeCompare(j(b.referenced_columns)),
      )
      .map(
        (r) => `{
        foreignKeyName: ${j(r.foreign_key_name)}
        columns: ${j(r.columns)}
        isOneToOne: ${r.is_one_to_one};referencedRelation: ${j(r.referenced_relation)}
        referencedColumns: ${j(r.referenced_columns)}
      }`,
      );
  const tables = meta.relations.filter((r) => 'rpf'.includes(r.kind)).sort(byName);
  const views = meta.relations.filter((r) => 'vm'.includes(r.kind)).sort(byName);
  const tablesTs = tables.map(
    (t) => `${j(t.name)}: {
    Row: { ${rowCols(t.id)} }
    Insert: { ${(cols[t.id] ?? []).map((c) => {
      if (c.identity === 'a' || c.generated === 's') return `${j(c.name)}?: never`;
      const optional = c.is_nullable || c.identity === 'd' || c.default_value !== null;
      return `${j(c.name)}${optional ? '?:' : ':'}${ts(c.format)}${c.is_nullable ? '| null' : ''}`;
    })} }
    Update: { ${(cols[t.id] ?? []).map((c) => {
      if (c.identity === 'a' || c.generated === 's') return `${j(c.name)}?: never`;
      return `${j(c.name)}?: ${ts(c.format)}${c.is_nullable ? '| null' : ''}`;
    })} }
    Relationships: [ ${rels(t.name)} ]
  }`,
  );
  const viewsTs = views.map(
    (v) => `${j(v.name)}: {
    Row: { ${rowCols(v.id)} }
    Relationships: [ ${rels(v.name)} ]
  }`,
  );
  // Functions PostgREST can call with named arguments (all named, or a single unnamed one).
  const fns = meta.functions
    .filter((f) => {
      const inNames = f.modes
        .map((m, i) => (['i', 'b', 'v'].includes(m) ? (f.names[i] ?? '') : null))
        .filter((n) => n !== null);
      return !inNames.some((n) => n === '') || inNames.length === 1;
    })
    .sort((a, b) => a.name.localeCompare(b.name) || a.signature.localeCompare(b.signature));
  /** @type {Map<string, any[]>} */
  const grouped = new Map();
  for (const f of fns) grouped.set(f.name, [...(grouped.get(f.name) ?? []), f]);
  const fnTs = [...grouped].map(([name, group]) => {
    const args = group
      .map((f) => {
        const inArgs = f.modes
          .map((m, i) => ({ m, name: f.names[i] ?? '', type: f.types[i] }))
          .filter((a) => a.m === 'i');
        if (inArgs.length === 0) return 'Record<PropertyKey, never>';
        const firstDefault = inArgs.length - f.n_defaults;
        return `{ ${inArgs.map((a, i) => `${j(a.name)}${i >= firstDefault ? '?' : ''}: ${ts(a.type)}`)} }`;
      })
      .join(' | ');
    const f = group[0];
    const tableArgs = f.modes.map((m, i) => ({ m, name: f.names[i], type: f.types[i] })).filter((a) => a.m === 't');
    let returns;
    if (tableArgs.length > 0) returns = `{ ${tableArgs.map((a) => `${j(a.name)}: ${ts(a.type)}`)} }`;
    else if (f.return_type_relation_id && cols[f.return_type_relation_id])
      returns = `{ ${rowCols(f.return_type_relation_id)} }`;
    else returns = ts(f.return_type);
    return `${j(name)}: { Args: ${args}
      Returns: ${returns}${f.is_set_returning_function ? '[]' : ''} }`;
  });
  const enums = [...meta.enums].sort(byName);
  const composites = [...meta.composites].sort(byName);
  const never = '[_ in never]: never';
  const list = (/** @type {string[]} */ items) => (items.length === 0 ? never : items.join('\n'));
  return `
export type Json = string | number | boolean | null | { [key: string]: Json | undefined } | Json[]

export type Database = {
  ${j(SCHEMA)}: {
    Tables: { ${list(tablesTs)} }
    Views: { ${list(viewsTs)} }
    Functions: { ${list(fnTs)} }
    Enums: { ${list(enums.map((e) => `${j(e.name)}: ${e.values.map(j).join('|')}`))} }
    CompositeTypes: { ${list(composites.map((c) => `${j(c.name)}: { ${c.attr_names.map((n, i) => `${j(n)}: ${ts(c.attr_types[i])} | null`)} }`))} }
  }
}
${HELPERS}
export const Constants = {
  ${j(SCHEMA)}: {
    Enums: { ${enums.map((e) => `${j(e.name)}: [${e.values.map(j).join(', ')}]`)} }
  }
} as const
`;
}

// The generic helpers, verbatim from postgres-meta's template.
const HELPERS = `
type DefaultSchema = Database[Extract<keyof Database, "public">]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof Database },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof Database
  }
    ? keyof (Database[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        Database[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never = never,
> = DefaultSchemaTableNameOrOptions extends { schema: keyof Database }
  ? (Database[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      Database[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] &
        DefaultSchema["Views"])
    ? (DefaultSchema["Tables"] &
        DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
        Row: infer R
      }
      ? R
      : never
    : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof Database },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof Database
  }
    ? keyof Database[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never = never,
> = DefaultSchemaTableNameOrOptions extends { schema: keyof Database }
  ? Database[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Insert: infer I
      }
      ? I
      : never
    : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof Database },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof Database
  }
    ? keyof Database[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never = never,
> = DefaultSchemaTableNameOrOptions extends { schema: keyof Database }
  ? Database[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Update: infer U
      }
      ? U
      : never
    : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof Database },
  EnumName extends DefaultSchemaEnumNameOrOptions extends {
    schema: keyof Database
  }
    ? keyof Database[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never = never,
> = DefaultSchemaEnumNameOrOptions extends { schema: keyof Database }
  ? Database[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
    ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
    : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof Database },
  CompositeTypeName extends PublicCompositeTypeNameOrOptions extends {
    schema: keyof Database
  }
    ? keyof Database[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never = never,
> = PublicCompositeTypeNameOrOptions extends { schema: keyof Database }
  ? Database[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
    ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
    : never
`;

/** The file's text for the database at dbUrl. */
export async function generateTypes(/** @type {string} */ dbUrl) {
  const db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  try {
    const source = render(await introspect(db));
    const prettier = await import('prettier');
    return await prettier.format(source, { parser: 'typescript', semi: false });
  } finally {
    await db.end();
  }
}

/** A short human summary of how `have` (the file `file`) differs from `want`, line by line. */
function diffSummary(/** @type {string} */ file, /** @type {string} */ have, /** @type {string} */ want) {
  const a = have.split('\n');
  const b = want.split('\n');
  const first = a.findIndex((line, i) => line !== b[i]);
  const at = first === -1 ? Math.min(a.length, b.length) : first;
  return [
    `${path.relative(ROOT, file)} is stale (${a.length} lines on disk, ${b.length} generated); first difference at line ${at + 1}:`,
    `  on disk:   ${a[at] ?? '<end of file>'}`,
    `  generated: ${b[at] ?? '<end of file>'}`,
    'Run `npm run gen:types` and commit the result.',
  ].join('\n');
}

async function main() {
  const check = process.argv.includes('--check');
  const dbUrl = process.env.DB_URL || urls(loadConfig()).DB_URL;
  const text = await generateTypes(dbUrl);
  for (const file of OUTPUTS) {
    if (check) {
      const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
      if (current !== text) {
        process.stderr.write(diffSummary(file, current, text) + '\n');
        process.exitCode = 1;
      } else {
        process.stderr.write(`${path.relative(ROOT, file)} is up to date.\n`);
      }
      continue;
    }
    fs.writeFileSync(file, text);
    process.stderr.write(`Wrote ${path.relative(ROOT, file)}.\n`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    process.stderr.write(`gen-types: ${e instanceof Error ? e.message : e}\n`);
    process.exit(2);
  });
}
