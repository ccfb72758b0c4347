package crossprov

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFileDrop: a sent message is one file in the outbox and no
// temporary file stays; the inbox lists messages in name order, skips
// files being written, and a handled file moves to done, a refused one to
// refused with its reason.
func TestFileDrop(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	f, err := NewFileDrop(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Send(ctx, "abcdef0123456789", []byte("{}\n")); err != nil {
		t.Fatal(err)
	}
	if err := f.Send(ctx, "inbox/escape-1234", []byte("{}")); err == nil {
		t.Error("a message id with a path: no error")
	}
	names, err := f.Outgoing()
	if err != nil || len(names) != 1 || names[0] != "abcdef0123456789.json" {
		t.Errorf("outbox = %v, %v", names, err)
	}
	all, _ := os.ReadDir(f.Outbox)
	if len(all) != 1 {
		t.Errorf("outbox holds %d entries, want the message alone", len(all))
	}
	for _, n := range []string{"b.json", "a.json", ".c.json.123.tmp", "note.txt"} {
		os.WriteFile(filepath.Join(f.Inbox, n), []byte(n), 0o600)
	}
	ds, err := f.Receive(ctx, 10)
	if err != nil || len(ds) != 2 || ds[0].Name != "a.json" || ds[1].Name != "b.json" || string(ds[0].Data) != "a.json" {
		t.Fatalf("inbox = %+v, %v", ds, err)
	}
	if err := f.Done(ctx, ds[0], nil); err != nil {
		t.Fatal(err)
	}
	if err := f.Done(ctx, ds[1], errors.New("payload.balance: must be an integer number of fen")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(f.Inbox, "done", "a.json")); err != nil {
		t.Error(err)
	}
	reason, err := os.ReadFile(filepath.Join(f.Inbox, "refused", "b.json.error.txt"))
	if err != nil || !strings.Contains(string(reason), "payload.balance") {
		t.Errorf("refusal reason = %q, %v", reason, err)
	}
	if ds, _ := f.Receive(ctx, 10); len(ds) != 0 {
		t.Errorf("inbox after handling = %+v, want empty", ds)
	}
}
