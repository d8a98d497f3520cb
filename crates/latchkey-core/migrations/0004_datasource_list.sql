-- The datasource list (name order, without the config column) read from one covering index,
-- so listing thousands of datasources never reads their configs.
CREATE INDEX datasources_listed ON datasources (name, id, url, auth_type, created_at, updated_at);
