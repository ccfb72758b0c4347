package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMissingDatabaseRefused checks that a command other than gen, demo and
// migrate refuses a --db file that does not exist, naming it, exits
// non-zero and creates no file; and that migrate and gen still create one.
func TestMissingDatabaseRefused(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.db")
	for _, args := range [][]string{
		{"insurance", "report", "--db", missing, "--from", "2025-03", "--to", "2025-03"},
		{"audit", "verify", "--db", missing},
		{"assistance", "reviews-due", "--db", missing},
		{"payments", "reconcile", "--db", missing, "--from", "2025-03", "--to", "2025-03"},
	} {
		out, _, err := runCLI(t, args...)
		if err == nil {
			t.Errorf("%v: no error, output %q", args, out)
		} else if !strings.Contains(err.Error(), missing) || !strings.Contains(err.Error(), "does not exist") {
			t.Errorf("%v: error %q does not name the missing file", args, err)
		}
		if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("%v created %s (stat: %v)", args, missing, err)
		}
	}

	migrated := filepath.Join(dir, "m.db")
	if out, _, err := runCLI(t, "migrate", "--db", migrated); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	generated := filepath.Join(dir, "g.db")
	if out, _, err := runCLI(t, "gen", "--db", generated, "--persons", "50"); err != nil {
		t.Fatalf("gen: %v\n%s", err, out)
	}
	for _, db := range []string{migrated, generated} {
		if out, _, err := runCLI(t, "insurance", "report", "--db", db, "--from", "2025-03", "--to", "2025-03"); err != nil {
			t.Errorf("insurance report on %s: %v\n%s", db, err, out)
		}
	}
}

// TestOneDefaultDatabase checks that demo and the other commands default
// to the same database file.
func TestOneDefaultDatabase(t *testing.T) {
	for _, cmd := range [][]string{{"demo"}, {"serve"}, {"insurance", "report"}, {"audit", "verify"}} {
		out, _, err := runCLI(t, append(cmd, "--help")...)
		if err != nil {
			t.Fatalf("%v --help: %v", cmd, err)
		}
		if !strings.Contains(out, `(default "safetynet.db")`) {
			t.Errorf("%v: usage does not give the default database safetynet.db:\n%s", cmd, out)
		}
	}
}

// migratedDB returns the path of a new, migrated database file name in a
// temporary folder.
func migratedDB(t *testing.T, name string) string {
	t.Helper()
	return migratedDBIn(t, t.TempDir(), name)
}

// migratedDBIn is migratedDB in the folder dir.
func migratedDBIn(t *testing.T, dir, name string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if out, _, err := runCLI(t, "migrate", "--db", path); err != nil {
		t.Fatalf("migrate %s: %v\n%s", path, err, out)
	}
	return path
}
