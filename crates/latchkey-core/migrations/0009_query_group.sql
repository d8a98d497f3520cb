-- The group of a saved query (issue 12): the folder path it came from (a Postman folder `A/B`,
-- an OpenAPI tag), so that an imported collection keeps its shape. NULL when it has none: every
-- query saved before this column existed, and every query saved by hand. A save that gives no
-- group keeps the stored one, so editing an imported query does not lose its folder.
ALTER TABLE queries ADD COLUMN group_name TEXT;
