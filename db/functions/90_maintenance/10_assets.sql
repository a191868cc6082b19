-- Maintenance assets (migration maintenance/assets): the maintenance side of
-- a piece of equipment (app.assets, same id), the plant hierarchy rules on
-- top of the register's own (no cycles: app_private.tg_equipment__prepare),
-- the ancestry path, GeoJSON of locations and boundaries, and the spatial
-- RPCs. Every read runs as the caller: row-level security of app.equipment
-- and app.assets (asset.read tenant-wide or at the equipment's site) decides.

-- The hierarchy rules where both ends are assets: a parent's level is above
-- its child's, and a parent and its child are at the same site. Checked for
-- the equipment against its parent and its children, serialized per tenant
-- with the register's cycle check (the same advisory lock), so two writers
-- cannot each pass a check the other breaks.
CREATE OR REPLACE FUNCTION app_private.check_asset_hierarchy(p_organization_id uuid, p_equipment_id uuid) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_bad record;
BEGIN
  PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('equipment_tree:' || p_organization_id::text, 0));
  SELECT c.equipment_number AS child_number, ca.level AS child_level, c.site_id AS child_site,
         p.equipment_number AS parent_number, pa.level AS parent_level, p.site_id AS parent_site
    INTO v_bad
    FROM app.equipment AS c
    JOIN app.assets AS ca ON ca.organization_id = c.organization_id AND ca.equipment_id = c.id
    JOIN app.equipment AS p ON p.organization_id = c.organization_id AND p.id = c.parent_id
    JOIN app.assets AS pa ON pa.organization_id = p.organization_id AND pa.equipment_id = p.id
   WHERE c.organization_id = p_organization_id
     AND (c.id = p_equipment_id OR c.parent_id = p_equipment_id)
     AND (pa.level >= ca.level OR p.site_id IS DISTINCT FROM c.site_id)
   LIMIT 1;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  IF v_bad.parent_level >= v_bad.child_level THEN
    PERFORM app_private.raise_invalid('asset.level_order',
      pg_catalog.format('%s (%s) cannot be part of %s (%s)', v_bad.child_number, v_bad.child_level, v_bad.parent_number, v_bad.parent_level),
      'A parent''s level is above its child''s: site > area > line > machine > component.');
  END IF;
  PERFORM app_private.raise_invalid('asset.site_mismatch',
    pg_catalog.format('%s is not at the site of its parent %s', v_bad.child_number, v_bad.parent_number),
    'An asset and its parent are at the same site: move the parent, or choose a parent at the asset''s site.');
END
$$;
COMMENT ON FUNCTION app_private.check_asset_hierarchy(uuid, uuid) IS
  'Refuses a hierarchy where an asset and its parent (both assets) break the rules: PT422 asset.level_order (the parent''s level not above the child''s), asset.site_mismatch (not at the same site). Checks the equipment against its parent and its children, under the per-tenant equipment tree lock.';

