-- Tenant branding: every tenant has its row from provisioning; members read
-- it, holders of branding.manage change it (colours normalized, fonts from
-- the list, a custom domain that is a bare host name and no other tenant's,
-- a stored image attached to the branding as logo); another tenant and a
-- portal user change nothing. app.theme serves the theme alone to anyone,
-- anonymous callers included, by custom domain or slug.
BEGIN;
SELECT plan(48);

INSERT INTO app_private.object_storage (endpoint, region, bucket, access_key_id, secret_access_key)
VALUES ('http://127.0.0.1:9000', 'us-east-1', 'pulse-files', 'AKID', 'secret');
SELECT tests.remember('a', tests.create_tenant('Alpha Works'));
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('admin', tests.create_member(tests.recall('a'), 'admin'));
SELECT tests.remember('qa', tests.create_member(tests.recall('a'), 'qa'));
SELECT tests.remember('portal', tests.create_member(tests.recall('a'), 'customer_portal',
                                                    p_partner_id => tests.create_partner(tests.recall('a'))));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));
SELECT tests.remember('branding', (SELECT id FROM app.tenant_branding WHERE organization_id = tests.recall('a')));

-- Provisioning.
SELECT is((SELECT (display_name, primary_color, heading_font, custom_domain IS NULL)::text FROM app.tenant_branding
            WHERE organization_id = tests.recall('a')), '("Alpha Works",#1f2937,Inter,t)',
  'a new tenant has its branding row: its name, the default colours and fonts, no domain');
SELECT is((SELECT count(*)::int FROM app_private.entities WHERE entity_type = 'branding' AND id = tests.recall('branding')), 1,
  'the branding row is an entity (its logo is an attachment on it)');
INSERT INTO app.organizations (slug, name, branding) VALUES ('branded-' || tests.unique_suffix(), 'Gamma Ltd',
  '{"display_name": "Gamma", "primary_color": "#ABCDEF", "logo_url": "https://cdn.gamma.example/logo.svg"}');
SELECT is((SELECT (b.display_name, b.primary_color, b.accent_color)::text FROM app.tenant_branding AS b
             JOIN app.organizations AS o ON o.id = b.organization_id WHERE o.name = 'Gamma Ltd'), '(Gamma,#abcdef,#2563eb)',
  'a tenant made with organization branding starts from it');
SELECT is((SELECT logo_url FROM app.theme(slug => (SELECT slug FROM app.organizations WHERE name = 'Gamma Ltd'))),
  'https://cdn.gamma.example/logo.svg', 'without a stored logo the theme gives the organization''s https logo_url');

-- Members read it; a member without branding.manage changes nothing.
SELECT tests.act_as(tests.recall('qa'), tests.recall('a'));
SELECT ok((SELECT count(*) FROM app.branding_fonts WHERE family IN ('Inter', 'IBM Plex Sans')) = 2, 'a member reads the font list');
SELECT is((SELECT display_name FROM app.tenant_branding), 'Alpha Works', 'a member reads the branding');
SELECT is(tests.refusal($$UPDATE app.tenant_branding SET primary_color = '#000000'$$), 'PT403 permission.missing',
  'a member without branding.manage cannot change it');
SELECT tests.act_as(tests.recall('portal'), tests.recall('a'));
SELECT is((SELECT count(*)::int FROM app.tenant_branding), 1, 'a portal user reads the branding (the theme is theirs too)');
SELECT is_empty($$UPDATE app.tenant_branding SET primary_color = '#000000' RETURNING 1$$, 'a portal user changes nothing');

-- The administrator changes it; colours are normalized.
SELECT tests.act_as(tests.recall('admin'), tests.recall('a'));
UPDATE app.tenant_branding SET primary_color = '#D7263D', secondary_color = '#0aF', accent_color = '#1B998B',
                               heading_font = 'IBM Plex Sans', body_font = 'Source Sans 3', display_name = '  Alpha  ';
SELECT is((SELECT (primary_color, secondary_color, accent_color, heading_font, body_font, display_name, updated_by)::text
             FROM app.tenant_branding),
  format('(#d7263d,#00aaff,#1b998b,"IBM Plex Sans","Source Sans 3",Alpha,%s)', tests.recall('admin')),
  'colours are stored as lower-case #rrggbb (#rgb expanded), the name trimmed, who changed it kept');
SELECT is(tests.refusal($$UPDATE app.tenant_branding SET primary_color = 'red'$$), 'PT422 branding.color_invalid', 'a colour name is refused');
SELECT is(tests.refusal($$UPDATE app.tenant_branding SET accent_color = '#12345'$$), 'PT422 branding.color_invalid', 'five hex digits are refused');
SELECT is(tests.refusal($$UPDATE app.tenant_branding SET secondary_color = '#GGGGGG'$$), 'PT422 branding.color_invalid', 'non-hex digits are refused');
SELECT is(tests.refusal($$UPDATE app.tenant_branding SET heading_font = 'Comic Sans MS'$$), 'PT422 branding.font_unknown',
  'a font outside the list is refused');
