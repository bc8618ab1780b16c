-- Broadcast from the database, beyond realtime.send: binary payloads (realtime.send_binary,
-- delivered to 2.0.0 clients as binary broadcasts) and the index replay reads. Old rows of
-- realtime.messages are pruned by the local Realtime server (local/api/realtime/index.js).
alter table realtime.messages add column if not exists binary_payload bytea;

-- Sends a binary broadcast to a topic's subscribers from SQL; like realtime.send, a failure is
-- a warning, never an error of the calling transaction. Callable by the API roles.
create or replace function realtime.send_binary(payload bytea, event text, topic text, private boolean default true)
returns void language plpgsql as $$
declare new_id uuid;
begin
  insert into realtime.messages (binary_payload, event, topic, private, extension)
  values (payload, event, topic, private, 'broadcast')
  returning id into new_id;
  perform pg_notify('realtime:send', new_id::text);
exception when others then
  raise warning 'ErrorSendingBroadcastMessage: %', sqlerrm;
end $$;

grant execute on function realtime.send_binary(bytea, text, text, boolean) to postgres, anon, authenticated, service_role;
create index if not exists messages_topic_inserted_at_index on realtime.messages (topic, inserted_at)
  where extension = 'broadcast' and private is true;
