-- Tags of a project as a relation of projects (the tags block,
-- db/functions/50_platform/32_tags.sql): PostgREST embeds and filters on it
-- (GET /projects?select=id,title,projects_tags!inner(name)&projects_tags.name=eq.Urgent),
-- PostGraphile shows it as Project.tags.

CREATE OR REPLACE FUNCTION app.projects_tags(project app.projects) RETURNS SETOF app.tags
LANGUAGE sql STABLE ROWS 5
AS $$
  SELECT t.*
    FROM app.entity_tags AS et
    JOIN app.tags AS t ON t.organization_id = et.organization_id AND t.id = et.tag_id
   WHERE et.organization_id = project.organization_id AND et.entity_type = 'project' AND et.entity_id = project.id
   ORDER BY t.name
$$;

COMMENT ON FUNCTION app.projects_tags(app.projects) IS
  E'Tags of a project\nThe tags on the project (entity_tags of entity type project), by name, as you may read them.';
