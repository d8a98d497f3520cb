-- Issue 13: what the token panel shows and the refresh client authentication default.
--
-- The OpenID Connect ID token, sealed like the other tokens (slot `token.idToken`), so its
-- header and claims can be shown; and the last failed refresh or re-fetch (a JSON object of the
-- time, grant, scrubbed message, the provider's error and the field to check), cleared when
-- tokens are obtained again.
ALTER TABLE oauth_tokens ADD COLUMN id_token BLOB;
ALTER TABLE oauth_tokens ADD COLUMN last_error TEXT;

-- The last 50 calls to the token and revocation endpoints per datasource (older rows are
-- deleted as new ones come). No secret: the endpoint without its query, the provider's scrubbed
-- error code and description.
CREATE TABLE token_calls (
    id             INTEGER PRIMARY KEY,
    datasource_id  TEXT    NOT NULL REFERENCES datasources (id) ON DELETE CASCADE,
    at             INTEGER NOT NULL,
    grant_type     TEXT    NOT NULL,
    endpoint       TEXT    NOT NULL,
    status         INTEGER,
    duration_ms    INTEGER NOT NULL,
    error          TEXT,
    description    TEXT
);
CREATE INDEX token_calls_by_datasource ON token_calls (datasource_id, id);

-- "Send client credentials with (on refresh token)" now defaults to `same` (as Client
-- Authentication). Every stored OAuth 2.0 config wrote `body`, the old default, whether a
-- person chose it or not, so a stored `body` cannot tell: it becomes `same`. With Client
-- Authentication in the body that sends exactly what it did; with the Basic header it is the
-- fix for refreshes refused with `invalid_client`. A stored `header` was always a choice: kept.
UPDATE datasources
   SET config = json_set(config, '$.auth.refreshClientAuthentication', 'same')
 WHERE json_extract(config, '$.auth.type') = 'oauth2'
   AND json_extract(config, '$.auth.refreshClientAuthentication') = 'body';