CREATE OR REPLACE FUNCTION app_private.tg_assets__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_equipment app.equipment;
  v_geometry text;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  v_equipment := app_private.visible_equipment(NEW.organization_id, NEW.equipment_id);
  IF app_private.is_member_call() THEN
    PERFORM auth.check_permission_at('asset.manage', v_equipment.site_id);
  END IF;
  IF (NEW.longitude IS NULL) <> (NEW.latitude IS NULL) THEN
    PERFORM app_private.raise_invalid('asset.location_incomplete', 'a location needs both longitude and latitude',
      'Send both longitude and latitude (WGS 84 degrees), or neither.');
  END IF;
  IF NEW.longitude NOT BETWEEN -180 AND 180 THEN
    PERFORM app_private.raise_invalid('geo.longitude_out_of_range', pg_catalog.format('longitude %s is out of range', NEW.longitude),
      'Longitude is in WGS 84 degrees, from -180 to 180.');
  END IF;
  IF NEW.latitude NOT BETWEEN -90 AND 90 THEN
    PERFORM app_private.raise_invalid('geo.latitude_out_of_range', pg_catalog.format('latitude %s is out of range', NEW.latitude),
      'Latitude is in WGS 84 degrees, from -90 to 90.');
  END IF;
  IF NEW.warranty_ends_on < NEW.warranty_starts_on THEN
    PERFORM app_private.raise_invalid('asset.warranty_order', 'the warranty cannot end before it starts',
      'warranty_ends_on is the last day covered, on or after warranty_starts_on.');
  END IF;
  IF NEW.boundary_geojson IS NOT NULL AND (TG_OP = 'INSERT' OR NEW.boundary_geojson IS DISTINCT FROM OLD.boundary_geojson) THEN
    BEGIN
      v_geometry := public.st_geometrytype(public.st_geomfromgeojson(NEW.boundary_geojson));
    EXCEPTION WHEN OTHERS THEN
      v_geometry := NULL;
    END;
    IF v_geometry IS DISTINCT FROM 'ST_Polygon' THEN
      PERFORM app_private.raise_invalid('asset.boundary_invalid', 'the boundary is not a GeoJSON Polygon',
        'Send {"type": "Polygon", "coordinates": [[[lon, lat], ...]]} with a closed ring in WGS 84 degrees.');
    END IF;
    IF NEW.level NOT IN ('site', 'area') THEN
      PERFORM app_private.raise_invalid('asset.boundary_level', 'only a site or an area has a boundary',
        'Set level site or area, or leave boundary_geojson out.');
    END IF;
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_assets__prepare() IS
  'BEFORE INSERT/UPDATE: the tenant guard; the equipment is visible to the member (PT404 equipment.not_found), who holds asset.manage tenant-wide or at its site (PT403 permission.missing); a location has both coordinates (PT422 asset.location_incomplete) in range (geo.longitude_out_of_range, geo.latitude_out_of_range); the warranty ends on or after it starts (asset.warranty_order); a boundary is a GeoJSON Polygon (asset.boundary_invalid) of a site or area (asset.boundary_level).';

CREATE OR REPLACE FUNCTION app_private.tg_assets__check_hierarchy() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.check_asset_hierarchy(NEW.organization_id, NEW.equipment_id);
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_assets__check_hierarchy() IS
  'AFTER INSERT/UPDATE OF level on app.assets: the asset hierarchy rules (app_private.check_asset_hierarchy).';

CREATE OR REPLACE FUNCTION app_private.tg_equipment__check_asset_hierarchy() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.check_asset_hierarchy(NEW.organization_id, NEW.id);
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_equipment__check_asset_hierarchy() IS
  'AFTER UPDATE OF parent_id, site_id on app.equipment: the asset hierarchy rules where the equipment or its parent or parts are assets (app_private.check_asset_hierarchy).';

CREATE OR REPLACE TRIGGER _000_require_site_permission BEFORE INSERT ON app.assets
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission_at_a_site('asset.manage');
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.assets
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.assets
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_assets__prepare();
CREATE OR REPLACE TRIGGER _550_check_hierarchy AFTER INSERT OR UPDATE OF level ON app.assets
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_assets__check_hierarchy();
CREATE OR REPLACE TRIGGER _550_check_asset_hierarchy AFTER UPDATE OF parent_id, site_id ON app.equipment
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_equipment__check_asset_hierarchy();

-- GeoJSON of what is on the map: the computed fields geojson and
-- boundary_geojson_out are how both APIs read the geography columns.
CREATE OR REPLACE FUNCTION app.assets_geojson(asset app.assets) RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT public.st_asgeojson(asset.location, 7)::jsonb
$$;
COMMENT ON FUNCTION app.assets_geojson(app.assets) IS
  E'Location as GeoJSON\nThe asset''s point as a GeoJSON Point ({"type": "Point", "coordinates": [lon, lat]}), empty without a location.';

