-- Notifications: each user reads and marks their own, in the active tenant;
-- the server writes them (app_private.notify). Platform operators read every
-- tenant's.
ALTER TABLE app.notifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.notifications FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.notifications TO app_user, app_admin;
GRANT UPDATE (read_at), DELETE ON app.notifications TO app_user;
CREATE POLICY notifications_own ON app.notifications FOR ALL TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND user_id = (SELECT auth.user_id()))
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND user_id = (SELECT auth.user_id()));
CREATE POLICY notifications_select_operator ON app.notifications FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

GRANT EXECUTE ON FUNCTION app.mark_notification_read(uuid), app.mark_all_notifications_read() TO app_user;

GRANT EXECUTE ON FUNCTION auth.holds_any_role(text[]) TO app_user, app_admin;

GRANT EXECUTE ON FUNCTION app.health() TO anon, app_user, app_admin;

-- Platform: what the API roles may call of the real-time channels
-- (db/functions/50_platform/30_realtime.sql). The GraphQL server asks
-- auth.realtime_event, as the subscriber, for every event; it calls the
-- topic's visibility function (defined by the domain that publishes the
-- topic), so the subscriber needs both. Not granted to anon: subscriptions
-- need a signed-in user.

GRANT EXECUTE ON FUNCTION auth.realtime_event(text, jsonb), auth.event_key(jsonb, text) TO app_user, app_admin;

-- Object storage (db/functions/50_platform/60_object_storage.sql): the
-- settings table app_private.object_storage holds the store's credentials
-- and has no grant at all; only the owner's functions read it.

-- The entity register (db/functions/50_platform/05_entities.sql): anyone
-- signed in may list the entity types; the policies of the tables that hang
-- off entities ask auth.can_see_entity (USING) and auth.check_entity (WITH
-- CHECK), as the caller.
GRANT SELECT ON app.entity_types TO app_user, app_admin;
GRANT EXECUTE ON FUNCTION auth.entity_registration(text), auth.can_see_entity(text, uuid), auth.check_entity(text, uuid),
  auth.entity_title(text, uuid) TO app_user, app_admin;

-- Labels in the caller's language (db/functions/50_platform/07_localized.sql).
GRANT EXECUTE ON FUNCTION auth.locale(), auth.localized(text, jsonb) TO anon, app_user, app_admin;

-- The operations registers (db/functions/50_platform/80_equipment.sql,
-- 82_competence.sql, 84_downtime.sql). Equipment is site-scoped: a member
-- reads it with equipment.read for the whole tenant, or at the equipment's
-- site (auth.permitted_site_ids); equipment without a site needs the
-- tenant-wide permission. Calibrations, uses and stops are seen with the
-- equipment they belong to (the EXISTS reads app.equipment under its own
-- policy, as the caller). Writes that depend on the site are checked, with
-- the reason, by the tables' _200_prepare triggers (auth.check_permission_at);
-- the policies say the same as booleans. Classes, reason codes and
-- qualifications are the tenant's configuration: every staff member reads them.

ALTER TABLE app.equipment_classes ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.equipment_classes FORCE ROW LEVEL SECURITY;
GRANT SELECT, DELETE ON app.equipment_classes TO app_user;
GRANT INSERT (organization_id, code, name, labels, kind, requires_calibration, calibration_interval_days, due_soon_days, is_active),
      UPDATE (code, name, labels, kind, requires_calibration, calibration_interval_days, due_soon_days, is_active)
   ON app.equipment_classes TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id) ON app.equipment_classes TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.equipment_classes TO app_admin;
CREATE POLICY equipment_classes_select_staff ON app.equipment_classes FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY equipment_classes_insert_manager ON app.equipment_classes FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('equipment.manage')));
CREATE POLICY equipment_classes_update_manager ON app.equipment_classes FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('equipment.manage')))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY equipment_classes_delete_manager ON app.equipment_classes FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('equipment.manage')));
CREATE POLICY equipment_classes_all_operator ON app.equipment_classes FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.equipment ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.equipment FORCE ROW LEVEL SECURITY;
GRANT SELECT, DELETE ON app.equipment TO app_user;
GRANT INSERT (organization_id, equipment_number, name, class_id, site_id, status, parent_id, manufacturer, model, serial_number,
              location, notes),
      UPDATE (name, class_id, site_id, status, parent_id, manufacturer, model, serial_number, location, notes)
   ON app.equipment TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id) ON app.equipment TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.equipment TO app_admin;
CREATE POLICY equipment_select_reader ON app.equipment FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND ((SELECT auth.has_permission('equipment.read'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('equipment.read'))::uuid[])));
CREATE POLICY equipment_insert_manager ON app.equipment FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id())
              AND ((SELECT auth.has_permission('equipment.manage'))
                   OR site_id = ANY ((SELECT auth.permitted_site_ids('equipment.manage'))::uuid[])));
