package auth

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"time"
)

// SessionKeySize is the length in bytes of the key that keys the stored
// hashes of bearer tokens.
const SessionKeySize = 32

// LoadSessionKey reads the session key in the file at path (hex, one
// line), creating the file with a new random key and mode 0600 when there
// is none; created says it did. The key is what makes a session row
// planted in the database by someone without it match no token, so it is
// kept outside the database and a file that others may read is refused.
func LoadSessionKey(path string) (key []byte, created bool, err error) {
	st, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		key := make([]byte, SessionKeySize)
		rand.Read(key) // never fails: crypto/rand crashes the program instead
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, false, fmt.Errorf("session key: %w", err)
		}
		_, err = f.WriteString(hex.EncodeToString(key) + "\n")
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(path)
			return nil, false, fmt.Errorf("session key: %w", err)
		}
		return key, true, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("session key: %w", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, false, fmt.Errorf("session key %s: mode %v lets others read it; chmod 600 it", path, st.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, false, fmt.Errorf("session key: %w", err)
	}
	key, err = hex.DecodeString(string(bytes.TrimSpace(b)))
	if err != nil || len(key) != SessionKeySize {
		return nil, false, fmt.Errorf("session key %s: not %d bytes in hex", path, SessionKeySize)
	}
	return key, false, nil
}

// SetSessionKey sets the key of the stored token hashes. Sessions opened
// under another key (or before keys, when the hash was a plain SHA-256)
// no longer authenticate: their users sign in again. Without a call the
// Service uses a random key of its own, so that its sessions end with the
// process.
func (s *Service) SetSessionKey(key []byte) error {
	if len(key) < SessionKeySize {
		return fmt.Errorf("session key: %d bytes, want %d", len(key), SessionKeySize)
	}
	s.tokenKey = bytes.Clone(key)
	return nil
}

// hashToken returns the stored form of a bearer token: its HMAC-SHA-256
// under the session key, in hex. Without the key nobody can compute the
// hash of a token, so a row written straight into the sessions table
// opens no session.
func (s *Service) hashToken(token string) string {
	m := hmac.New(sha256.New, s.tokenKey)
	m.Write([]byte(token))
	return hex.EncodeToString(m.Sum(nil))
}

// seal returns the HMAC-SHA-256 under the session key of the token, the
// user it signs in and the end of the session (to the second, as both
// engines keep it), in hex. Rows are found by hashToken; the seal binds
// the row's user and expiry to the token, so that someone who can write
// the database cannot move their own session to another user or make it
// last longer.
func (s *Service) seal(token string, userID int64, expires time.Time) string {
	m := hmac.New(sha256.New, s.tokenKey)
	fmt.Fprintf(m, "session-seal\x00%s\x00%d\x00%d", token, userID, expires.Unix())
	return hex.EncodeToString(m.Sum(nil))
}
