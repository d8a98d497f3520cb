-- "Needs setup" (issue 12): the secret fields a datasource's authentication needs but has no
-- value for (an import whose file carried none), comma-separated, NULL when none. Every save
-- writes it from `DatasourceConfig::missing_secrets`; it is part of the list's covering index,
-- so listing thousands of datasources still never reads their configs. Rows saved before this
-- column existed passed validation, which asked for these secrets: NULL is right for them.
ALTER TABLE datasources ADD COLUMN needs_setup TEXT;
DROP INDEX datasources_listed;
CREATE INDEX datasources_listed ON datasources (name, id, url, auth_type, created_at, updated_at, needs_setup);
