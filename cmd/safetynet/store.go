package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"safetynet/internal/sqlstore"
)

// defaultDB is the database every command uses when --db is not given:
// demo creates it, and the other commands then find it without a flag.
const defaultDB = "safetynet.db"

// requireDatabase reports an error when dsn names an SQLite file that does
// not exist. In-memory SQLite and PostgreSQL DSNs pass.
func requireDatabase(dsn string) error {
	dialect, source, err := sqlstore.ParseDSN(dsn)
	if err != nil {
		return err
	}
	if dialect != sqlstore.SQLite {
		return nil
	}
	path, query, _ := strings.Cut(source, "?")
	path = strings.TrimPrefix(path, "file:")
	if path == "" || strings.Contains(path, ":memory:") || strings.Contains(query, "mode=memory") {
		return nil
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("database %s does not exist: give the right --db (only gen, demo and migrate create a database)", path)
	} else if err != nil {
		return fmt.Errorf("database %s: %w", path, err)
	}
	return nil
}
