-- +goose Up
-- A search by surname is a range on the name (docs/console.md, Speed).
-- With the name alone in the index, every match was looked up in the
-- table to test its region and death: a common surname in one county
-- read a hundred thousand rows (226 ms on the prefecture's database).
-- With the region and the death date beside the name, the range is
-- filtered inside the index and only the page's rows are read.
DROP INDEX persons_name;
CREATE INDEX persons_name_region ON persons (name, region_code, death_date);

-- +goose Down
DROP INDEX persons_name_region;
CREATE INDEX persons_name ON persons (name);