-- The ancestry path: the equipment and every parent above it, top first
-- (depth 0 is the top). With app.equipment_tree (the parts below) the two
-- recursive reads of the hierarchy. As the caller sees them.
CREATE OR REPLACE FUNCTION app.equipment_ancestors(equipment_id uuid)
RETURNS TABLE (id uuid, parent_id uuid, depth integer, equipment_number text, name text, level app.asset_level, site_id uuid)
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  WITH RECURSIVE up AS (
    SELECT e.id, e.parent_id, 0 AS steps FROM app.equipment AS e
     WHERE e.organization_id = auth.org_id() AND e.id = equipment_ancestors.equipment_id AND e.deleted_at IS NULL
    UNION ALL
    SELECT p.id, p.parent_id, u.steps + 1 FROM up AS u
      JOIN app.equipment AS p ON p.organization_id = auth.org_id() AND p.id = u.parent_id AND p.deleted_at IS NULL
     WHERE u.steps < 100
  )
  SELECT e.id, e.parent_id, (max(u.steps) OVER () - u.steps)::integer, e.equipment_number, e.name, a.level, e.site_id
    FROM up AS u
    JOIN app.equipment AS e ON e.organization_id = auth.org_id() AND e.id = u.id
    LEFT JOIN app.assets AS a ON a.organization_id = e.organization_id AND a.equipment_id = e.id
   ORDER BY u.steps DESC
$$;
COMMENT ON FUNCTION app.equipment_ancestors(uuid) IS
  E'Equipment ancestry\nThe path from the top of the hierarchy down to the equipment (depth 0 is the top, the equipment itself last) with each one''s asset level, as the caller sees them (the path stops at a parent the caller may not see); never through the trash.';

-- The spatial probes. Row-level security keeps a user's predicates from
-- running before the policies unless their functions are LEAKPROOF, and
-- PostGIS's are not: under RLS, ST_DWithin and <-> cannot use the GiST index
-- (a 1 km search read all 50,000 of a tenant's assets, 1.6 s). These two run
-- as the owner, only over the caller's tenant (auth.org_id() inside, no
-- tenant parameter), keep only what the caller may see (asset.read and
-- equipment.read tenant-wide or at the equipment's site, as the policies say,
-- asked once per call and checked on the few candidates the index found), and return ids and distances; the RPCs then
-- read them as the caller, so row-level security decides once more.
CREATE OR REPLACE FUNCTION auth.asset_candidates_within(p_longitude double precision, p_latitude double precision,
                                                        p_radius_m double precision)
RETURNS TABLE (equipment_id uuid, distance_m double precision)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT a.equipment_id, public.st_distance(a.location, p.point)
    FROM (SELECT public.geography(public.st_setsrid(public.st_makepoint(p_longitude, p_latitude), 4326)) AS point) AS p
    JOIN app.assets AS a ON a.organization_id = auth.org_id() AND public.st_dwithin(a.location, p.point, p_radius_m)
    JOIN app.equipment AS e ON e.organization_id = a.organization_id AND e.id = a.equipment_id AND e.deleted_at IS NULL
   WHERE ((SELECT auth.is_platform_operator())
          OR (((SELECT auth.has_permission('asset.read')) OR e.site_id = ANY ((SELECT auth.permitted_site_ids('asset.read'))::uuid[]))
              AND ((SELECT auth.has_permission('equipment.read')) OR e.site_id = ANY ((SELECT auth.permitted_site_ids('equipment.read'))::uuid[]))))
$$;
COMMENT ON FUNCTION auth.asset_candidates_within(double precision, double precision, double precision) IS
  'The caller''s tenant''s assets within the radius (metres) of the point, with their distance, by the GiST index (as the owner: RLS would keep PostGIS off the index), those the caller may see (asset.read and equipment.read at the equipment''s site), none in the trash; app.assets_within reads them as the caller.';

