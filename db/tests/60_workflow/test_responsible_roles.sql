-- Responsible roles name roles of the tenant, wherever a workflow row names
-- them: the stage catalog, sub-stages, and a definition's overrides of both
-- (found by the columns an API role may write, so a dropped check fails
-- here; progress rows copy them from the definition).
begin;
select plan(2);

select tests.remember('tenant', tests.create_tenant());
select tests.remember('admin', tests.create_member(tests.recall('tenant'), 'admin'));

create temporary table role_columns on commit drop as
select c.relname::text as name, a.attname::text as column_name
  from pg_attribute as a
  join pg_class as c on c.oid = a.attrelid
  join pg_namespace as n on n.oid = c.relnamespace
 where n.nspname = 'app' and c.relkind in ('r', 'p') and not c.relispartition and a.attname in ('responsible_roles', 'responsible_roles_override')
   and has_column_privilege('app_user', c.oid, a.attname, 'UPDATE');
grant select on role_columns to public;

select tests.act_as(tests.recall('admin'), tests.recall('tenant'));

select is(
  (select array_agg(name || ': ' || tests.refusal(format(
     'update app.%I set %I = array[''no-such-role''] where ctid = (select ctid from app.%I limit 1)',
     name, column_name, name)) order by name) from role_columns),
  (select array_agg(name || ': PT422 role.unknown' order by name) from role_columns),
  'naming a role the tenant does not have is refused on every responsible-roles column');

select is(
  (select array_agg(name || ': ' || tests.refusal(format(
     'update app.%I set %I = array[''qa''] where ctid = (select ctid from app.%I limit 1); select 1/0',
     name, column_name, name)) order by name) from role_columns),
  (select array_agg(name || ': 22012' order by name) from role_columns),
  'a role of the tenant is accepted on each of them (the statement gets as far as the next one)');

select * from finish();
rollback;
