-- Storage locations (migration lab/storage): a tree of places (site -> room
-- -> freezer -> rack -> box -> position) with capacity and a temperature
-- range, site-scoped like samples: storage.manage tenant-wide or at the
-- location's site changes them. A child takes its parent's site; capacity
-- is checked with the parent locked (FOR UPDATE), so two concurrent inserts
-- or moves cannot both take the last place.

-- The temperature range a location keeps: its own bounds, or else those of
-- the nearest location above it that has them.
CREATE OR REPLACE FUNCTION app_private.storage_location_range(p_organization_id uuid, p_location_id uuid,
                                                              OUT min_celsius numeric, OUT max_celsius numeric)
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  WITH RECURSIVE up AS (
    SELECT l.id, l.parent_id, l.min_celsius, l.max_celsius, 0 AS depth
      FROM app.storage_locations AS l WHERE l.organization_id = p_organization_id AND l.id = p_location_id
    UNION ALL
    SELECT p.id, p.parent_id, p.min_celsius, p.max_celsius, up.depth + 1
      FROM up JOIN app.storage_locations AS p ON p.organization_id = p_organization_id AND p.id = up.parent_id
     WHERE up.depth < 64)
  SELECT (SELECT u.min_celsius FROM up AS u WHERE u.min_celsius IS NOT NULL ORDER BY u.depth LIMIT 1),
         (SELECT u.max_celsius FROM up AS u WHERE u.max_celsius IS NOT NULL ORDER BY u.depth LIMIT 1);
$$;
COMMENT ON FUNCTION app_private.storage_location_range(uuid, uuid) IS
  'The temperature range (°C) a storage location keeps: its own min and max, each inherited from the nearest location above it when empty.';

-- How many places of a location are taken (child locations and samples in it).
CREATE OR REPLACE FUNCTION app_private.storage_location_used(p_organization_id uuid, p_location_id uuid) RETURNS bigint
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT (SELECT count(*) FROM app.storage_locations AS c WHERE c.organization_id = p_organization_id AND c.parent_id = p_location_id)
       + (SELECT count(*) FROM app.samples AS s WHERE s.organization_id = p_organization_id AND s.storage_location_id = p_location_id);
$$;
COMMENT ON FUNCTION app_private.storage_location_used(uuid, uuid) IS
  'How many places of a storage location are taken: its child locations plus the samples stored in it.';

-- Refuses a location that has no free place; the caller holds its row lock.
CREATE OR REPLACE FUNCTION app_private.refuse_full_location(p_location app.storage_locations) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_used bigint;
BEGIN
  IF p_location.capacity IS NULL THEN
    RETURN;
  END IF;
  v_used := app_private.storage_location_used(p_location.organization_id, p_location.id);
  IF v_used >= p_location.capacity THEN
    RAISE EXCEPTION 'storage location % is full (% of %)', p_location.code, v_used, p_location.capacity USING ERRCODE = 'PT409',
      DETAIL = 'storage_location.full', HINT = 'Choose a location with a free place (GET /storage_location_occupancy?free=gt.0).';
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.refuse_full_location(app.storage_locations) IS
  'PT409 storage_location.full when the location''s child locations and samples already fill its capacity; call it holding the location''s row lock.';

CREATE OR REPLACE FUNCTION app_private.tg_storage_locations__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_parent app.storage_locations;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF NEW.kind = 'position' THEN
    NEW.capacity := coalesce(NEW.capacity, 1);
  END IF;
  IF NEW.parent_id IS NOT NULL AND (TG_OP = 'INSERT' OR NEW.parent_id IS DISTINCT FROM OLD.parent_id) THEN
    SELECT * INTO v_parent FROM app.storage_locations AS l
     WHERE l.organization_id = NEW.organization_id AND l.id = NEW.parent_id FOR UPDATE;
    IF v_parent.is_position THEN
      PERFORM app_private.raise_invalid('storage_location.in_position', pg_catalog.format('%s is a position: it holds a sample, not locations', v_parent.code),
        'Put the location in a box, rack or other container.');
    END IF;
    IF TG_OP = 'UPDATE' AND EXISTS (
         WITH RECURSIVE up AS (SELECT v_parent.id AS id, v_parent.parent_id AS parent_id, 0 AS depth
                               UNION ALL
                               SELECT p.id, p.parent_id, up.depth + 1 FROM up
                                 JOIN app.storage_locations AS p ON p.organization_id = NEW.organization_id AND p.id = up.parent_id
                                WHERE up.depth < 64)
         SELECT FROM up WHERE up.id = NEW.id) THEN
      PERFORM app_private.raise_invalid('storage_location.cycle', pg_catalog.format('%s cannot go inside itself', NEW.code),
        'Choose a parent that is not inside this location.');
    END IF;
    IF v_parent.id IS NOT NULL THEN
      PERFORM app_private.refuse_full_location(v_parent);
      NEW.site_id := coalesce(v_parent.site_id, NEW.site_id);
    END IF;
  END IF;
  IF app_private.is_member_call() THEN
    IF TG_OP = 'UPDATE' AND OLD.site_id IS DISTINCT FROM NEW.site_id THEN
      PERFORM auth.check_permission_at('storage.manage', OLD.site_id);
    END IF;
    PERFORM auth.check_permission_at('storage.manage', NEW.site_id);
  END IF;
  IF TG_OP = 'UPDATE' AND NEW.capacity IS DISTINCT FROM OLD.capacity AND NEW.capacity IS NOT NULL
     AND app_private.storage_location_used(NEW.organization_id, NEW.id) > NEW.capacity THEN
    RAISE EXCEPTION 'storage location % holds more than %', NEW.code, NEW.capacity USING ERRCODE = 'PT409',
      DETAIL = 'storage_location.full', HINT = 'Move samples or locations out before lowering the capacity.';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_storage_locations__prepare() IS
  'BEFORE INSERT/UPDATE on storage_locations: the tenant guard; a position holds 1; a new or moved location goes into a parent that is not a position (PT422 storage_location.in_position), not inside itself (PT422 storage_location.cycle), that has a free place (PT409 storage_location.full, the parent locked) and whose site it takes; a member needs storage.manage tenant-wide or at the site (PT403 permission.missing); capacity cannot go below what it holds.';

