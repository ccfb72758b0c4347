package sqlstore_test

import (
	"context"
	"strings"
	"testing"

	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// tamper runs a statement on the database behind the store's back, as an
// intruder with database access would.
func tamper(t *testing.T, db *sqlstore.DB, stmt string) {
	t.Helper()
	if err := db.ExecRaw(context.Background(), stmt); err != nil {
		t.Fatalf("tamper %q: %v", stmt, err)
	}
}

func TestAuditVerifyCatchesTampering(t *testing.T) {
	tests := []struct {
		name    string
		stmt    string
		wantSeq int64
		reason  string
	}{
		{"edited action", "UPDATE audit_events SET action = 'person.delete' WHERE seq = 2", 2, "altered"},
		{"edited actor", "UPDATE audit_events SET actor_name = 'mallory' WHERE seq = 3", 3, "altered"},
		{"edited digest", "UPDATE audit_events SET digest = '00' WHERE seq = 1", 1, "altered"},
		{"deleted event", "DELETE FROM audit_events WHERE seq = 2", 2, "missing"},
		{"deleted newest event", "DELETE FROM audit_events WHERE seq = (SELECT MAX(seq) FROM audit_events)", 4, "head"},
	}
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				tb := setup(t, open)
				v := sqlstoretest.Village(t, "652301", 0)
				for i := 0; i < 3; i++ {
					if err := tb.svc.CreatePerson(tb.ctx, sqlstoretest.NewPerson(t, v, 50+i)); err != nil {
						t.Fatal(err)
					}
				}
				if _, err := tb.svc.Person(tb.ctx, 1); err != nil { // a recorded read: event 4
					t.Fatal(err)
				}
				rep, err := tb.db.VerifyAudit(context.Background())
				if err != nil || rep.Break != nil || rep.Events != 4 {
					t.Fatalf("before tampering: %+v, %v; want 4 intact events", rep, err)
				}
				tamper(t, tb.db, tt.stmt)
				rep, err = tb.db.VerifyAudit(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				if rep.Break == nil {
					t.Fatalf("after %s: chain reported intact (%d events)", tt.name, rep.Events)
				}
				if rep.Break.Seq != tt.wantSeq || !strings.Contains(rep.Break.Reason, tt.reason) {
					t.Errorf("after %s: break %+v, want at event %d with %q", tt.name, rep.Break, tt.wantSeq, tt.reason)
				}
			})
		}
	})
}
