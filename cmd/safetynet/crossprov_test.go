package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"safetynet/internal/crossprov"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// TestCrossprovFileDrop: a remote certification request goes out as a
// file, the simulated agency answers into the inbox, and receive applies
// the answers: the request is completed; the same answer dropped again is
// recognised and not applied twice, and a malformed file is refused with
// its reason beside it.
func TestCrossprovFileDrop(t *testing.T) {
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "x.db")
	db, err := createStore(ctx, dbPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := testApp(t, db)
	sys := a.System(ctx, "test")
	p := sqlstoretest.NewPerson(t, sqlstoretest.Village(t, "652301", 1), 31)
	if err := a.Registry.CreatePerson(sys, p); err != nil {
		t.Fatal(err)
	}
	r, err := a.CrossProvince.Start(sys, crossprov.StartRequest{Kind: crossprov.Certification, PersonID: p.ID,
		Counterpart: crossprov.Party{Province: "110000", Prefecture: "110100", Agency: "11010001"}, LivingIn: "北京市海淀区"})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	dir := t.TempDir()
	out, errOut, err := runCLI(t, "crossprov", "send", "--db", dbPath, "--dir", dir)
	if err != nil || !strings.Contains(out, "1 messages written") {
		t.Fatalf("send: %v\n%s%s", err, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "outbox", r.MessageID+".json")); err != nil {
		t.Fatalf("the request's file: %v", err)
	}
	out, errOut, err = runCLI(t, "crossprov", "simulate", "--dir", dir)
	if err != nil || !strings.Contains(out, "2 answers written") {
		t.Fatalf("simulate: %v\n%s%s", err, out, errOut)
	}
	if err := os.WriteFile(filepath.Join(dir, "inbox", "zz-bad.json"), []byte(`{"version":"crossprov/1","id":"x"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, err = runCLI(t, "crossprov", "receive", "--db", dbPath, "--dir", dir)
	if err != nil || !strings.Contains(out, "2 processed") || !strings.Contains(out, "1 refused") {
		t.Fatalf("receive: %v\n%s%s", err, out, errOut)
	}
	reason, err := os.ReadFile(filepath.Join(dir, "inbox", "refused", "zz-bad.json.error.txt"))
	if err != nil || !strings.Contains(string(reason), "kind") {
		t.Errorf("the refusal's reason = %q, %v; want the fields named", reason, err)
	}
	// The answers dropped again: recognised, not applied twice.
	done, _ := filepath.Glob(filepath.Join(dir, "inbox", "done", "*.json"))
	for _, f := range done {
		data, _ := os.ReadFile(f)
		os.WriteFile(filepath.Join(dir, "inbox", filepath.Base(f)), data, 0o600)
	}
	out, errOut, err = runCLI(t, "crossprov", "receive", "--db", dbPath, "--dir", dir)
	if err != nil || !strings.Contains(out, "0 processed, 2 received before") {
		t.Fatalf("receive again: %v\n%s%s", err, out, errOut)
	}

	db, err = openStore(ctx, dbPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err := testApp(t, db).CrossProvince.Request(sys, r.ID)
	if err != nil || got.Status != crossprov.StatusCompleted || !strings.HasPrefix(got.RecordRef, "certification:") {
		t.Errorf("request after the exchange = %+v, %v; want completed with its certification", got, err)
	}
}