CREATE POLICY equipment_update_manager ON app.equipment FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND ((SELECT auth.has_permission('equipment.manage'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('equipment.manage'))::uuid[])))
  WITH CHECK (organization_id = (SELECT auth.org_id())
              AND ((SELECT auth.has_permission('equipment.manage'))
                   OR site_id = ANY ((SELECT auth.permitted_site_ids('equipment.manage'))::uuid[])));
CREATE POLICY equipment_delete_manager ON app.equipment FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND ((SELECT auth.has_permission('equipment.manage'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('equipment.manage'))::uuid[])));
CREATE POLICY equipment_all_operator ON app.equipment FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.calibrations ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.calibrations FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.calibrations TO app_user;
GRANT INSERT (organization_id, id, equipment_id, performed_at, valid_from, valid_to, result, as_found, as_left, certificate_number,
              certificate_key, certificate_document_id, performed_by_user_id, performed_by_partner_id, notes)
   ON app.calibrations TO app_user;
GRANT SELECT, INSERT ON app.calibrations TO app_admin;
CREATE POLICY calibrations_select_reader ON app.calibrations FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.equipment AS e WHERE e.organization_id = calibrations.organization_id AND e.id = calibrations.equipment_id
                        AND ((SELECT auth.has_permission('equipment.read'))
                             OR e.site_id = ANY ((SELECT auth.permitted_site_ids('equipment.read'))::uuid[]))));
CREATE POLICY calibrations_insert_recorder ON app.calibrations FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id())
              AND EXISTS (SELECT FROM app.equipment AS e WHERE e.organization_id = calibrations.organization_id
                             AND e.id = calibrations.equipment_id AND ((SELECT auth.has_permission('calibration.record'))
                                  OR e.site_id = ANY ((SELECT auth.permitted_site_ids('calibration.record'))::uuid[]))));
CREATE POLICY calibrations_all_operator ON app.calibrations FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.equipment_uses ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.equipment_uses FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.equipment_uses TO app_user;
GRANT INSERT (organization_id, id, equipment_id, entity_type, entity_id, used_at) ON app.equipment_uses TO app_user;
GRANT SELECT, INSERT ON app.equipment_uses TO app_admin;
CREATE POLICY equipment_uses_select_reader ON app.equipment_uses FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.equipment AS e WHERE e.organization_id = equipment_uses.organization_id AND e.id = equipment_uses.equipment_id
                        AND ((SELECT auth.has_permission('equipment.read'))
                             OR e.site_id = ANY ((SELECT auth.permitted_site_ids('equipment.read'))::uuid[])))
         AND (SELECT auth.can_see_entity(entity_type, entity_id)));
CREATE POLICY equipment_uses_insert_user ON app.equipment_uses FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND used_by = (SELECT auth.user_id())
              AND EXISTS (SELECT FROM app.equipment AS e WHERE e.organization_id = equipment_uses.organization_id AND e.id = equipment_uses.equipment_id)
              AND (SELECT auth.check_entity(entity_type, entity_id)));
CREATE POLICY equipment_uses_all_operator ON app.equipment_uses FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

GRANT SELECT ON app.equipment_calibration_status TO app_user, app_admin;
GRANT EXECUTE ON FUNCTION auth.check_permission_at(text, uuid),
  auth.calibration_status(uuid, uuid, timestamptz) TO app_user, app_admin;
GRANT EXECUTE ON FUNCTION app.equipment_tree(uuid), app.equipment_uses_since_last_good_calibration(uuid) TO app_user, app_admin;

ALTER TABLE app.qualifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.qualifications FORCE ROW LEVEL SECURITY;
GRANT SELECT, DELETE ON app.qualifications TO app_user;
GRANT INSERT (organization_id, code, name, labels, kind, description, validity_days, is_active),
      UPDATE (code, name, labels, kind, description, validity_days, is_active) ON app.qualifications TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id) ON app.qualifications TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.qualifications TO app_admin;
CREATE POLICY qualifications_select_staff ON app.qualifications FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY qualifications_insert_manager ON app.qualifications FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('competence.manage')));
CREATE POLICY qualifications_update_manager ON app.qualifications FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('competence.manage')))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY qualifications_delete_manager ON app.qualifications FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('competence.manage')));
CREATE POLICY qualifications_all_operator ON app.qualifications FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

-- People's qualifications and training: one's own, everybody's with
-- competence.read; written with competence.manage; revoked, never deleted.
ALTER TABLE app.person_qualifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.person_qualifications FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.person_qualifications TO app_user;
GRANT INSERT (organization_id, user_id, qualification_id, level, valid_from, valid_to, evidence, evidence_document_id),
      UPDATE (level, valid_from, valid_to, evidence, evidence_document_id) ON app.person_qualifications TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, user_id, qualification_id) ON app.person_qualifications TO app_user;
