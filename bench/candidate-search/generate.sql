-- Candidate search benchmark data (bench/README.md, "Candidate search"): 3 organisations of
-- 100,000 candidates each (the search index is shared by all organisations, so the others
-- are there to show they cost a searcher nothing), realistic names, emails and companies,
-- an organisation admin and a limited user in organisation 1, and every 4th candidate
-- considered for one of 50 jobs (the list embeds considerations).
--   psql -v ON_ERROR_STOP=1 -d bench_search -f bench/candidate-search/generate.sql
\set ON_ERROR_STOP on
\timing on
set search_path = public, extensions;
set maintenance_work_mem = '512MB';

create schema bench_gen;
create function bench_gen.id(tag text, n bigint) returns uuid
language sql immutable as $$ select md5(tag || ':' || n)::uuid $$;

insert into organizations (id, name, plan, time_zone)
select bench_gen.id('org', o), 'Bench Org ' || o, 'plus', 'Europe/London' from generate_series(1, 3) o;

insert into auth.users (id, aud, role, email, email_confirmed_at, created_at, updated_at)
select bench_gen.id('user', u), 'authenticated', 'authenticated', 'bench-user' || u || '@bench.test', now(), now(), now()
from generate_series(1, 2) u;
insert into members (user_id, organization_id, display_name, access_level)
values (bench_gen.id('user', 1), bench_gen.id('org', 1), 'Bench admin', 'organization_admin'),
       (bench_gen.id('user', 2), bench_gen.id('org', 1), 'Bench limited', 'limited');

insert into jobs (id, organization_id, title)
select bench_gen.id('job', o * 1000 + j), bench_gen.id('org', o), 'Job ' || j
from generate_series(1, 3) o, generate_series(1, 50) j;

-- 119 first names × 151 last names (17,969 full names, so a full name matches ~5–6 people
-- per organisation), 400 companies (50 names × 8 suffixes such as Labs or GmbH), emails first.last<n>@one of 6 domains.
create table bench_gen.first_names as
select row_number() over () as i, n from unnest(array[
 'Lukas','Sofia','Mateo','Amelia','Noah','Emma','Jonas','Mia','Luca','Hanna','Elias','Lea','Aarav','Priya','Kenji',
 'Yuki','Omar','Layla','Mateus','Beatriz','Oliver','Charlotte','Liam','Ava','Finn','Clara','Ravi','Ananya','Chen',
 'Mei','Diego','Valentina','Tariq','Fatima','Sven','Ingrid','Pierre','Camille','Tomasz','Zofia','James','Olivia',
 'William','Isabella','Henry','Sophia','Lucas','Grace','Jack','Chloe','Leo','Ella','Max','Nora','Ben','Ida','Paul',
 'Lina','Felix','Marie','Anton','Greta','Emil','Frida','Oskar','Alma','Hugo','Elsa','Arthur','Jade','Louis','Lola',
 'Gabriel','Ines','Rafael','Lucia','Marco','Giulia','Luis','Carmen','Pedro','Ana','Joao','Rita','Igor','Olga',
 'Dmitri','Anya','Ahmed','Amira','Yusuf','Zeynep','Emre','Elif','Hiro','Sakura','Jin','Hana','Wei','Lan','Arjun',
 'Diya','Kofi','Ama','Tunde','Ngozi','Sipho','Thandi','Mateja','Luka','Nina','Petra','Jan','Eva','Tom','Anna',
 'Erik','Karin','Nils']) n;
create table bench_gen.last_names as
select row_number() over () as i, n from unnest(array[
 'Schneider','Rossi','Garcia','Kowalski','Nguyen','Johansson','Dubois','Fischer','Silva','Muller','Patel','Tanaka',
 'Haddad','Novak','Andersen','Moreau','Weber','Costa','Yamamoto','Kaur','Wagner','Lindqvist','Okafor','Santos',
 'Hoffmann','Ivanova','Becker','Martinez','Li','Kim','Nowak','Schafer','Murphy','Smith','Jones','Brown','Taylor',
 'Wilson','Davies','Evans','Thomas','Roberts','Walker','Wright','Robinson','Thompson','White','Hughes','Edwards',
 'Green','Hall','Wood','Harris','Lewis','Martin','Jackson','Clarke','Clark','Turner','Hill','Scott','Cooper',
 'Morris','Ward','Moore','King','Watson','Baker','Harrison','Morgan','Patterson','Young','Allen','Mitchell',
 'Bell','Bailey','Parker','Miller','Davis','Anderson','Lopez','Gonzalez','Perez','Sanchez','Ramirez','Torres',
 'Flores','Rivera','Gomez','Diaz','Reyes','Cruz','Morales','Ortiz','Gutierrez','Chavez','Ramos','Ruiz','Alvarez',
 'Mendoza','Castillo','Jimenez','Romero','Herrera','Medina','Aguilar','Vargas','Castro','Fernandez','Guzman',
 'Munoz','Rojas','Navarro','Dominguez','Vazquez','Ferreira','Pereira','Oliveira','Rodrigues','Almeida','Sousa',
 'Carvalho','Gomes','Lopes','Marques','Ribeiro','Pinto','Moreira','Teixeira','Correia','Mendes','Nunes','Soares',
 'Vieira','Monteiro','Cardoso','Rocha','Neves','Coelho','Cruz','Cunha','Pires','Ramos','Reis','Simoes','Antunes',
 'Matos','Fonseca','Morais','Machado','Lima']) n;

insert into candidates (id, organization_id, first_name, last_name, email, company, title)
select bench_gen.id('cand', c),
       bench_gen.id('org', 1 + (c - 1) / 100000),
       f.n, l.n,
       case when c % 25 = 0 then null
            else lower(f.n) || '.' || lower(l.n) || c || '@' || (array['gmail.com','outlook.com','proton.me','posteo.de','icloud.com','yahoo.com'])[1 + c % 6] end,
       (array['Nordlicht','Brightwave','Kestrel','Lumen','Tidewater','Quarry','Helix','Arbor','Cobalt','Juniper',
              'Meridian','Solace','Vantage','Pioneer','Granite','Harbor','Summit','Falcon','Orchid','Beacon',
              'Atlas','Cascade','Ember','Foundry','Glacier','Horizon','Ironwood','Jasper','Keystone','Lattice',
              'Monarch','Northstar','Oakridge','Paragon','Quill','Redwood','Sapphire','Tessera','Umbra','Verdant',
              'Willow','Xenon','Yarrow','Zephyr','Alder','Birch','Cedar','Dune','Echo','Fjord'])[1 + (c::bigint * 7919) % 50]
       || ' ' || (array['Systems','Labs','GmbH','Health','Capital','Robotics','Media','Logistics'])[1 + (c::bigint * 104729) % 8],
       'Engineer'
from generate_series(1, 300000) c
join bench_gen.first_names f on f.i = 1 + (c * 13) % 119
join bench_gen.last_names l on l.i = 1 + (c * 17) % 151;

insert into considerations (organization_id, candidate_id, job_id)
select bench_gen.id('org', 1 + (c - 1) / 100000), bench_gen.id('cand', c),
       bench_gen.id('job', (1 + (c - 1) / 100000) * 1000 + 1 + c % 50)
from generate_series(4, 300000, 4) c;

vacuum analyze candidates;
vacuum analyze considerations;
select count(*) as candidates, count(distinct organization_id) as organisations from candidates;
