-- Fills the tenants ranked :first .. :last of app_private.bench_search_tenants
-- with 50,000 projects each, set-based and with triggers off
-- (session_replication_role = replica): human ids PRJ-100001.., a title of
-- three words and a lot, a description of twelve words from a mixed
-- English/German/French vocabulary and one rare part code (about ten rows
-- per tenant share one). The search_vector column is generated as on any
-- insert. Not written: supertype rows, transitions, progress, audit, which
-- search does not read.
-- psql -v first=1 -v last=5 -f bench/search_load.sql

SET session_replication_role = replica;

INSERT INTO app.projects (organization_id, id, project_number, title, description, workflow_definition_id, current_stage_id,
                          status, priority, stage_entered_at, created_at, updated_at)
SELECT t.organization_id, public.uuid_generate_v7(), 'PRJ-' || (100000 + g),
       format('%s %s %s, lot %s', w.words[1 + (g * 7) % 40], w.words[41 + (g * 13) % 40], w.words[81 + (g * 17) % 40], g),
       array_to_string(ARRAY(SELECT w.words[1 + ((g * 7919 + k * 104729 + t.rank * 31) % 120)] FROM generate_series(1, 12) AS k), ' ')
         || ' part zx' || (g * 37 + t.rank) % 5000,
       t.definition_id, t.stage_id, 'inquiry', 'normal', now(), now(), now()
  FROM app_private.bench_search_tenants AS t
 CROSS JOIN generate_series(1, 50000) AS g
 CROSS JOIN (SELECT ARRAY[
   'bracket', 'housing', 'manifold', 'gear', 'sensor', 'enclosure', 'heatsink', 'valve', 'shaft', 'panel',
   'flange', 'bushing', 'impeller', 'cover', 'frame', 'spindle', 'nozzle', 'coupling', 'bearing', 'clamp',
   'gehäuse', 'welle', 'deckel', 'halter', 'ventil', 'rahmen', 'zahnrad', 'lager', 'platte', 'stift',
   'boîtier', 'arbre', 'couvercle', 'support', 'vanne', 'cadre', 'engrenage', 'palier', 'plaque', 'goupille',
   'prototype', 'series', 'rework', 'pilot', 'spare', 'sample', 'batch', 'repair', 'retrofit', 'revision',
   'muster', 'serie', 'nacharbeit', 'ersatzteil', 'reparatur', 'änderung', 'prototyp', 'charge', 'nullserie', 'umbau',
   'échantillon', 'série', 'reprise', 'rechange', 'réparation', 'lot', 'essai', 'modification', 'pièce', 'outillage',
   'anodised', 'zinc', 'plated', 'machined', 'cast', 'forged', 'welded', 'painted', 'hardened', 'polished',
   'aluminium', 'steel', 'stainless', 'brass', 'titanium', 'copper', 'polymer', 'ceramic', 'composite', 'rubber',
   'eloxiert', 'verzinkt', 'gefräst', 'gegossen', 'geschmiedet', 'geschweißt', 'lackiert', 'gehärtet', 'poliert', 'gedreht',
   'tolerance', 'drawing', 'inspection', 'deadline', 'customer', 'supplier', 'quote', 'delivery', 'approval', 'tooling',
   'toleranz', 'zeichnung', 'prüfung', 'termin', 'kunde', 'lieferant', 'angebot', 'lieferung', 'freigabe', 'werkzeug'
 ] AS words) AS w
 WHERE t.rank BETWEEN :first AND :last;
