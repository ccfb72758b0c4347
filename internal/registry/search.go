package registry

import (
	"context"
	"strconv"
	"sync"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/ids"
	"safetynet/internal/region"
)

// DefaultIDSearchesPerHour is the default of Service.IDSearchesPerHour.
const DefaultIDSearchesPerHour = 20

// ReadEvent is the audit event of a read that changes nothing: a list
// shown, or a search by ID number made or refused.
type ReadEvent struct {
	// Action is e.g. "person.read", "person.search" or
	// "person.search_refused".
	Action string
	Kind   string
	// ID names what was read: the key of the record shown, or the masked
	// ID number searched. Never a full ID number.
	ID     string
	Region region.Code
	// Detail is digested into the event; it must hold no full ID number
	// either, since a digest of one is easily reversed.
	Detail any
}

// searchLimiter counts each user's searches by ID number over the last
// hour, in this process.
type searchLimiter struct {
	mu   sync.Mutex
	seen map[string][]time.Time
}

// allow records a search by user at now if fewer than limit were made in
// the hour before, and otherwise returns how long until one may be.
func (l *searchLimiter) allow(user string, now time.Time, limit int) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seen == nil {
		l.seen = map[string][]time.Time{}
	}
	from := now.Add(-time.Hour)
	ts := l.seen[user]
	i := 0
	for i < len(ts) && !ts[i].After(from) {
		i++
	}
	ts = ts[i:]
	if len(ts) >= limit {
		l.seen[user] = ts
		return ts[0].Sub(from), false
	}
	l.seen[user] = append(ts, now)
	return 0, true
}

// searchDetail is what the audit event of a search by ID number digests.
type searchDetail struct {
	IDNumber string   `json:"id_number"` // masked
	Found    []string `json:"found"`
}

// checkIDSearch lets the caller search by ID number id if they have made
// fewer than IDSearchesPerHour such searches in the last hour; otherwise
// it records the refusal in the audit trail and returns a RateLimited
// error.
func (s *Service) checkIDSearch(ctx context.Context, p auth.Principal, id ids.ResidentID, code region.Code) error {
	limit := s.IDSearchesPerHour
	if limit <= 0 {
		limit = DefaultIDSearchesPerHour
	}
	wait, ok := s.searches.allow(p.Username, s.NowFunc(), limit)
	if ok {
		return nil
	}
	masked := id.Masked()
	if err := s.store.RecordReads(ctx, []ReadEvent{{Action: "person.search_refused", Kind: "person", ID: masked, Region: code,
		Detail: searchDetail{IDNumber: masked}}}); err != nil {
		return err
	}
	return fault.Limited(wait, "at most %d searches by ID number an hour: try again later", limit)
}

// recordPersonList writes the audit events of a list of persons shown to
// the caller: the search by ID number, if the filter has one, and the read
// of the persons listed, if any.
func (s *Service) recordPersonList(ctx context.Context, f PersonFilter, ps []*Person) error {
	keys := make([]string, len(ps))
	for i, p := range ps {
		keys[i] = strconv.FormatInt(int64(p.ID), 10)
	}
	var evs []ReadEvent
	if f.IDNumber != "" {
		masked := ids.ResidentID(f.IDNumber).Masked()
		evs = append(evs, ReadEvent{Action: "person.search", Kind: "person", ID: masked, Region: f.Region,
			Detail: searchDetail{IDNumber: masked, Found: keys}})
	}
	// Each person listed is read as GET /persons/{id} reads them, so that
	// the trail of a person names every user who saw them.
	for i, p := range ps {
		evs = append(evs, ReadEvent{Action: "person.read", Kind: "person", ID: keys[i], Region: p.RegionCode,
			Detail: struct {
				Kind, ID string
				Listed   bool
			}{"person", keys[i], true}})
	}
	if len(evs) == 0 {
		return nil
	}
	return s.store.RecordReads(ctx, evs)
}