CREATE OR REPLACE FUNCTION auth.asset_candidates_nearest(p_longitude double precision, p_latitude double precision, p_limit integer)
RETURNS TABLE (equipment_id uuid, distance_m double precision)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = ''
-- A generic plan does not know the limit and sorts the tenant's points
-- (0.2 s at 50,000) instead of walking the index nearest first.
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
  v_point public.geography := public.geography(public.st_setsrid(public.st_makepoint(p_longitude, p_latitude), 4326));
  v_scan integer := p_limit;
  v_scanned bigint;
  v_seen integer;
  v_ids uuid[];
  v_distances double precision[];
  v_visible boolean[];
  -- What the caller may see, asked once (the policies of assets and equipment).
  v_operator boolean := auth.is_platform_operator();
  v_asset_all boolean := auth.has_permission('asset.read');
  v_asset_sites uuid[] := auth.permitted_site_ids('asset.read');
  v_equipment_all boolean := auth.has_permission('equipment.read');
  v_equipment_sites uuid[] := auth.permitted_site_ids('equipment.read');
BEGIN
  -- The nearest v_scan points of the tenant, of which those the caller may
  -- see; a member scoped to a plant may see fewer than asked, so the scan
  -- widens until p_limit are seen or the tenant has no more. No "location IS
  -- NOT NULL" in the scan: as an index condition it costs the nearest-first
  -- walk 100 times more; points without a location sort last.
  IF NOT v_operator AND NOT v_asset_all AND pg_catalog.cardinality(v_asset_sites) = 0 THEN
    RETURN;  -- sees no asset anywhere: no widening scan over the tenant
  END IF;
  LOOP
    SELECT pg_catalog.array_agg(k.equipment_id ORDER BY k.distance_m), pg_catalog.array_agg(k.distance_m ORDER BY k.distance_m),
           pg_catalog.array_agg(e.deleted_at IS NULL
                                AND (v_operator OR ((v_asset_all OR e.site_id = ANY (v_asset_sites))
                                                    AND (v_equipment_all OR e.site_id = ANY (v_equipment_sites))))
                                ORDER BY k.distance_m),
           pg_catalog.count(*)
      INTO v_ids, v_distances, v_visible, v_scanned
      FROM (SELECT a.equipment_id, public.st_distance(a.location, v_point) AS distance_m
              FROM app.assets AS a
             WHERE a.organization_id = auth.org_id()
             ORDER BY a.location OPERATOR(public.<->) v_point
             LIMIT v_scan) AS k
      JOIN app.equipment AS e ON e.organization_id = auth.org_id() AND e.id = k.equipment_id
     WHERE k.distance_m IS NOT NULL;
    v_seen := pg_catalog.array_length(pg_catalog.array_positions(v_visible, true), 1);
    EXIT WHEN coalesce(v_seen, 0) >= p_limit OR v_scanned < v_scan;
    v_scan := v_scan * 4;
  END LOOP;
  RETURN QUERY SELECT c.id, c.distance FROM unnest(v_ids, v_distances, v_visible) AS c (id, distance, visible)
                WHERE c.visible ORDER BY c.distance LIMIT p_limit;
END
$$;
COMMENT ON FUNCTION auth.asset_candidates_nearest(double precision, double precision, integer) IS
  'The caller''s tenant''s p_limit assets nearest to the point, with their distance, by the GiST index (as the owner: RLS would keep PostGIS off the index), of which those the caller may see (asset.read and equipment.read at the equipment''s site), never one in the trash; the scan widens while the caller sees fewer than p_limit; app.nearest_assets reads them as the caller.';

