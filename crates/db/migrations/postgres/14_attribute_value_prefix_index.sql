-- Attribute values may be long (descriptions are attributes), and a PostgreSQL btree entry
-- must fit in about 2.7 KB, so a whole-value index refused long values with an error. The
-- index holds the first 256 characters instead: equality and IN filters probe it with the
-- same prefix of the value asked for and then compare the whole value on the rows found.
-- Both backends keep the same index so that the schemas stay comparable.
DROP INDEX product_attribute_values_lookup;
CREATE INDEX product_attribute_values_lookup
    ON product_attribute_values (tenant_id, attribute_code, substr(value, 1, 256));
