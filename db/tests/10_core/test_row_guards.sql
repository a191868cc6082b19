-- The generic row guards every domain relies on, over every table they
-- apply to. The tables are found by what the rule is about (an insert an
-- API role may make; an updated_at column), never by the trigger under
-- test, so a dropped trigger fails here (make mutation).
begin;
select plan(3);

select tests.remember('tenant', tests.create_tenant());
select tests.remember('admin', tests.fill_tenant(tests.recall('tenant')));
select tests.remember('nobody', tests.create_member(tests.recall('tenant')));

-- An insert the caller has no permission for is refused with the permission
-- named, before anything else about the row is looked at: every table an
-- API role may insert into, but approver_backups (a person names their own
-- stand-in; its policy decides, test_approvals_documents.sql) and
-- attachment_downloads (whoever reads the attachment logs a download; its
-- policy decides, test_attachments.sql).
create temporary table insertable on commit drop as
select c.relname::text as name,
       (select a.attname::text from pg_attribute as a
         where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
           and has_column_privilege('app_user', c.oid, a.attname, 'INSERT')
         order by a.attnum limit 1) as column_name
  from pg_class as c
  join pg_namespace as n on n.oid = c.relnamespace
 where n.nspname = 'app' and c.relkind in ('r', 'p') and not c.relispartition
   and exists (select from pg_attribute as a
                where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                  and has_column_privilege('app_user', c.oid, a.attname, 'INSERT'))
   and c.relname NOT IN ('approver_backups', 'attachment_downloads');
grant select on insertable to public;

select tests.act_as(tests.recall('nobody'), tests.recall('tenant'));
select is(
  (select array_agg(name || ': ' || tests.refusal(format('insert into app.%I default values', name)) order by name)
     from insertable),
  (select array_agg(name || ': PT403 permission.missing' order by name) from insertable),
  'a member without the permission is refused PT403 permission.missing on every insertable table');
-- ...before any row is looked at (no trigger or validation of a row speaks
-- first): even an insert of no rows is refused.
select is(
  (select array_agg(name || ': ' || tests.refusal(format('insert into app.%I (%I) select null where false', name, column_name))
                    order by name)
     from insertable),
  (select array_agg(name || ': PT403 permission.missing' order by name) from insertable),
  'the permission is checked for the statement, before any row: an insert of no rows is refused too');
select tests.act_as_owner();

-- updated_at is the server's: whatever an update sends, it becomes the
-- time of the change, on every table that has the column.
create temporary table stamped on commit drop as
select c.relname::text as name,
       case when exists (select from pg_attribute as a where a.attrelid = c.oid and a.attname = 'organization_id')
            then 'organization_id' when c.relname = 'organizations' then 'id' end as tenant_column
  from pg_class as c
  join pg_namespace as n on n.oid = c.relnamespace
 where n.nspname = 'app' and c.relkind in ('r', 'p') and not c.relispartition
   and exists (select from pg_attribute as a where a.attrelid = c.oid and a.attname = 'updated_at' and not a.attisdropped);

-- The first row of the tenant an update may touch at all (a locked workflow
-- definition refuses every change: its clone is open).
create function pg_temp.stamp_after_update(p_table text, p_tenant_column text, p_tenant uuid) returns text
language plpgsql as $$
declare
  v_row tid;
  v_stamp timestamptz;
  v_refusal text := 'no row';
begin
  for v_row in execute case
      when p_table = 'users' then  -- the tenant's members
        'select u.ctid from app.users as u join app.memberships as m on m.user_id = u.id where m.organization_id = $1'
      when p_tenant_column is null then  -- a platform table (units): any row of its own
        format('select ctid from app.%I where $1 is not null', p_table)
      else format('select ctid from app.%I where %I = $1', p_table, p_tenant_column) end
    using p_tenant
  loop
    begin
      execute format('update app.%I set updated_at = ''2000-01-01'' where ctid = $1 returning updated_at', p_table)
        into v_stamp using v_row;
      return case when v_stamp = now() then 'now' else v_stamp::text end;
    exception when others then
      v_refusal := sqlstate || ' ' || sqlerrm;
    end;
  end loop;
  return v_refusal;
end
$$;

select tests.act_as(tests.recall('admin'), tests.recall('tenant'));
select tests.remember('clone', (app.clone_workflow_definition(
  (select id from app.workflow_definitions where organization_id = tests.recall('tenant') and is_default))).id);
select tests.act_as_owner();

select is(
  (select array_agg(name || ': ' || pg_temp.stamp_after_update(name, tenant_column, tests.recall('tenant')) order by name) from stamped),
  (select array_agg(name || ': now' order by name) from stamped),
  'an update stamps updated_at with the time of the change, whatever it sends, on every table with the column');

select * from finish();
rollback;