SELECT is(tests.refusal($$UPDATE app.tenant_branding SET body_font = 'x; } body { display: none'$$), 'PT422 branding.font_unknown',
  'so is CSS in a font name');
SELECT is(tests.refusal($$UPDATE app.tenant_branding SET display_name = '   '$$), 'PT422 branding.display_name_length',
  'a blank display name is refused');
SELECT is(tests.refusal(format($$UPDATE app.tenant_branding SET organization_id = %L$$, tests.recall('b'))), '42501',
  'the branding stays with its tenant (no API role may update its keys)');

-- The custom domain: a bare host name, lower-cased, one tenant's alone.
UPDATE app.tenant_branding SET custom_domain = ' Pulse.Alpha.EXAMPLE ';
SELECT is((SELECT custom_domain FROM app.tenant_branding), 'pulse.alpha.example', 'the domain is stored trimmed and lower-case');
-- Proven (test_domain_verification.sql has the DNS side): mirrored on the organization.
SELECT tests.act_as_owner();
SELECT app_private.record_domain_check(tests.recall('a'), 'pulse.alpha.example',
                                       ARRAY[(SELECT domain_token FROM app.tenant_branding WHERE organization_id = tests.recall('a'))], NULL);
SELECT tests.act_as(tests.recall('admin'), tests.recall('a'));
SELECT is((SELECT custom_domain FROM app.organizations WHERE id = tests.recall('a')), 'pulse.alpha.example',
  'once verified it is mirrored on the organization, where it is unique across tenants');
SELECT is(tests.refusal($$UPDATE app.tenant_branding SET custom_domain = 'https://pulse.alpha.example'$$),
  'PT422 branding.domain_invalid', 'no scheme');
SELECT is(tests.refusal($$UPDATE app.tenant_branding SET custom_domain = 'pulse.alpha.example:8443'$$),
  'PT422 branding.domain_invalid', 'no port');
SELECT is(tests.refusal($$UPDATE app.tenant_branding SET custom_domain = 'pulse.alpha.example/login'$$),
  'PT422 branding.domain_invalid', 'no path');
SELECT is(tests.refusal($$UPDATE app.tenant_branding SET custom_domain = '10.0.0.1'$$), 'PT422 branding.domain_invalid', 'no IP address');
SELECT is(tests.refusal($$UPDATE app.tenant_branding SET custom_domain = 'localhost'$$), 'PT422 branding.domain_invalid',
  'at least two labels');
SELECT is(tests.refusal($$UPDATE app.tenant_branding SET custom_domain = '-bad.example'$$), 'PT422 branding.domain_invalid',
  'no label starts with a hyphen');
SELECT is(tests.refusal(format($$UPDATE app.tenant_branding SET custom_domain = '%s.example'$$, repeat('a', 64))),
  'PT422 branding.domain_invalid', 'labels have at most 63 characters');

SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is(tests.refusal($$UPDATE app.tenant_branding SET custom_domain = 'PULSE.alpha.example'$$), 'PT409 branding.domain_taken',
  'another tenant cannot take the domain, whatever its case');
SELECT is_empty(format($$SELECT FROM app.tenant_branding WHERE organization_id = %L$$, tests.recall('a')),
  'another tenant does not see A''s branding');
SELECT is_empty(format($$UPDATE app.tenant_branding SET primary_color = '#000000' WHERE organization_id = %L RETURNING 1$$, tests.recall('a')),
  'nor changes it');
SELECT tests.act_as(tests.recall('admin'), tests.recall('a'));
UPDATE app.tenant_branding SET custom_domain = NULL;
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
UPDATE app.tenant_branding SET custom_domain = 'pulse.alpha.example';
SELECT is((SELECT custom_domain || ' ' || domain_status FROM app.tenant_branding), 'pulse.alpha.example pending',
  'a domain released is free for another tenant to claim (and prove)');

-- The logo: a stored image attached to the branding.
SELECT tests.act_as(tests.recall('admin'), tests.recall('a'));
SELECT tests.remember('notes', tests.attach('branding', tests.recall('branding'), 'notes.txt', 'not a logo'));
SELECT tests.store_attachment(tests.recall('notes'));
INSERT INTO app.attachments (entity_type, entity_id, file_name, mime_type, size_bytes, sha256)
VALUES ('branding', tests.recall('branding'), 'logo.png', 'image/png', 4, tests.sha256_of('logo'));
SELECT tests.remember('logo', (SELECT id FROM app.attachments WHERE file_name = 'logo.png'));
SELECT is(tests.refusal(format($$UPDATE app.tenant_branding SET logo_attachment_id = %L$$, tests.recall('logo'))),
  'PT422 branding.logo_invalid', 'a logo not yet stored is refused');