-- A location that changes site takes what is inside it along.
CREATE OR REPLACE FUNCTION app_private.tg_storage_locations__carry_site() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  UPDATE app.storage_locations AS c SET site_id = NEW.site_id
   WHERE c.organization_id = NEW.organization_id AND c.parent_id = NEW.id AND c.site_id IS DISTINCT FROM NEW.site_id;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_storage_locations__carry_site() IS
  'AFTER UPDATE OF site_id on storage_locations: the child locations take the new site (and theirs, recursively).';

CREATE OR REPLACE TRIGGER _000_require_site_permission BEFORE INSERT ON app.storage_locations
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission_at_a_site('storage.manage');
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.storage_locations
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.storage_locations
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_storage_locations__prepare();
CREATE OR REPLACE TRIGGER _500_carry_site AFTER UPDATE OF site_id ON app.storage_locations
  FOR EACH ROW WHEN (OLD.site_id IS DISTINCT FROM NEW.site_id) EXECUTE FUNCTION app_private.tg_storage_locations__carry_site();

SELECT app_private.register_entity_type('storage_location', 'app.storage_locations', 'name', 'Storage location', 'code');

-- What each location holds, as the caller sees it (security_invoker).
CREATE OR REPLACE VIEW app.storage_location_occupancy WITH (security_invoker = true) AS
SELECT l.organization_id, l.id AS storage_location_id, l.code, l.kind, l.parent_id, l.site_id, l.capacity, n.child_locations, n.samples,
       l.capacity - n.child_locations - n.samples AS free
  FROM app.storage_locations AS l
 CROSS JOIN LATERAL (
   SELECT (SELECT count(*) FROM app.storage_locations AS c WHERE c.organization_id = l.organization_id AND c.parent_id = l.id) AS child_locations,
          (SELECT count(*) FROM app.samples AS s WHERE s.organization_id = l.organization_id AND s.storage_location_id = l.id) AS samples) AS n;
COMMENT ON VIEW app.storage_location_occupancy IS
  E'Storage occupancy\nPer storage location the caller may see: its capacity, how many child locations and samples (that the caller may see) it holds, and the places still free (empty for no limit).';
COMMENT ON COLUMN app.storage_location_occupancy.organization_id IS E'Tenant';
COMMENT ON COLUMN app.storage_location_occupancy.storage_location_id IS E'Location\nstorage_locations.id.';
COMMENT ON COLUMN app.storage_location_occupancy.code IS E'Code';
COMMENT ON COLUMN app.storage_location_occupancy.kind IS E'Kind';
COMMENT ON COLUMN app.storage_location_occupancy.parent_id IS E'Inside';
COMMENT ON COLUMN app.storage_location_occupancy.site_id IS E'Site';
COMMENT ON COLUMN app.storage_location_occupancy.capacity IS E'Capacity';
COMMENT ON COLUMN app.storage_location_occupancy.child_locations IS E'Child locations\nHow many locations are directly inside it.';
COMMENT ON COLUMN app.storage_location_occupancy.samples IS E'Samples\nHow many samples the caller may see are stored directly in it.';
COMMENT ON COLUMN app.storage_location_occupancy.free IS E'Free places\nCapacity minus what it holds; empty for no limit.';
