GRANT EXECUTE ON FUNCTION app.health() TO anon, app_user, app_admin;
