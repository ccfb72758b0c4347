package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"safetynet/internal/audit"
	"safetynet/internal/sqlstore"
)

const auditUsage = `Usage:
  safetynet audit keygen --key FILE [--pub FILE]
      make the checkpoint signing key (mode 0600) and its public key (FILE.pub);
      keep the private key off the database host, and the public key with whoever verifies
  safetynet audit checkpoint --db DSN --key FILE [--checkpoints FILE]
      sign the chain's head, once the events since the last checkpoint chain to it,
      and append it to the checkpoint file (default: the SQLite file's name + .checkpoints)
  safetynet audit verify --db DSN [--checkpoints FILE] [--pub FILE]
      recompute the chain, check it passes through every signed checkpoint
      (deleted or rewritten events), and cross-check the user accounts against the trail`

// auditCommands keep the audit trail honest: the signing key, the signed
// checkpoints and the verification.
func auditCommands() []command {
	return []command{
		{name: "keygen", run: runAuditKeygen},
		{name: "checkpoint", run: runAuditCheckpoint},
		{name: "verify", run: runAuditVerify},
	}
}

// checkpointsFlag registers --checkpoints; the function it returns names
// the file once fs is parsed: the flag, or the SQLite file's name with
// .checkpoints ("" for PostgreSQL, which has no file to sit beside).
func checkpointsFlag(fs *flag.FlagSet, dsn *string) func() (string, bool) {
	cp := fs.String("checkpoints", "", "the append-only checkpoint file (default: the SQLite database's name + .checkpoints)")
	return func() (string, bool) {
		if *cp != "" {
			return *cp, true
		}
		dialect, source, err := sqlstore.ParseDSN(*dsn)
		if err != nil || dialect != sqlstore.SQLite {
			return "", false
		}
		path, _, _ := strings.Cut(strings.TrimPrefix(source, "file:"), "?")
		return path + ".checkpoints", false
	}
}

func runAuditKeygen(_ context.Context, e env, args []string) error {
	fs := newFlags(e, "audit keygen", "audit keygen --key FILE [--pub FILE]")
	keyPath := fs.String("key", "", "the private key file to create (mode 0600)")
	fs.require("key")
	pubPath := fs.String("pub", "", "the public key file to create (default: the key file + .pub)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *keyPath == "" {
		return errors.New("audit keygen: give --key FILE")
	}
	if *pubPath == "" {
		*pubPath = *keyPath + ".pub"
	}
	pub, err := audit.GenerateKey(*keyPath, *pubPath)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "checkpoint key %s written to %s (private, mode 0600) and %s (public)\n", audit.KeyID(pub), *keyPath, *pubPath)
	return nil
}

func runAuditCheckpoint(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "audit checkpoint", "audit checkpoint --db DSN --key FILE [--checkpoints FILE]")
	dsn := dsnFlag(fs, defaultDB)
	keyPath := fs.String("key", "", "the private checkpoint key (audit keygen)")
	fs.require("key")
	file := checkpointsFlag(fs.FlagSet, dsn)
	if err := fs.Parse(args); err != nil {
		return err
	}
	path, _ := file()
	if *keyPath == "" || path == "" {
		return errors.New("audit checkpoint: give --key FILE (and --checkpoints FILE for PostgreSQL)")
	}
	key, err := audit.ReadPrivateKey(*keyPath)
	if err != nil {
		return err
	}
	a, _, err := openApp(ctx, e, *dsn, "audit")
	if err != nil {
		return err
	}
	defer a.Close()
	db := a.Store
	c, err := writeCheckpoint(ctx, db, key, path)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "checkpoint: event %d %s signed with key %s, appended to %s\n", c.Seq, c.Head, c.KeyID, path)
	return nil
}

