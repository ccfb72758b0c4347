package audit_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"safetynet/internal/audit"
)

// TestCheckpointFile makes a key pair, appends two signed checkpoints and
// a damaged line to a checkpoint file, and reads them back: the good ones
// verify with the public key, the damaged one is reported by line.
func TestCheckpointFile(t *testing.T) {
	dir := t.TempDir()
	keyPath, pubPath := filepath.Join(dir, "audit.key"), filepath.Join(dir, "audit.pub")
	pub, err := audit.GenerateKey(keyPath, pubPath)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(keyPath); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("private key mode: %v, %v; want 0600", st, err)
	}
	if _, err := audit.GenerateKey(keyPath, pubPath); err == nil {
		t.Error("a second keygen overwrote the key")
	}
	key, err := audit.ReadPrivateKey(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{pubPath, keyPath} {
		if got, err := audit.ReadPublicKey(path); err != nil || !got.Equal(pub) {
			t.Errorf("public key from %s: %v", path, err)
		}
	}

	file := filepath.Join(dir, "audit.checkpoints")
	for _, seq := range []int64{3, 7} {
		if err := audit.AppendCheckpoint(file, audit.SignCheckpoint(key, seq, strings.Repeat("a", 64), time.Now())); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("{\"seq\": 9, \"oops\n")
	f.Close()
	f, err = os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lines, err := audit.ReadCheckpoints(f)
	if err != nil || len(lines) != 3 {
		t.Fatalf("read %d lines, %v; want 3", len(lines), err)
	}
	for _, l := range lines[:2] {
		if l.Err != nil || l.Checkpoint.Verify(pub) != nil {
			t.Errorf("line %d: %+v does not verify", l.Line, l)
		}
	}
	if lines[2].Err == nil || lines[2].Line != 3 {
		t.Errorf("damaged line: %+v, want an error on line 3", lines[2])
	}
	forged := lines[0].Checkpoint
	forged.Seq = 2
	if err := forged.Verify(pub); err == nil {
		t.Error("an altered checkpoint verifies")
	}

	if err := os.Chmod(keyPath, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := audit.ReadPrivateKey(keyPath); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("a world-readable key: %v, want refused", err)
	}
}
