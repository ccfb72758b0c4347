package httpapi_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"testing"
)

// TestPlantedSessionRefused: someone who can write the database but does
// not hold the server's session key inserts a sessions row for the admin
// with the plain SHA-256 of a token of their own (the stored form before
// keyed hashes). The token opens nothing, while a real sign-in works.
func TestPlantedSessionRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)

	// A real sign-in works, and leaves a row whose times the planted one
	// copies.
	var got struct {
		Token string `json:"token"`
	}
	b.do(t, "POST", "/api/v1/login", "", map[string]string{"username": "cw1", "password": testPassword}).want(t, http.StatusOK).decode(t, &got)
	me := func(token string) *result {
		req, _ := http.NewRequest("GET", b.url+"/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		return send(t, req)
	}
	me(got.Token).want(t, http.StatusOK)

	const planted = "planted-token-known-to-the-database-owner"
	sum := sha256.Sum256([]byte(planted))
	if err := b.db.ExecRaw(t.Context(), `INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
		SELECT '`+hex.EncodeToString(sum[:])+`', (SELECT id FROM users WHERE username = 'admin'), created_at, expires_at
		FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = 'cw1')`); err != nil {
		t.Fatalf("plant a session: %v", err)
	}
	me(planted).problem(t, http.StatusUnauthorized)
	me(got.Token).want(t, http.StatusOK)
}

// TestSessionMovedToAnotherUserRefused: someone who can write the database
// moves their own session row to the admin, or makes it last longer; the
// seal under the server's key no longer matches and the token opens
// nothing.
func TestSessionMovedToAnotherUserRefused(t *testing.T) {
	t.Parallel()
	for _, change := range []string{
		"user_id = (SELECT id FROM users WHERE username = 'admin')",
		"expires_at = '2099-01-01T00:00:00Z'",
	} {
		b := setup(t)
		var got struct {
			Token string `json:"token"`
		}
		b.do(t, "POST", "/api/v1/login", "", map[string]string{"username": "cw1", "password": testPassword}).want(t, http.StatusOK).decode(t, &got)
		me := func() *result {
			req, _ := http.NewRequest("GET", b.url+"/api/v1/me", nil)
			req.Header.Set("Authorization", "Bearer "+got.Token)
			return send(t, req)
		}
		me().want(t, http.StatusOK)
		if err := b.db.ExecRaw(t.Context(), "UPDATE sessions SET "+change+" WHERE user_id = (SELECT id FROM users WHERE username = 'cw1')"); err != nil {
			t.Fatal(err)
		}
		if r := me(); r.status != http.StatusUnauthorized {
			t.Errorf("SET %s: %d, want 401; body %s", change, r.status, r.body)
		}
	}
}