// writeCheckpoint signs the head of db's chain with key and appends it to
// the checkpoint file at path. It refuses when the file holds a line that
// does not verify with key, or when the events since the file's last
// checkpoint do not chain from it to the head: a checkpoint never vouches
// for a trail that was cut or rewritten.
func writeCheckpoint(ctx context.Context, db *sqlstore.DB, key ed25519.PrivateKey, path string) (audit.Checkpoint, error) {
	pub, _ := key.Public().(ed25519.PublicKey)
	lines, err := readCheckpointFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return audit.Checkpoint{}, err
	}
	var seq int64
	var head string
	for _, l := range lines {
		if l.Err == nil {
			l.Err = l.Checkpoint.Verify(pub)
		}
		if l.Err != nil {
			return audit.Checkpoint{}, fmt.Errorf("checkpoint file %s, line %d: %v; run audit verify", path, l.Line, l.Err)
		}
		if l.Checkpoint.Seq >= seq {
			seq, head = l.Checkpoint.Seq, l.Checkpoint.Head
		}
	}
	headSeq, headHash, err := db.AuditHeadSince(ctx, seq, head)
	if err != nil {
		return audit.Checkpoint{}, fmt.Errorf("no checkpoint written: %w", err)
	}
	c := audit.SignCheckpoint(key, headSeq, headHash, db.Now())
	return c, audit.AppendCheckpoint(path, c)
}

func readCheckpointFile(path string) ([]audit.CheckpointLine, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return audit.ReadCheckpoints(f)
}

func runAuditVerify(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "audit verify", "audit verify --db DSN [--checkpoints FILE] [--pub FILE]")
	dsn := dsnFlag(fs, defaultDB)
	file := checkpointsFlag(fs.FlagSet, dsn)
	pubPath := fs.String("pub", "", "the public checkpoint key (audit keygen); required when there are checkpoints")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var anchors *sqlstore.AuditAnchors
	path, given := file()
	if path == "" {
		fmt.Fprintln(e.stdout, "no --checkpoints file given: the chain is checked only against itself")
	} else {
		lines, err := readCheckpointFile(path)
		switch {
		case errors.Is(err, os.ErrNotExist) && !given:
			fmt.Fprintf(e.stdout, "no checkpoint file %s: the chain is checked only against itself (write checkpoints with audit checkpoint)\n", path)
		case err != nil:
			return err
		case *pubPath == "":
			return fmt.Errorf("audit verify: the checkpoints in %s are checked with the public key: give --pub FILE", path)
		default:
			pub, err := audit.ReadPublicKey(*pubPath)
			if err != nil {
				return err
			}
			anchors = &sqlstore.AuditAnchors{Lines: lines, Key: pub}
		}
	}
	a, _, err := openApp(ctx, e, *dsn, "audit")
	if err != nil {
		return err
	}
	defer a.Close()
	db := a.Store
	rep, err := db.VerifyAuditAnchored(ctx, anchors)
	if err != nil {
		return err
	}
	printAuditReport(e.stdout, rep, path)
	if !rep.Intact() {
		return exitError(1)
	}
	return nil
}

// printAuditReport writes the verification for people.
func printAuditReport(w io.Writer, rep sqlstore.AuditReport, checkpoints string) {
	if rep.Break != nil {
		fmt.Fprintf(w, "audit chain BROKEN at event %d: %s\n", rep.Break.Seq, rep.Break.Reason)
		fmt.Fprintf(w, "%d events verified before the break; head records event %d\n", rep.Events, rep.HeadSeq)
	} else {
		fmt.Fprintf(w, "audit chain holds: %d events, head %d %s\n", rep.Events, rep.HeadSeq, rep.Head)
	}
	if a := rep.Anchors; a != nil {
		for _, p := range a.Problems {
			fmt.Fprintf(w, "checkpoint FAILED, %s line %d (event %d, signed %s): %s\n", checkpoints, p.Line, p.Seq, p.At.UTC().Format(time.RFC3339), p.Reason)
		}
		fmt.Fprintf(w, "checkpoints: %d of %d hold; events up to %d are anchored, %d after it are not yet\n",
			a.Checked, a.Checked+len(a.Problems), a.AnchoredSeq, max(rep.HeadSeq-a.AnchoredSeq, 0))
	}
	for _, u := range rep.Users {
		fmt.Fprintf(w, "user %d %s NOT explained by the trail: %s\n", u.UserID, u.Username, u.Reason)
	}
	for _, s := range rep.Sessions {
		fmt.Fprintf(w, "session %s of user %d %s (opened %s) NOT explained by the trail: %s\n",
			s.Session, s.UserID, s.Username, s.CreatedAt.UTC().Format(time.RFC3339), s.Reason)
	}
	if rep.Intact() {
		fmt.Fprintln(w, "audit trail intact")
	} else {
		fmt.Fprintln(w, "audit trail NOT intact")
	}
}

