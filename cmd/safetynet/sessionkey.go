package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"safetynet/internal/auth"
	"safetynet/internal/sqlstore"
)

// sessionKeyFlag registers --session-key on fs; the function it returns,
// once fs is parsed, loads the key that keys the stored hashes of bearer
// tokens into sc, creating the file (mode 0600) if there is none, and says
// so on w. Without the flag the file sits beside --checkpoint-key, if fs
// has that flag and it is given, or else beside the SQLite database; for
// PostgreSQL with neither the flag is required, since a key inside the
// database would be no key at all.
func sessionKeyFlag(fs *flag.FlagSet, dsn *string) func(sc *serverConfig, w io.Writer) error {
	path := fs.String("session-key", "", "the server's session key file, kept outside the database; created (mode 0600) if missing (default: beside --checkpoint-key, or the SQLite database's name + .session-key)")
	return func(sc *serverConfig, w io.Writer) error {
		p := *path
		if p == "" {
			p = defaultSessionKeyPath(fs, *dsn)
		}
		if p == "" {
			return errors.New("--session-key: give the session key FILE (or --checkpoint-key) for PostgreSQL")
		}
		key, created, err := auth.LoadSessionKey(p)
		if err != nil {
			return err
		}
		if created {
			fmt.Fprintf(w, "session key written to %s (private, mode 0600); sessions signed in before it no longer work\n", p)
		}
		sc.sessionKey = key
		return nil
	}
}

// defaultSessionKeyPath is the session key file when --session-key is not
// given: beside the checkpoint key, or beside the SQLite database ("" when
// neither is there).
func defaultSessionKeyPath(fs *flag.FlagSet, dsn string) string {
	if f := fs.Lookup("checkpoint-key"); f != nil && f.Value.String() != "" {
		return filepath.Join(filepath.Dir(f.Value.String()), "safetynet.session-key")
	}
	dialect, source, err := sqlstore.ParseDSN(dsn)
	if err != nil || dialect != sqlstore.SQLite {
		return ""
	}
	p, _, _ := strings.Cut(strings.TrimPrefix(source, "file:"), "?")
	return p + ".session-key"
}
