"""i18n and feature flags over HTTP (issue #13, item 7): two people with different locales read the same stage and
each gets their own language, over PostgREST and PostGraphile; a locale Pulse does not support is refused; the string
catalog answers in the caller's language; an administrator sets a feature flag that members then read, a wrong type
and a lesser role are refused."""

from __future__ import annotations

import pytest

from helpers import World, graphql, rest

pytestmark = pytest.mark.stack

STAGE_LABELS = {"de": "Angebot erstellt", "fr": "Devis envoyé"}
SUB_STAGE_LABELS = {"de": "Technische Prüfung", "fr-CA": "Revue technique"}


def test_people_read_the_same_stage_in_their_own_language(live) -> None:
    world = World(live)
    tenant = world.workflow_tenant()
    admin = world.sign_in(world.person(tenant, "admin"))
    readers = {"de-AT": world.person(tenant, "qa"), "fr-CA": world.person(tenant, "sales"), None: world.person(tenant, "engineering")}
    tokens = {locale: world.sign_in(person) for locale, person in readers.items()}

    changed = rest(live, "PATCH", "/workflow_stages?slug=eq.quoted", admin, json={"labels": STAGE_LABELS},
                   headers={"Prefer": "return=representation"})
    assert changed.status_code == 200 and changed.json()[0]["labels"] == STAGE_LABELS, changed.text
    sub_stage_id = world.sql("select id::text from app.workflow_sub_stages where organization_id = %s and slug = 'engineering-review'",
                             tenant)
    translated = graphql(live, """mutation($id: UUID!, $labels: JSON!) {
                                    updateWorkflowSubStage(input: {rowId: $id, patch: {labels: $labels}}) {
                                      workflowSubStage { labels } } }""",
                         admin, {"id": sub_stage_id, "labels": SUB_STAGE_LABELS})
    assert translated.json().get("data") == {"updateWorkflowSubStage": {"workflowSubStage": {"labels": SUB_STAGE_LABELS}}}, translated.text
    own = rest(live, "PATCH", f"/users?id=eq.{readers['de-AT'].id}", tokens["de-AT"], json={"preferences": {"locale": "de-AT"}})
    assert own.status_code == 204, own.text
    own = graphql(live, """mutation($id: UUID!) {
                             updateUser(input: {rowId: $id, patch: {preferences: {locale: "fr-CA"}}}) { clientMutationId } }""",
                  tokens["fr-CA"], {"id": readers["fr-CA"].id})
    assert "errors" not in own.json(), own.text

    names = dict(world.rows("select slug, name from app.workflow_stages where organization_id = %s and slug in ('quoted')", tenant))
    expected_stage = {"de-AT": "Angebot erstellt", "fr-CA": "Devis envoyé", None: names["quoted"]}
    expected_sub_stage = {"de-AT": "Technische Prüfung", "fr-CA": "Revue technique", None: "Engineering Review"}
    for locale, bearer in tokens.items():
        stage = rest(live, "GET", "/workflow_stages?slug=eq.quoted&select=name,label:workflow_stages_label", bearer)
        assert stage.status_code == 200 and stage.json() == [{"name": names["quoted"], "label": expected_stage[locale]}], stage.text
        sub_stage = rest(live, "GET", "/workflow_sub_stages?slug=eq.engineering-review&select=label:workflow_sub_stages_label", bearer)
        assert sub_stage.json() == [{"label": expected_sub_stage[locale]}], sub_stage.text
        answer = graphql(live, """{ workflowStages(condition: {slug: "quoted"}) { nodes { name label } }
                                    workflowSubStages(condition: {slug: "engineering-review"}) { nodes { label } } }""", bearer)
        data = answer.json().get("data")
        assert data, answer.text
        assert data["workflowStages"]["nodes"] == [{"name": names["quoted"], "label": expected_stage[locale]}]
        assert data["workflowSubStages"]["nodes"] == [{"label": expected_sub_stage[locale]}]

    refused = rest(live, "PATCH", f"/users?id=eq.{readers['de-AT'].id}", tokens["de-AT"], json={"preferences": {"locale": "de_AT"}})
    assert (refused.status_code, refused.json()["details"]) == (422, "locale.invalid"), refused.text
    bad_label = rest(live, "PATCH", "/workflow_stages?slug=eq.quoted", admin, json={"labels": {"klingon": "x"}})
    assert (bad_label.status_code, bad_label.json()["details"]) == (422, "labels.invalid"), bad_label.text

    # The string catalog, resolved for each caller; a tenant override wins over the platform's text.
    override = graphql(live, """mutation { createI18NString(input: {i18NString: {
                                  namespace: "enum", key: "project_status.quoted", locale: "de", text: "Angebot raus"}}) {
                                  i18NString { text } } }""", admin)
    assert override.json().get("data") == {"createI18NString": {"i18NString": {"text": "Angebot raus"}}}, override.text
    also = rest(live, "POST", "/i18n_strings", admin, json={"namespace": "ui", "key": "greeting", "locale": "de", "text": "Servus"})
    assert also.status_code == 201, also.text
    for locale, text in (("de-AT", "Angebot raus"), ("fr-CA", "Devis envoyé"), (None, "Quoted")):
        strings = rest(live, "GET", "/localized_strings?namespace=eq.enum&key=eq.project_status.quoted&select=text", tokens[locale])
        assert strings.json() == [{"text": text}], (locale, strings.text)
    answer = graphql(live, '{ localizedStrings(condition: {namespace: "enum", key: "project_status.quoted"}) { nodes { text source } } }',
                     tokens["de-AT"])
    assert answer.json()["data"]["localizedStrings"]["nodes"] == [{"text": "Angebot raus", "source": "tenant"}], answer.text
    locales = rest(live, "GET", "/locales?locale=eq.de-AT")
    assert locales.json() == [{"locale": "de-AT", "name": "German (Austria)", "native_name": "Deutsch (Österreich)"}], locales.text


