-- Tenant branding: one app.tenant_branding row per tenant (provisioned with
-- it), changed by holders of branding.manage, read by its members; the theme
-- part of it served to anyone by app.theme(domain). Lives in the platform
-- rather than 20_tenancy because it builds on platform blocks applied after
-- tenancy: the logo is an attachment (34_attachments.sql) signed by the
-- object storage (60_object_storage.sql).

-- #rgb or #rrggbb in any case as lower-case #rrggbb; NULL for anything else.
CREATE OR REPLACE FUNCTION app_private.normalize_hex_color(p_color text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
  SELECT CASE
    WHEN p_color ~ '^#[0-9A-Fa-f]{6}$' THEN lower(p_color)
    WHEN p_color ~ '^#[0-9A-Fa-f]{3}$'
      THEN lower('#' || repeat(substr(p_color, 2, 1), 2) || repeat(substr(p_color, 3, 1), 2) || repeat(substr(p_color, 4, 1), 2))
  END;
$$;
COMMENT ON FUNCTION app_private.normalize_hex_color(text) IS
  'A CSS hex colour #rgb or #rrggbb (any case) as lower-case #rrggbb (#0AF -> #00aaff); NULL when it is not one.';

-- A host name as a tenant may claim it: lower-case letters, digits and
-- hyphens in dot-separated labels of 1 to 63 characters (no label starts or
-- ends with a hyphen), at least two labels, at most 253 characters, the last
-- label starting with a letter (so no IP address). No scheme, port, path,
-- user or trailing dot. NULL when it is not one.
CREATE OR REPLACE FUNCTION app_private.normalize_host_name(p_host text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
  SELECT h FROM (SELECT lower(btrim(p_host)) AS h) AS x
   WHERE length(h) <= 253
     AND h ~ '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$';
$$;
COMMENT ON FUNCTION app_private.normalize_host_name(text) IS
  'A bare host name (pulse.acme.example) trimmed and lower-cased; NULL for anything else: a scheme, port, path, IP address, empty or over-long label, trailing dot.';

-- The row as it may be stored: colours normalized, the domain lower-cased
-- and checked, fonts from the list, the logo an image attachment of this
-- row that was stored; who changed it and when. SECURITY DEFINER: it reads
-- the font list and the attachment, of the row's own tenant only (the
-- tenant guard runs first).
CREATE OR REPLACE FUNCTION app_private.tg_tenant_branding__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_logo app.attachments;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF length(btrim(coalesce(NEW.display_name, ''))) NOT BETWEEN 1 AND 200 THEN
    PERFORM app_private.raise_invalid('branding.display_name_length', 'The display name must have 1 to 200 characters',
      'Send a name of 1 to 200 characters.');
  END IF;
  NEW.display_name := btrim(NEW.display_name);
  IF app_private.normalize_hex_color(NEW.primary_color) IS NULL
     OR app_private.normalize_hex_color(NEW.secondary_color) IS NULL
     OR app_private.normalize_hex_color(NEW.accent_color) IS NULL THEN
    PERFORM app_private.raise_invalid('branding.color_invalid',
      format('Branding colours must look like #rgb or #rrggbb, not %s',
             concat_ws(', ', CASE WHEN app_private.normalize_hex_color(NEW.primary_color) IS NULL THEN coalesce(NEW.primary_color, 'null') END,
                             CASE WHEN app_private.normalize_hex_color(NEW.secondary_color) IS NULL THEN coalesce(NEW.secondary_color, 'null') END,
                             CASE WHEN app_private.normalize_hex_color(NEW.accent_color) IS NULL THEN coalesce(NEW.accent_color, 'null') END)),
      'e.g. #0f62fe or #06f');
  END IF;
  NEW.primary_color := app_private.normalize_hex_color(NEW.primary_color);
  NEW.secondary_color := app_private.normalize_hex_color(NEW.secondary_color);
  NEW.accent_color := app_private.normalize_hex_color(NEW.accent_color);

  IF NOT EXISTS (SELECT FROM app.branding_fonts WHERE family = NEW.heading_font)
     OR NOT EXISTS (SELECT FROM app.branding_fonts WHERE family = NEW.body_font) THEN
    PERFORM app_private.raise_invalid('branding.font_unknown',
      format('%s is not a font a theme may use', CASE WHEN EXISTS (SELECT FROM app.branding_fonts WHERE family = NEW.heading_font)
                                                      THEN NEW.body_font ELSE NEW.heading_font END),
      'GET /branding_fonts lists the font families.');
  END IF;

  IF NEW.custom_domain IS NOT NULL THEN
    IF app_private.normalize_host_name(NEW.custom_domain) IS NULL THEN
      PERFORM app_private.raise_invalid('branding.domain_invalid', format('%s is not a host name', NEW.custom_domain),
        'Send the bare host name, e.g. pulse.acme.example: no https://, port, path or trailing dot.');
    END IF;
    NEW.custom_domain := app_private.normalize_host_name(NEW.custom_domain);
  END IF;
  -- A new domain (or none) starts over: pending with a new token to publish;
  -- never one another tenant proved is theirs (65_domain_verification.sql).
  IF TG_OP = 'INSERT' OR NEW.custom_domain IS DISTINCT FROM OLD.custom_domain THEN
    IF EXISTS (SELECT FROM app.organizations AS o WHERE o.custom_domain = NEW.custom_domain AND o.id <> NEW.organization_id) THEN
      RAISE EXCEPTION 'The domain % is taken', NEW.custom_domain
        USING ERRCODE = 'PT409', DETAIL = 'branding.domain_taken',
              HINT = 'Another organization verified this custom domain; choose another one.';
    END IF;
    NEW.domain_status := CASE WHEN NEW.custom_domain IS NOT NULL THEN 'pending' END;
    NEW.domain_token := CASE WHEN NEW.custom_domain IS NOT NULL
                             THEN 'pulse-verification=' || pg_catalog.encode(public.gen_random_bytes(24), 'hex') END;
    NEW.domain_checked_at := NULL;
    NEW.domain_verified_at := NULL;
    NEW.domain_check_error := NULL;
  END IF;

  IF NEW.logo_attachment_id IS NOT NULL AND (TG_OP = 'INSERT' OR NEW.logo_attachment_id IS DISTINCT FROM OLD.logo_attachment_id) THEN
    SELECT * INTO v_logo FROM app.attachments AS a
     WHERE a.organization_id = NEW.organization_id AND a.id = NEW.logo_attachment_id;
    IF NOT FOUND OR v_logo.entity_type <> 'branding' OR v_logo.entity_id <> NEW.id OR v_logo.upload_state <> 'stored'
       OR v_logo.mime_type NOT IN ('image/png', 'image/jpeg', 'image/webp', 'image/svg+xml') THEN
      PERFORM app_private.raise_invalid('branding.logo_invalid',
        'The logo must be a stored PNG, JPEG, WebP or SVG image attached to the branding',
        'POST /attachments with entity_type branding and this branding''s id, upload it, confirm it, wait until it is stored, then set logo_attachment_id.');
    END IF;
  END IF;

  NEW.updated_at := now();
  NEW.updated_by := auth.user_id();
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_tenant_branding__prepare() IS
  'BEFORE INSERT OR UPDATE on app.tenant_branding: colours normalized to #rrggbb (PT422 branding.color_invalid), fonts from app.branding_fonts (branding.font_unknown), the custom domain a bare host name, lower-cased (branding.domain_invalid), not one another tenant verified (PT409 branding.domain_taken), pending with a new verification token whenever it changes, the logo a stored image attached to this branding (branding.logo_invalid), the display name 1 to 200 characters (branding.display_name_length); stamps who and when.';

-- The verified custom domain is unique across tenants through the global
-- app.organizations (see the migrations platform/branding and
-- platform/domain_verification): mirrored there once verified (and cleared
-- when the tenant changes or drops it), where the unique index refuses a
-- domain another tenant holds. SECURITY DEFINER: members cannot write
-- app.organizations.custom_domain themselves.
CREATE OR REPLACE FUNCTION app_private.tg_tenant_branding__claim_domain() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_verified text := CASE WHEN NEW.domain_status = 'verified' THEN NEW.custom_domain END;
BEGIN
  UPDATE app.organizations SET custom_domain = v_verified
   WHERE id = NEW.organization_id AND custom_domain IS DISTINCT FROM v_verified;
  RETURN NULL;
EXCEPTION WHEN unique_violation THEN
  RAISE EXCEPTION 'The domain % is taken', NEW.custom_domain
    USING ERRCODE = 'PT409', DETAIL = 'branding.domain_taken',
          HINT = 'Another organization verified this custom domain; choose another one.';
END
$$;
COMMENT ON FUNCTION app_private.tg_tenant_branding__claim_domain() IS
  'AFTER INSERT OR UPDATE OF custom_domain, domain_status on app.tenant_branding: mirrors the verified domain (none while pending or failed) into app.organizations.custom_domain, unique across tenants (PT409 branding.domain_taken when another tenant holds it).';

CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.tenant_branding
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_tenant_branding__prepare();
CREATE OR REPLACE TRIGGER _500_claim_domain AFTER INSERT OR UPDATE OF custom_domain, domain_status ON app.tenant_branding
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_tenant_branding__claim_domain();

SELECT app_private.register_entity_type('branding', 'app.tenant_branding', 'display_name', 'Branding');

-- The provisioning step (app_private.provision_organization): the tenant's
-- branding row, from its organization's older branding settings as far as
-- they go (display_name, primary_color, accent_color), else the defaults.
CREATE OR REPLACE FUNCTION app_private.provision_branding(p_organization_id uuid) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
  INSERT INTO app.tenant_branding (organization_id, id, display_name, primary_color, accent_color)
  SELECT o.id, public.uuid_generate_v7(), coalesce(o.branding ->> 'display_name', o.name),
         coalesce(o.branding ->> 'primary_color', '#1f2937'), coalesce(o.branding ->> 'accent_color', '#2563eb')
    FROM app.organizations AS o
   WHERE o.id = p_organization_id
  ON CONFLICT (organization_id) DO NOTHING;
$$;
COMMENT ON FUNCTION app_private.provision_branding(uuid) IS
  'Gives a tenant its branding row (display name and colours from organizations.branding when set, else the defaults). Idempotent.';

-- A URL to GET the logo with: the stored logo presigned for two hours from
-- the start of the hour, so every request in that hour gets the same URL
-- (HTTP caches and browsers keep it) and it still works an hour after
-- the hour ends; the organization's https logo_url when there is no stored
-- logo or no object storage. NULLs when neither.
CREATE OR REPLACE FUNCTION app_private.branding_logo(p_organization_id uuid, p_logo_attachment_id uuid, OUT url text, OUT expires_at timestamptz)
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_logo app.attachments;
  v_signed app.signed_url;
BEGIN
  SELECT * INTO v_logo FROM app.attachments AS a
   WHERE a.organization_id = p_organization_id AND a.id = p_logo_attachment_id AND a.upload_state = 'stored';
  IF FOUND AND EXISTS (SELECT FROM app_private.object_storage) THEN
    v_signed := app_private.presign_tenant_object(p_organization_id, 'GET', app_private.attachment_object_path(v_logo), 7200,
                                                  false, date_trunc('hour', now()));
    url := v_signed.url;
    expires_at := v_signed.expires_at;
  ELSE
    SELECT o.branding ->> 'logo_url' INTO url FROM app.organizations AS o WHERE o.id = p_organization_id;
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.branding_logo(uuid, uuid) IS
  'Where to GET a tenant''s logo: its stored logo attachment presigned for 7200 s from the start of the hour (the same URL all hour, valid at least one more), else the organization''s https branding.logo_url, else NULLs.';

-- The theme, for anyone: the login page of a custom domain is shown before
-- anybody signs in. Only theme data leaves (app.brand_theme has no id, no
-- setting, no person). SECURITY DEFINER: anonymous callers read no table;
-- it looks up one tenant by its unique verified custom domain (only verified
-- domains are mirrored into app.organizations) or slug and returns
-- that tenant's theme alone.
CREATE OR REPLACE FUNCTION app.theme(domain text DEFAULT NULL, slug text DEFAULT NULL) RETURNS app.brand_theme
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_organization_id uuid;
  v_branding app.tenant_branding;
  v_theme app.brand_theme;
  v_logo record;
BEGIN
  IF (domain IS NULL) = (slug IS NULL) THEN
    RAISE EXCEPTION 'Name a custom domain or a slug' USING ERRCODE = 'PT400', DETAIL = 'theme.lookup_invalid',
      HINT = 'GET /rpc/theme?domain=pulse.acme.example (or ?slug=acme), one of them.';
  END IF;
  -- One branch per key, so each probes its unique index.
  IF domain IS NOT NULL THEN
    SELECT o.id INTO v_organization_id FROM app.organizations AS o
     WHERE o.custom_domain = lower(btrim(theme.domain)) AND o.is_active AND o.deleted_at IS NULL;
  ELSE
    SELECT o.id INTO v_organization_id FROM app.organizations AS o
     WHERE o.slug = theme.slug AND o.is_active AND o.deleted_at IS NULL;
  END IF;
  SELECT * INTO v_branding FROM app.tenant_branding AS b WHERE b.organization_id = v_organization_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'No theme for %', coalesce(domain, slug) USING ERRCODE = 'PT404', DETAIL = 'theme.not_found',
      HINT = 'No active organization has this custom domain (or slug): show the default Pulse theme.';
  END IF;
  SELECT * INTO v_logo FROM app_private.branding_logo(v_organization_id, v_branding.logo_attachment_id);
  SELECT v_branding.display_name, v_branding.primary_color, v_branding.secondary_color, v_branding.accent_color,
         h.family, format('"%s", %s', h.family, h.fallback_stack), b.family, format('"%s", %s', b.family, b.fallback_stack),
         v_logo.url, v_logo.expires_at
    INTO v_theme
    FROM app.branding_fonts AS h, app.branding_fonts AS b
   WHERE h.family = v_branding.heading_font AND b.family = v_branding.body_font;
  -- PostgREST sends this header with the GET: shared caches may keep the
  -- theme five minutes (the logo URL works at least an hour).
  PERFORM pg_catalog.set_config('response.headers', '[{"Cache-Control": "public, max-age=300"}]', true);
  RETURN v_theme;
END
$$;
COMMENT ON FUNCTION app.theme(text, text) IS
  E'Theme of a custom domain\nThe theme (name, colours, fonts, logo URL) of the organization whose verified custom domain (or slug) this is, for anyone, signed in or not. Nothing else about the tenant. 404 theme.not_found for a domain no active organization has verified (a claim still pending or failed included: show the default theme); 400 theme.lookup_invalid unless exactly one of domain and slug is given. Cache-Control: public, max-age=300.';