CREATE OR REPLACE FUNCTION auth.asset_candidates_in_boundary(p_area_id uuid)
RETURNS TABLE (equipment_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT a.equipment_id
    FROM app.assets AS area
    JOIN app.assets AS a ON a.organization_id = area.organization_id AND public.st_covers(area.boundary, a.location)
    JOIN app.equipment AS e ON e.organization_id = a.organization_id AND e.id = a.equipment_id
   WHERE area.organization_id = auth.org_id() AND area.equipment_id = p_area_id AND a.equipment_id <> p_area_id
     AND e.deleted_at IS NULL
     AND ((SELECT auth.is_platform_operator())
          OR (((SELECT auth.has_permission('asset.read')) OR e.site_id = ANY ((SELECT auth.permitted_site_ids('asset.read'))::uuid[]))
              AND ((SELECT auth.has_permission('equipment.read')) OR e.site_id = ANY ((SELECT auth.permitted_site_ids('equipment.read'))::uuid[]))))
$$;
COMMENT ON FUNCTION auth.asset_candidates_in_boundary(uuid) IS
  'The caller''s tenant''s assets inside the boundary of an area asset, by the GiST index (as the owner: RLS would keep PostGIS off the index), those the caller may see (asset.read and equipment.read at the equipment''s site), none in the trash; app.assets_in_area checks the area and reads them as the caller.';

-- The spatial RPCs validate the point first: own errors, never PostGIS's.
CREATE OR REPLACE FUNCTION app.assets_within(lon double precision, lat double precision, radius_m double precision)
RETURNS TABLE (equipment_id uuid, equipment_number text, name text, site_id uuid, level app.asset_level, criticality text,
               status app.equipment_status, longitude double precision, latitude double precision, distance_m double precision)
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
  IF assets_within.lon IS NULL OR assets_within.lon NOT BETWEEN -180 AND 180 THEN
    RAISE EXCEPTION 'longitude % is out of range', coalesce(assets_within.lon::text, 'null') USING ERRCODE = 'PT422',
      DETAIL = 'geo.longitude_out_of_range', HINT = 'lon is in WGS 84 degrees, from -180 to 180.';
  END IF;
  IF assets_within.lat IS NULL OR assets_within.lat NOT BETWEEN -90 AND 90 THEN
    RAISE EXCEPTION 'latitude % is out of range', coalesce(assets_within.lat::text, 'null') USING ERRCODE = 'PT422',
      DETAIL = 'geo.latitude_out_of_range', HINT = 'lat is in WGS 84 degrees, from -90 to 90.';
  END IF;
  IF radius_m IS NULL OR radius_m <= 0 OR radius_m > 100000 THEN
    RAISE EXCEPTION 'radius % m is out of range', coalesce(radius_m::text, 'null') USING ERRCODE = 'PT422',
      DETAIL = 'geo.radius_out_of_range', HINT = 'radius_m is in metres, more than 0 and at most 100000 (100 km).';
  END IF;
  RETURN QUERY
    SELECT e.id, e.equipment_number, e.name, e.site_id, a.level, a.criticality, e.status, a.longitude, a.latitude, c.distance_m
      FROM auth.asset_candidates_within(assets_within.lon, assets_within.lat, radius_m) AS c
      JOIN app.assets AS a ON a.organization_id = auth.org_id() AND a.equipment_id = c.equipment_id
      JOIN app.equipment AS e ON e.organization_id = a.organization_id AND e.id = a.equipment_id
     ORDER BY c.distance_m, e.equipment_number;
END
$$;
COMMENT ON FUNCTION app.assets_within(double precision, double precision, double precision) IS
  E'Assets within a radius\nThe assets the caller may see within radius_m metres (more than 0, at most 100 km) of the point (lon, lat: WGS 84 degrees), nearest first, with the distance in metres on the spheroid. PT422 geo.longitude_out_of_range, geo.latitude_out_of_range, geo.radius_out_of_range.';

CREATE OR REPLACE FUNCTION app.nearest_assets(lon double precision, lat double precision, n integer DEFAULT 10)
RETURNS TABLE (equipment_id uuid, equipment_number text, name text, site_id uuid, level app.asset_level, criticality text,
               status app.equipment_status, longitude double precision, latitude double precision, distance_m double precision)
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
  IF nearest_assets.lon IS NULL OR nearest_assets.lon NOT BETWEEN -180 AND 180 THEN
    RAISE EXCEPTION 'longitude % is out of range', coalesce(nearest_assets.lon::text, 'null') USING ERRCODE = 'PT422',
      DETAIL = 'geo.longitude_out_of_range', HINT = 'lon is in WGS 84 degrees, from -180 to 180.';
  END IF;
  IF nearest_assets.lat IS NULL OR nearest_assets.lat NOT BETWEEN -90 AND 90 THEN
    RAISE EXCEPTION 'latitude % is out of range', coalesce(nearest_assets.lat::text, 'null') USING ERRCODE = 'PT422',
      DETAIL = 'geo.latitude_out_of_range', HINT = 'lat is in WGS 84 degrees, from -90 to 90.';
  END IF;
  IF n IS NULL OR n NOT BETWEEN 1 AND 1000 THEN
    RAISE EXCEPTION 'n = % is out of range', coalesce(n::text, 'null') USING ERRCODE = 'PT422',
      DETAIL = 'geo.count_out_of_range', HINT = 'Ask for 1 to 1000 nearest assets.';
  END IF;
  RETURN QUERY
    SELECT e.id, e.equipment_number, e.name, e.site_id, a.level, a.criticality, e.status, a.longitude, a.latitude, c.distance_m
      FROM auth.asset_candidates_nearest(nearest_assets.lon, nearest_assets.lat, n) AS c
      JOIN app.assets AS a ON a.organization_id = auth.org_id() AND a.equipment_id = c.equipment_id
      JOIN app.equipment AS e ON e.organization_id = a.organization_id AND e.id = a.equipment_id
     ORDER BY c.distance_m, e.equipment_number
     LIMIT n;
END
$$;
COMMENT ON FUNCTION app.nearest_assets(double precision, double precision, integer) IS
  E'Nearest assets\nThe n (1 to 1000) assets the caller may see nearest to the point (lon, lat: WGS 84 degrees), nearest first, with the distance in metres. PT422 geo.longitude_out_of_range, geo.latitude_out_of_range, geo.count_out_of_range.';

CREATE OR REPLACE FUNCTION app.assets_in_area(area_id uuid)
RETURNS TABLE (equipment_id uuid, equipment_number text, name text, site_id uuid, level app.asset_level, criticality text,
               status app.equipment_status, longitude double precision, latitude double precision)
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_boundary public.geography;
BEGIN
  SELECT a.boundary INTO v_boundary FROM app.assets AS a WHERE a.organization_id = auth.org_id() AND a.equipment_id = area_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'asset % not found', area_id USING ERRCODE = 'PT404', DETAIL = 'asset.not_found',
      HINT = 'The area does not exist in your active tenant, or you may not see it.';
  END IF;
  IF v_boundary IS NULL THEN
    RAISE EXCEPTION 'the asset has no boundary' USING ERRCODE = 'PT422', DETAIL = 'asset.no_boundary',
      HINT = 'Give the site or area a boundary (boundary_geojson) first, or choose one that has one.';
  END IF;
  RETURN QUERY
    SELECT e.id, e.equipment_number, e.name, e.site_id, a.level, a.criticality, e.status, a.longitude, a.latitude
      FROM auth.asset_candidates_in_boundary(area_id) AS c
      JOIN app.assets AS a ON a.organization_id = auth.org_id() AND a.equipment_id = c.equipment_id
      JOIN app.equipment AS e ON e.organization_id = a.organization_id AND e.id = a.equipment_id
     ORDER BY e.equipment_number;
END
$$;
COMMENT ON FUNCTION app.assets_in_area(uuid) IS
  E'Assets in an area\nThe assets the caller may see whose location lies inside the boundary of a site or area asset (area_id). PT404 asset.not_found; PT422 asset.no_boundary.';
