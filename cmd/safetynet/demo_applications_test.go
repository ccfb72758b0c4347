package main

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"testing"

	"safetynet/internal/money"
	"safetynet/internal/sqlstore"
)

var onlineRateRE = regexp.MustCompile(`线上办理率 \(online and mobile of the [0-9]+ accepted, as the handling report counts\): ([0-9]+\.[0-9]{2})% \(([0-9]+) of ([0-9]+)\)`)

// checkDemoApplications: the demo printed its applications, and the
// online handling rate it printed is the one the store's rows give;
// something is overdue today and the cross-province page has work.
func checkDemoApplications(t *testing.T, dbPath, out string) {
	t.Helper()
	m := onlineRateRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("the demo printed no online handling rate:\n%s", out)
	}
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, dbPath, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	count := func(q string) int64 {
		t.Helper()
		var n int64
		if err := db.QueryRowRaw(ctx, q).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	total := count("SELECT count(*) FROM applications WHERE status <> 'not_accepted'")
	online := count("SELECT count(*) FROM applications WHERE status <> 'not_accepted' AND channel IN ('online', 'mobile')")
	bp := money.DivRound(online*10000, total)
	if want := fmt.Sprintf("%d.%02d", bp/100, bp%100); m[1] != want || m[2] != strconv.FormatInt(online, 10) || m[3] != strconv.FormatInt(total, 10) {
		t.Errorf("printed %s%% (%s of %s), the rows give %s%% (%d of %d)", m[1], m[2], m[3], want, online, total)
	}
	if n := count("SELECT count(*) FROM crossprov_incoming"); n < 3 {
		t.Errorf("%d incoming cross-province requests, want the demo's 3", n)
	}
	if !regexp.MustCompile(`overdue today: [1-9]`).MatchString(out) {
		t.Errorf("nothing overdue today in the demo:\n%s", out)
	}
}