GRANT SELECT, INSERT, UPDATE ON app.person_qualifications TO app_admin;
CREATE POLICY person_qualifications_select_self_or_reader ON app.person_qualifications FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND (user_id = (SELECT auth.user_id()) OR (SELECT auth.has_permission('competence.read'))));
CREATE POLICY person_qualifications_insert_manager ON app.person_qualifications FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('competence.manage')));
CREATE POLICY person_qualifications_update_manager ON app.person_qualifications FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('competence.manage')))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY person_qualifications_all_operator ON app.person_qualifications FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.training_requirements ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.training_requirements FORCE ROW LEVEL SECURITY;
GRANT SELECT, DELETE ON app.training_requirements TO app_user;
GRANT INSERT (organization_id, document_id, role_id, retrain_days, due_within_days),
      UPDATE (retrain_days, due_within_days) ON app.training_requirements TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, document_id, role_id) ON app.training_requirements TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.training_requirements TO app_admin;
CREATE POLICY training_requirements_select_staff ON app.training_requirements FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY training_requirements_insert_manager ON app.training_requirements FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('competence.manage')));
CREATE POLICY training_requirements_update_manager ON app.training_requirements FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('competence.manage')))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY training_requirements_delete_manager ON app.training_requirements FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('competence.manage')));
CREATE POLICY training_requirements_all_operator ON app.training_requirements FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.training_records ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.training_records FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.training_records TO app_user;
GRANT INSERT (organization_id, id, user_id, document_version_id, completed_at, expires_at, trainer_id, notes)
   ON app.training_records TO app_user;
GRANT SELECT, INSERT ON app.training_records TO app_admin;
CREATE POLICY training_records_select_self_or_reader ON app.training_records FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND (user_id = (SELECT auth.user_id()) OR (SELECT auth.has_permission('competence.read'))));
CREATE POLICY training_records_insert_manager ON app.training_records FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('competence.manage')));
CREATE POLICY training_records_all_operator ON app.training_records FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

GRANT SELECT ON app.current_qualifications, app.training_due TO app_user, app_admin;
GRANT EXECUTE ON FUNCTION app.revoke_qualification(uuid, text) TO app_user;
GRANT EXECUTE ON FUNCTION auth.holds_qualification(text) TO app_user, app_admin;

ALTER TABLE app.downtime_reasons ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.downtime_reasons FORCE ROW LEVEL SECURITY;
GRANT SELECT, DELETE ON app.downtime_reasons TO app_user;
GRANT INSERT (organization_id, code, name, labels, is_planned, is_breakdown, position, is_active),
      UPDATE (code, name, labels, is_planned, is_breakdown, position, is_active) ON app.downtime_reasons TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id) ON app.downtime_reasons TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.downtime_reasons TO app_admin;
CREATE POLICY downtime_reasons_select_staff ON app.downtime_reasons FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY downtime_reasons_insert_manager ON app.downtime_reasons FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('equipment.manage')));
CREATE POLICY downtime_reasons_update_manager ON app.downtime_reasons FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('equipment.manage')))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY downtime_reasons_delete_manager ON app.downtime_reasons FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('equipment.manage')));
CREATE POLICY downtime_reasons_all_operator ON app.downtime_reasons FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.downtime_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.downtime_events FORCE ROW LEVEL SECURITY;
GRANT SELECT, DELETE ON app.downtime_events TO app_user;
GRANT INSERT (organization_id, equipment_id, started_at, ended_at, reason_id, in_production_schedule, is_planned, is_breakdown, notes),
      UPDATE (started_at, ended_at, reason_id, in_production_schedule, is_planned, is_breakdown, notes) ON app.downtime_events TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, equipment_id) ON app.downtime_events TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.downtime_events TO app_admin;
CREATE POLICY downtime_events_select_reader ON app.downtime_events FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.equipment AS e WHERE e.organization_id = downtime_events.organization_id AND e.id = downtime_events.equipment_id
                        AND ((SELECT auth.has_permission('equipment.read'))
                             OR e.site_id = ANY ((SELECT auth.permitted_site_ids('equipment.read'))::uuid[]))));
CREATE POLICY downtime_events_insert_recorder ON app.downtime_events FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id())
              AND EXISTS (SELECT FROM app.equipment AS e WHERE e.organization_id = downtime_events.organization_id
                             AND e.id = downtime_events.equipment_id AND ((SELECT auth.has_permission('downtime.record'))
                                  OR e.site_id = ANY ((SELECT auth.permitted_site_ids('downtime.record'))::uuid[]))));
CREATE POLICY downtime_events_update_recorder ON app.downtime_events FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.equipment AS e WHERE e.organization_id = downtime_events.organization_id
                        AND e.id = downtime_events.equipment_id AND ((SELECT auth.has_permission('downtime.record'))
                                  OR e.site_id = ANY ((SELECT auth.permitted_site_ids('downtime.record'))::uuid[]))))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY downtime_events_delete_recorder ON app.downtime_events FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.equipment AS e WHERE e.organization_id = downtime_events.organization_id
                        AND e.id = downtime_events.equipment_id AND ((SELECT auth.has_permission('downtime.record'))
                                  OR e.site_id = ANY ((SELECT auth.permitted_site_ids('downtime.record'))::uuid[]))));
CREATE POLICY downtime_events_all_operator ON app.downtime_events FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

GRANT EXECUTE ON FUNCTION app.equipment_reliability(uuid, timestamptz, timestamptz) TO app_user, app_admin;