// checkpointFlags registers serve's checkpoint flags; the function it
// returns starts the checkpointer once fs is parsed and the store open
// (nothing without --checkpoint-key).
func checkpointFlags(fs *flag.FlagSet, dsn *string) func(ctx context.Context, db *sqlstore.DB, logger *slog.Logger) error {
	keyPath := fs.String("checkpoint-key", "", "sign a checkpoint of the audit chain with this private key (audit keygen) at start and every --checkpoint-every")
	every := fs.Duration("checkpoint-every", time.Hour, "how often to write an audit checkpoint, with --checkpoint-key")
	file := checkpointsFlag(fs, dsn)
	return func(ctx context.Context, db *sqlstore.DB, logger *slog.Logger) error {
		if *keyPath == "" {
			return nil
		}
		path, _ := file()
		if path == "" {
			return errors.New("--checkpoint-key: give --checkpoints FILE for PostgreSQL")
		}
		if *every <= 0 {
			return errors.New("--checkpoint-every must be positive")
		}
		key, err := audit.ReadPrivateKey(*keyPath)
		if err != nil {
			return err
		}
		go checkpointLoop(ctx, db, key, path, *every, logger)
		return nil
	}
}

// checkpointLoop writes a checkpoint at once and then every interval
// until ctx ends. A checkpoint refused because the trail no longer chains
// from the last one is logged as an error; the server goes on.
func checkpointLoop(ctx context.Context, db *sqlstore.DB, key ed25519.PrivateKey, path string, every time.Duration, logger *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		c, err := writeCheckpoint(ctx, db, key, path)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			logger.Error("audit checkpoint refused", "file", path, "err", err)
		default:
			logger.Info("audit checkpoint", "seq", c.Seq, "head", c.Head, "key_id", c.KeyID, "file", path)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// demoCheckpoint anchors a demo database once per start: it makes a
// checkpoint key beside the SQLite file if there is none (a demo
// convenience: a real key is kept off the database host), signs the head
// into the file's .checkpoints and prints how to verify.
func demoCheckpoint(ctx context.Context, db *sqlstore.DB, dsn string, w io.Writer) error {
	dialect, source, err := sqlstore.ParseDSN(dsn)
	if err != nil || dialect != sqlstore.SQLite {
		return err
	}
	path, _, _ := strings.Cut(strings.TrimPrefix(source, "file:"), "?")
	keyPath, cpPath := path+".audit-key", path+".checkpoints"
	if _, err := os.Stat(keyPath); errors.Is(err, os.ErrNotExist) {
		if _, err := audit.GenerateKey(keyPath, keyPath+".pub"); err != nil {
			return err
		}
	}
	key, err := audit.ReadPrivateKey(keyPath)
	if err != nil {
		return err
	}
	c, err := writeCheckpoint(ctx, db, key, cpPath)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "audit checkpoint of event %d written to %s; check the trail with:\n  safetynet audit verify --db %s --pub %s.pub\n", c.Seq, cpPath, dsn, keyPath)
	return nil
}
