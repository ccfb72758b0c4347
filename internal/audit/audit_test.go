package audit

import (
	"context"
	"strings"
	"testing"
	"time"
)

func chain(t *testing.T, n int) []Event {
	t.Helper()
	ctx := WithActor(context.Background(), Actor{UserID: 3, Name: "alice", Role: "caseworker"})
	var evs []Event
	prev := ""
	for i := 1; i <= n; i++ {
		e, err := NewEvent(ctx, "person.update", "person", "42", "652301001001", map[string]int{"v": i})
		if err != nil {
			t.Fatal(err)
		}
		e.At = time.Date(2026, 11, 22, 10, 0, i, 0, time.UTC)
		e.Seal(int64(i), prev)
		prev = e.Hash
		evs = append(evs, e)
	}
	return evs
}

func verify(evs []Event, headSeq int64, headHash string) (int64, *Break) {
	var v Verifier
	for i := range evs {
		if !v.Add(&evs[i]) {
			break
		}
	}
	return v.Finish(headSeq, headHash)
}

func TestVerifier(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(evs []Event) ([]Event, int64, string)
		wantSeq int64 // 0: intact
		reason  string
	}{
		{"intact", func(e []Event) ([]Event, int64, string) { return e, 5, e[4].Hash }, 0, ""},
		{"edited action", func(e []Event) ([]Event, int64, string) {
			e[2].Action = "person.delete"
			return e, 5, e[4].Hash
		}, 3, "altered"},
		{"edited actor", func(e []Event) ([]Event, int64, string) {
			e[0].Actor.Name = "mallory"
			return e, 5, e[4].Hash
		}, 1, "altered"},
		{"deleted middle", func(e []Event) ([]Event, int64, string) {
			return append(e[:1:1], e[2:]...), 5, e[4].Hash
		}, 2, "missing"},
		{"deleted newest", func(e []Event) ([]Event, int64, string) {
			return e[:4], 5, e[4].Hash
		}, 5, "head"},
		{"rehashed edit", func(e []Event) ([]Event, int64, string) {
			e[1].Digest = "00"
			e[1].Hash = e[1].ComputeHash()
			return e, 5, e[4].Hash
		}, 3, "does not link"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, hs, hh := tt.mutate(chain(t, 5))
			_, br := verify(evs, hs, hh)
			if tt.wantSeq == 0 {
				if br != nil {
					t.Fatalf("verify intact chain: break %+v", br)
				}
				return
			}
			if br == nil {
				t.Fatalf("verify %s: no break, want one at %d", tt.name, tt.wantSeq)
			}
			if br.Seq != tt.wantSeq || !strings.Contains(br.Reason, tt.reason) {
				t.Errorf("break = %+v, want seq %d with %q", br, tt.wantSeq, tt.reason)
			}
		})
	}
}

func TestNewEventNeedsActor(t *testing.T) {
	if _, err := NewEvent(context.Background(), "person.create", "person", "1", "652301", nil); err == nil {
		t.Fatal("NewEvent without actor: no error")
	}
}
