package main

import (
	"context"
	"fmt"
)

func runAudit(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprintln(e.stderr, "Usage: safetynet audit verify --db DSN")
		return exitError(2)
	}
	fs := newFlags(e, "audit verify", "audit verify --db DSN")
	dsn := dsnFlag(fs, defaultDB)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	db, err := openStore(ctx, *dsn, e.logger())
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := db.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	if rep.Break != nil {
		fmt.Fprintf(e.stdout, "audit chain BROKEN at event %d: %s\n", rep.Break.Seq, rep.Break.Reason)
		fmt.Fprintf(e.stdout, "%d events verified before the break; head records event %d\n", rep.Events, rep.HeadSeq)
		return exitError(1)
	}
	fmt.Fprintf(e.stdout, "audit chain intact: %d events, head %d %s\n", rep.Events, rep.HeadSeq, rep.Head)
	return nil
}
