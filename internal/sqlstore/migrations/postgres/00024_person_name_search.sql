-- +goose Up
-- A search by surname is a range on the name (docs/console.md, Speed).
-- With the name alone in the index, every match was looked up in the
-- table to test its region and death: a common surname in one county
-- read a hundred thousand rows. With the region and the death date
-- beside the name, the range is filtered inside the index. The name is
-- indexed in code-point order (COLLATE "C"), the order the range assumes
-- whatever the database's collation (zh_CN.UTF-8 does not sort by code
-- point).
DROP INDEX persons_name;
CREATE INDEX persons_name_region ON persons (name COLLATE "C", region_code, death_date);

-- +goose Down
DROP INDEX persons_name_region;
CREATE INDEX persons_name ON persons (name);
