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
