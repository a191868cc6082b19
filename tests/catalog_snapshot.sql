-- A normalized snapshot of what the Pulse schemas hold, one row per fact:
-- (kind, object, detail), sorted. Two databases with the same rows have the
-- same schema, logic and access, whatever order they were built in: names
-- and definitions only, never oids. Objects of extensions are left out (test
-- databases carry pgTAP), so are the registry (`sqitch`) and test helpers.
--
-- Used by tests/test_repeatables.py (a fresh database against an upgraded
-- one); anything that wants a schema snapshot can run it as is.

WITH
schemas AS (
  SELECT oid, nspname FROM pg_catalog.pg_namespace WHERE nspname IN ('app', 'app_private', 'auth', 'audit', 'public')
),
extension_member AS (
  SELECT classid, objid FROM pg_catalog.pg_depend WHERE deptype = 'e'
),
relation AS (
  SELECT c.oid, c.relkind, c.relacl, c.relowner, format('%I.%I', n.nspname, c.relname) AS name
    FROM pg_catalog.pg_class AS c JOIN schemas AS n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'c')
     -- Partitions are data, not schema: pg_partman makes them by date and by
     -- the rows an upgrade moves; their parent and part_config carry the shape.
     AND NOT c.relispartition
     AND c.oid NOT IN (SELECT objid FROM extension_member WHERE classid = 'pg_catalog.pg_class'::regclass)
     AND c.reltype NOT IN (SELECT objid FROM extension_member WHERE classid = 'pg_catalog.pg_type'::regclass)
),
routine AS (
  SELECT p.oid, p.prokind, p.proacl, p.proowner,
         format('%I.%I(%s)', n.nspname, p.proname, pg_catalog.oidvectortypes(p.proargtypes)) AS name
    FROM pg_catalog.pg_proc AS p JOIN schemas AS n ON n.oid = p.pronamespace
   WHERE p.oid NOT IN (SELECT objid FROM extension_member WHERE classid = 'pg_catalog.pg_proc'::regclass)
),
type AS (
  SELECT t.oid, t.typtype, t.typacl, t.typowner, format('%I.%I', n.nspname, t.typname) AS name, t.typbasetype,
         t.typnotnull, t.typdefault
    FROM pg_catalog.pg_type AS t JOIN schemas AS n ON n.oid = t.typnamespace
   WHERE t.typtype IN ('e', 'd', 'r', 'm', 'b') AND t.typcategory <> 'A'
     AND t.oid NOT IN (SELECT objid FROM extension_member WHERE classid = 'pg_catalog.pg_type'::regclass)
),
privilege AS (
  SELECT kind, object, format('%s %s%s by %s',
           CASE acl.grantee WHEN 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(acl.grantee) END,
           acl.privilege_type, CASE WHEN acl.is_grantable THEN ' with grant option' ELSE '' END,
           pg_catalog.pg_get_userbyid(acl.grantor)) AS detail
    FROM (
      SELECT 'grant on relation' AS kind, name AS object,
             coalesce(relacl, pg_catalog.acldefault(CASE relkind WHEN 'S' THEN 's' ELSE 'r' END::"char", relowner)) AS acl
        FROM relation
      UNION ALL
      SELECT 'grant on column', format('%s.%I', r.name, a.attname), a.attacl
        FROM relation AS r JOIN pg_catalog.pg_attribute AS a ON a.attrelid = r.oid
       WHERE a.attnum > 0 AND NOT a.attisdropped AND a.attacl IS NOT NULL
      UNION ALL
      SELECT 'grant on routine', name, coalesce(proacl, pg_catalog.acldefault('f'::"char", proowner)) FROM routine
      UNION ALL
      SELECT 'grant on type', name, coalesce(typacl, pg_catalog.acldefault('T'::"char", typowner)) FROM type
      UNION ALL
      SELECT 'grant on schema', format('%I', n.nspname), coalesce(s.nspacl, pg_catalog.acldefault('n'::"char", s.nspowner))
        FROM schemas AS n JOIN pg_catalog.pg_namespace AS s ON s.oid = n.oid
    ) AS granted, pg_catalog.aclexplode(granted.acl) AS acl
)
SELECT kind, object, detail FROM (
  SELECT 'schema' AS kind, format('%I', n.nspname) AS object,
         'owner ' || pg_catalog.pg_get_userbyid(s.nspowner) AS detail
    FROM schemas AS n JOIN pg_catalog.pg_namespace AS s ON s.oid = n.oid
  UNION ALL
  SELECT 'relation', r.name,
         format('kind %s, owner %s, options %s, rls %s, forced %s', r.relkind, pg_catalog.pg_get_userbyid(r.relowner),
                c.reloptions, c.relrowsecurity, c.relforcerowsecurity)
    FROM relation AS r JOIN pg_catalog.pg_class AS c ON c.oid = r.oid
  UNION ALL
  SELECT 'column', format('%s.%I', r.name, a.attname),
         format('#%s %s%s%s%s%s', row_number() OVER (PARTITION BY r.oid ORDER BY a.attnum),
                pg_catalog.format_type(a.atttypid, a.atttypmod),
                CASE WHEN a.attnotnull THEN ' not null' ELSE '' END,
                CASE WHEN a.attgenerated = 's' THEN ' generated as ' ELSE '' END
                  || coalesce(CASE WHEN a.attgenerated = '' THEN ' default ' ELSE '' END
                              || pg_catalog.pg_get_expr(d.adbin, d.adrelid), ''),
                CASE WHEN a.attidentity <> '' THEN ' identity ' || a.attidentity::text ELSE '' END,
                CASE WHEN a.attcollation <> t.typcollation THEN ' collate ' || a.attcollation::regcollation::text ELSE '' END)
    FROM relation AS r
    JOIN pg_catalog.pg_attribute AS a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
    JOIN pg_catalog.pg_type AS t ON t.oid = a.atttypid
    LEFT JOIN pg_catalog.pg_attrdef AS d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  UNION ALL
  SELECT 'constraint', format('%I on %s', con.conname, coalesce(r.name, ty.name)),
         pg_catalog.pg_get_constraintdef(con.oid)
           || CASE WHEN con.condeferrable THEN ' deferrable' ELSE '' END
           || CASE WHEN con.condeferred THEN ' initially deferred' ELSE '' END
    FROM pg_catalog.pg_constraint AS con
    LEFT JOIN relation AS r ON r.oid = con.conrelid
    LEFT JOIN type AS ty ON ty.oid = con.contypid
   WHERE (r.oid IS NOT NULL OR ty.oid IS NOT NULL)
     -- A foreign key into a partitioned table is cloned once per partition.
     AND con.conparentid = 0
  UNION ALL
  SELECT 'index', format('%I.%I', n.nspname, i.relname), pg_catalog.pg_get_indexdef(i.oid)
    FROM pg_catalog.pg_index AS x
    JOIN relation AS r ON r.oid = x.indrelid
    JOIN pg_catalog.pg_class AS i ON i.oid = x.indexrelid
    JOIN pg_catalog.pg_namespace AS n ON n.oid = i.relnamespace
  UNION ALL
  SELECT 'type', ty.name,
         format('kind %s, owner %s', ty.typtype, pg_catalog.pg_get_userbyid(ty.typowner))
           || CASE ty.typtype
                WHEN 'e' THEN ', labels ' || (SELECT string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder)
                                                FROM pg_catalog.pg_enum AS e WHERE e.enumtypid = ty.oid)
                WHEN 'd' THEN ', over ' || pg_catalog.format_type(ty.typbasetype, NULL)
                              || CASE WHEN ty.typnotnull THEN ' not null' ELSE '' END
                              || coalesce(' default ' || ty.typdefault, '')
                ELSE '' END
    FROM type AS ty
  UNION ALL
  SELECT 'routine', ro.name,
         format('kind %s, owner %s, definition md5 %s', ro.prokind, pg_catalog.pg_get_userbyid(ro.proowner),
                CASE WHEN ro.prokind = 'a' THEN NULL ELSE md5(pg_catalog.pg_get_functiondef(ro.oid)) END)
    FROM routine AS ro
  UNION ALL
  SELECT 'view', r.name, 'definition md5 ' || md5(pg_catalog.pg_get_viewdef(r.oid))
    FROM relation AS r WHERE r.relkind IN ('v', 'm')
  UNION ALL
  SELECT 'trigger', format('%I on %s', tg.tgname, r.name),
         pg_catalog.pg_get_triggerdef(tg.oid) || ' enabled ' || tg.tgenabled::text
    FROM pg_catalog.pg_trigger AS tg JOIN relation AS r ON r.oid = tg.tgrelid
   WHERE NOT tg.tgisinternal
  UNION ALL
  SELECT 'policy', format('%I on %I.%I', p.policyname, p.schemaname, p.tablename),
         format('%s %s to %s using (%s) with check (%s)', p.permissive, p.cmd,
                (SELECT string_agg(role, ', ' ORDER BY role) FROM unnest(p.roles) AS role), p.qual, p.with_check)
    FROM pg_catalog.pg_policies AS p JOIN schemas AS n ON n.nspname = p.schemaname
  UNION ALL
  SELECT kind, object, detail FROM privilege
  UNION ALL
  SELECT 'comment', format('%s %s', o.type, o.identity), d.description
    FROM pg_catalog.pg_description AS d,
         LATERAL pg_catalog.pg_identify_object(d.classoid, d.objoid, d.objsubid) AS o
   WHERE (o.schema IN (SELECT nspname FROM schemas) OR (o.type = 'schema' AND o.identity IN (SELECT nspname FROM schemas)))
     AND (d.classoid, d.objoid) NOT IN (SELECT classid, objid FROM extension_member)
     AND NOT (d.classoid = 'pg_catalog.pg_class'::regclass
              AND d.objoid IN (SELECT oid FROM pg_catalog.pg_class WHERE relispartition))
) AS facts
ORDER BY kind, object, detail;
