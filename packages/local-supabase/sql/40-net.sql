-- A stand-in for pg_net (which has no Debian package): the same schema, tables and function
-- signatures. Calls enqueue a row and notify the local worker (local/api/pg-net.js), which
-- performs the request and records net._http_response, as pg_net's background worker does.
create schema if not exists net;

create unlogged table if not exists net.http_request_queue (
  id bigserial primary key,
  method text not null,
  url text not null,
  headers jsonb not null,
  body bytea,
  timeout_milliseconds integer not null
);

create unlogged table if not exists net._http_response (
  id bigint,
  status_code integer,
  content_type text,
  headers jsonb,
  content text,
  timed_out boolean,
  error_msg text,
  created timestamptz not null default now()
);
create index if not exists _http_response_created_idx on net._http_response (created);

-- Appends params as a query string, as pg_net does.
create or replace function net._url_with_params(url text, params jsonb) returns text
language sql immutable as $$
  select case when params is null or params = '{}'::jsonb then url
    else url || case when position('?' in url) > 0 then '&' else '?' end ||
      (select string_agg(replace(replace(key, '&', '%26'), '=', '%3D') || '=' ||
          replace(replace(replace(value, '%', '%25'), '&', '%26'), ' ', '%20'), '&')
       from jsonb_each_text(params))
  end
$$;

create or replace function net._enqueue(method text, url text, headers jsonb, body bytea, timeout_milliseconds integer)
returns bigint language plpgsql security definer set search_path = '' as $$
declare request_id bigint;
begin
  if url is null or url !~ '^https?://' then
    raise exception 'net: url must start with http:// or https://, got %', coalesce(url, 'null');
  end if;
  insert into net.http_request_queue (method, url, headers, body, timeout_milliseconds)
  values (method, url, coalesce(headers, '{}'::jsonb), body, coalesce(timeout_milliseconds, 5000))
  returning id into request_id;
  perform pg_notify('net_http_request_queue', request_id::text);
  return request_id;
end $$;

create or replace function net.http_get(url text, params jsonb default '{}'::jsonb,
  headers jsonb default '{}'::jsonb, timeout_milliseconds integer default 5000)
returns bigint language sql security definer set search_path = '' as $$
  select net._enqueue('GET', net._url_with_params(url, params), headers, null, timeout_milliseconds)
$$;

create or replace function net.http_post(url text, body jsonb default '{}'::jsonb, params jsonb default '{}'::jsonb,
  headers jsonb default '{"Content-Type": "application/json"}'::jsonb, timeout_milliseconds integer default 5000)
returns bigint language sql security definer set search_path = '' as $$
  select net._enqueue('POST', net._url_with_params(url, params), headers,
    convert_to(body::text, 'UTF8'), timeout_milliseconds)
$$;

create or replace function net.http_delete(url text, params jsonb default '{}'::jsonb,
  headers jsonb default '{}'::jsonb, timeout_milliseconds integer default 5000)
returns bigint language sql security definer set search_path = '' as $$
  select net._enqueue('DELETE', net._url_with_params(url, params), headers, null, timeout_milliseconds)
$$;

grant usage on schema net to postgres, anon, authenticated, service_role, supabase_functions_admin;
grant all on all tables in schema net to postgres, service_role, supabase_functions_admin;
grant all on all sequences in schema net to postgres, service_role, supabase_functions_admin;
revoke execute on function net._enqueue(text, text, jsonb, bytea, integer) from public;
grant execute on function net.http_get(text, jsonb, jsonb, integer) to postgres, anon, authenticated, service_role, supabase_functions_admin;
grant execute on function net.http_post(text, jsonb, jsonb, jsonb, integer) to postgres, anon, authenticated, service_role, supabase_functions_admin;
grant execute on function net.http_delete(text, jsonb, jsonb, integer) to postgres, anon, authenticated, service_role, supabase_functions_admin;
