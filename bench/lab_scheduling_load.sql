-- Instrument scheduling bench, on the demo data of a throw-away database
-- (bench/lab_scheduling.sh): Northwind gets :instruments HPLCs at Lab A
-- (calibrated, operators need hplc-operator), the first ten open Mon-Fri
-- 07:00-19:00 with a weekly maintenance block, and :per_instrument bookings
-- each (2 hours every 6 hours, from 100 days ago on), bulk-loaded with the
-- row triggers off (the exclusion constraint still holds); plus an
-- instrument of its own for the race. public.bench_instruments numbers them.
\set ON_ERROR_STOP on

CREATE TABLE public.bench_instruments (n integer PRIMARY KEY, equipment_id uuid NOT NULL);
GRANT SELECT ON public.bench_instruments TO app_user;

INSERT INTO app.equipment (organization_id, name, class_id, site_id, serial_number)
SELECT o.id, 'Bench HPLC ' || g, c.id, s.id, 'BENCH-' || g
  FROM app.organizations AS o
  JOIN app.equipment_classes AS c ON c.organization_id = o.id AND c.code = 'hplc'
  JOIN app.sites AS s ON s.organization_id = o.id AND s.code = 'LAB-A'
 CROSS JOIN generate_series(0, :instruments) AS g
 WHERE o.slug = 'northwind-labs';
INSERT INTO public.bench_instruments (n, equipment_id)
SELECT substr(serial_number, 7)::integer, id FROM app.equipment WHERE serial_number LIKE 'BENCH-%';
INSERT INTO app.calibrations (organization_id, equipment_id, performed_at, result, performed_by_user_id)
SELECT e.organization_id, e.id, now() - interval '1 day', 'pass', (SELECT id FROM app.users WHERE email = 'lab_manager@northwind.test')
  FROM app.equipment AS e JOIN public.bench_instruments AS b ON b.equipment_id = e.id;
INSERT INTO app.instrument_blocks (organization_id, equipment_id, kind, title, first_start, duration, recurrence)
SELECT e.organization_id, e.id, k.kind::app.instrument_block_kind, k.title, date_trunc('week', now()) - interval '4 weeks' + k.starts, k.length, k.rule
  FROM app.equipment AS e JOIN public.bench_instruments AS b ON b.equipment_id = e.id AND b.n BETWEEN 1 AND 10
 CROSS JOIN (VALUES ('availability', 'Opening hours', interval '7 hours', interval '12 hours', 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR'),
                    ('maintenance', 'Weekly check', interval '7 hours', interval '1 hour', 'FREQ=WEEKLY;BYDAY=MO')) AS k (kind, title, starts, length, rule);

SET session_replication_role = replica;
INSERT INTO app.instrument_reservations (organization_id, id, equipment_id, user_id, booked_by, purpose, during)
SELECT e.organization_id, gen_random_uuid(), e.id, u.id, u.id, 'Bench run ' || k,
       tstzrange(date_trunc('hour', now()) - interval '100 days' + k * interval '6 hours',
                 date_trunc('hour', now()) - interval '100 days' + k * interval '6 hours' + interval '2 hours')
  FROM public.bench_instruments AS b
  JOIN app.equipment AS e ON e.id = b.equipment_id
 CROSS JOIN (SELECT id FROM app.users WHERE email = 'lab_tech@northwind.test') AS u
 CROSS JOIN generate_series(0, :per_instrument - 1) AS k
 WHERE b.n >= 1;
RESET session_replication_role;
ANALYZE app.instrument_reservations;
ANALYZE app.instrument_blocks;
ANALYZE app.equipment;
