package main

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/ids"
	"safetynet/internal/period"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// TestIDSearchesPerHourFlag: --id-searches-per-hour reaches the registry
// of the handler serve and demo build: with 1, a caseworker's second
// search by ID number in the hour is refused (429).
func TestIDSearchesPerHourFlag(t *testing.T) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	conf := serverFlags(fs)
	if err := fs.Parse([]string{"--id-searches-per-hour", "1"}); err != nil {
		t.Fatal(err)
	}
	sc, err := conf()
	if err != nil {
		t.Fatal(err)
	}
	db := sqlstoretest.Open(t)
	h, au, err := newHandler(defaultEnv(), testApp(t, db), slog.New(slog.DiscardHandler), sc)
	if err != nil {
		t.Fatalf("newHandler: %v", err)
	}
	au.SetFastHashing()
	ctx := auth.WithPrincipal(context.Background(), auth.SystemPrincipal("test", "652300"))
	if _, err := au.CreateUser(ctx, auth.NewUser{Username: "cw.a", Password: "long-enough", Role: auth.RoleCaseworker, Scope: "652301"}); err != nil {
		t.Fatal(err)
	}
	g, err := au.Login(ctx, "cw.a", "long-enough", "")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	id, err := ids.MakeResidentID("652301", period.MustDate(1980, time.May, 17), 7)
	if err != nil {
		t.Fatal(err)
	}
	search := func() int {
		req, _ := http.NewRequest("GET", srv.URL+"/api/v1/persons?id_number="+string(id), nil)
		req.Header.Set("Authorization", "Bearer "+g.Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := search(); got != http.StatusOK {
		t.Fatalf("first search: %d, want 200", got)
	}
	if got := search(); got != http.StatusTooManyRequests {
		t.Errorf("second search with --id-searches-per-hour 1: %d, want 429", got)
	}
}