SELECT is(tests.refusal(format($$UPDATE app.tenant_branding SET logo_attachment_id = %L$$, tests.recall('notes'))),
  'PT422 branding.logo_invalid', 'a text file is not a logo');
SELECT tests.store_attachment(tests.recall('logo'));
UPDATE app.tenant_branding SET logo_attachment_id = tests.recall('logo');
SELECT is((SELECT logo_attachment_id FROM app.tenant_branding), tests.recall('logo'), 'a stored image attached to the branding is the logo');
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is(tests.refusal(format($$UPDATE app.tenant_branding SET logo_attachment_id = %L$$, tests.recall('logo'))),
  'PT422 branding.logo_invalid', 'another tenant cannot point at A''s logo');

-- The theme, for anyone.
SELECT tests.act_as(tests.recall('admin'), tests.recall('a'));
UPDATE app.tenant_branding SET custom_domain = 'alpha.pulse.localhost';
SELECT tests.act_as_owner();
SELECT app_private.record_domain_check(tests.recall('a'), 'alpha.pulse.localhost',
                                       ARRAY[(SELECT domain_token FROM app.tenant_branding WHERE organization_id = tests.recall('a'))], NULL);
SELECT set_config('test.slug_a', slug, true) FROM app.organizations WHERE id = tests.recall('a');
SELECT tests.act_as_anon();
SELECT is((SELECT (name, primary_color, secondary_color, accent_color, heading_font, heading_font_stack, body_font_stack)::text
             FROM app.theme(domain => 'Alpha.Pulse.Localhost')),
  '(Alpha,#d7263d,#00aaff,#1b998b,"IBM Plex Sans","""IBM Plex Sans"", system-ui, sans-serif","""Source Sans 3"", system-ui, sans-serif")',
  'an anonymous caller gets the theme of a custom domain (any case)');
SELECT is((SELECT t FROM app.theme(domain => 'alpha.pulse.localhost') AS t),
          (SELECT t FROM app.theme(slug => current_setting('test.slug_a')) AS t), 'or of a slug');
SELECT matches((SELECT logo_url FROM app.theme('alpha.pulse.localhost')),
  format('^http://127\.0\.0\.1:9000/pulse-files/tenants/%s/attachments/%s/logo\.png\?X-Amz-Algorithm=AWS4-HMAC-SHA256&.*X-Amz-Expires=7200&.*X-Amz-Signature=[0-9a-f]{64}$',
         tests.recall('a'), tests.recall('logo')),
  'the logo URL is a presigned GET of the stored logo');
SELECT is((SELECT logo_url_expires_at FROM app.theme('alpha.pulse.localhost')), date_trunc('hour', now()) + interval '2 hours',
  'signed from the start of the hour, so the URL is the same all hour and cacheable');
SELECT is((SELECT array_agg(attname::text ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'app.brand_theme'::regclass AND attnum > 0),
  ARRAY['name', 'primary_color', 'secondary_color', 'accent_color', 'heading_font', 'heading_font_stack', 'body_font',
        'body_font_stack', 'logo_url', 'logo_url_expires_at'],
  'the theme is theme data alone: no ids, settings or people');
SELECT is(current_setting('response.headers', true), '[{"Cache-Control": "public, max-age=300"}]',
  'PostgREST is told the theme may be cached five minutes');
SELECT is(tests.refusal($$SELECT app.theme('nobody.example')$$), 'PT404 theme.not_found', 'an unknown domain is not found');
SELECT is(tests.refusal($$SELECT app.theme()$$), 'PT400 theme.lookup_invalid', 'a domain or a slug is needed');
SELECT is(tests.refusal($$SELECT app.theme('alpha.pulse.localhost', 'x')$$), 'PT400 theme.lookup_invalid', 'not both');
SELECT is(tests.refusal($$SELECT FROM app.tenant_branding$$), '42501', 'anonymous callers read no branding row');
SELECT is(tests.refusal($$SELECT FROM app.branding_fonts$$), '42501', 'the font list is for those who edit a branding (the theme carries its stacks)');
SELECT tests.act_as_owner();
UPDATE app.organizations SET is_active = false WHERE id = tests.recall('a');
SELECT tests.act_as_anon();
SELECT is(tests.refusal($$SELECT app.theme('alpha.pulse.localhost')$$), 'PT404 theme.not_found', 'a suspended tenant has no theme');

SELECT tests.act_as(tests.create_operator());
SELECT is((SELECT count(*)::int FROM app.tenant_branding WHERE organization_id IN (tests.recall('a'), tests.recall('b'))), 2,
  'a platform operator reads every tenant''s branding');

-- Audited.
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM audit.activity_log WHERE organization_id = tests.recall('a') AND entity_type = 'tenant_branding'
             AND action = 'update'), 7, 'every change is in the activity log (the two verifications too)');

SELECT * FROM finish();
ROLLBACK;
