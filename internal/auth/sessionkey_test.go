package auth

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestLoadSessionKey: a missing key file is created with mode 0600 and a
// new key, which later loads return; a file others may read, or one that
// holds no key, is refused.
func TestLoadSessionKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "session-key")
	key, created, err := LoadSessionKey(path)
	if err != nil || !created || len(key) != SessionKeySize {
		t.Fatalf("LoadSessionKey(new) = %d bytes, created %v, %v; want %d bytes created", len(key), created, err, SessionKeySize)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", st.Mode().Perm())
	}
	again, created, err := LoadSessionKey(path)
	if err != nil || created || !bytes.Equal(again, key) {
		t.Errorf("LoadSessionKey(existing) = created %v, %v, same key %v; want the same key, not created", created, err, bytes.Equal(again, key))
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadSessionKey(path); err == nil {
		t.Error("LoadSessionKey(mode 0644): no error")
	}
	bad := filepath.Join(t.TempDir(), "bad-key")
	if err := os.WriteFile(bad, []byte("not a key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadSessionKey(bad); err == nil {
		t.Error("LoadSessionKey(no hex key): no error")
	}
}