def test_an_administrator_sets_a_feature_flag_members_read(live) -> None:
    world = World(live)
    tenant, other = world.workflow_tenant(), world.workflow_tenant()
    admin, qa = world.sign_in(world.person(tenant, "admin")), world.sign_in(world.person(tenant, "qa"))
    outsider = world.sign_in(world.person(other, "admin"))

    flag = "/feature_flags?flag_key=eq.glp_esignatures_required&select=value,is_set"
    assert rest(live, "GET", flag, qa).json() == [{"value": False, "is_set": False}]
    denied = rest(live, "POST", "/tenant_feature_flags", qa, json={"flag_key": "glp_esignatures_required", "value": True})
    assert (denied.status_code, denied.json()["details"]) == (403, "permission.missing"), denied.text
    wrong = rest(live, "POST", "/tenant_feature_flags", admin, json={"flag_key": "glp_esignatures_required", "value": "yes"})
    assert (wrong.status_code, wrong.json()["details"]) == (422, "feature_flag.value_invalid"), wrong.text
    for value in (False, True):  # an upsert: the second one updates
        upserted = rest(live, "POST", "/tenant_feature_flags", admin, json={"flag_key": "glp_esignatures_required", "value": value},
                        headers={"Prefer": "resolution=merge-duplicates"})
        assert upserted.status_code in (200, 201), upserted.text
    assert rest(live, "GET", flag, qa).json() == [{"value": True, "is_set": True}]
    assert rest(live, "GET", flag, outsider).json() == [{"value": False, "is_set": False}], "the other tenant keeps its default"
    answer = graphql(live, '{ featureFlags(condition: {flagKey: "glp_esignatures_required"}) { nodes { value isSet } } }', qa)
    assert answer.json()["data"]["featureFlags"]["nodes"] == [{"value": True, "isSet": True}], answer.text
    history = rest(live, "GET", "/activity_log?entity_type=eq.tenant_feature_flags&select=action,new_values", admin)
    assert history.status_code == 200 and {row["action"] for row in history.json()} >= {"insert", "update"}, history.text
    create = """mutation($flag: String!, $value: JSON!) {
                  createTenantFeatureFlag(input: {tenantFeatureFlag: {flagKey: $flag, value: $value}}) {
                    tenantFeatureFlag { flagKey value } } }"""
    created = graphql(live, create, admin, {"flag": "results_review", "value": "none"})
    row = (created.json().get("data") or {}).get("createTenantFeatureFlag")
    assert row == {"tenantFeatureFlag": {"flagKey": "results_review", "value": "none"}}, created.text
    refused = graphql(live, create, admin, {"flag": "soft_delete_retention_days", "value": 0})
    assert refused.json()["errors"][0]["extensions"]["details"] == "feature_flag.value_invalid", refused.text
    reset = rest(live, "DELETE", "/tenant_feature_flags?flag_key=eq.glp_esignatures_required", admin)
    assert reset.status_code == 204, reset.text
    assert rest(live, "GET", flag, qa).json() == [{"value": False, "is_set": False}]
