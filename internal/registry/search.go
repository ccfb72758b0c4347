package registry

import (
	"context"
	"slices"
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

// allow records n searches by user at now if no more than limit-n were
// made in the hour before, and otherwise returns how long until they may
// be (an hour at most: n over the limit is never allowed).
func (l *searchLimiter) allow(user string, now time.Time, limit, n int) (time.Duration, bool) {
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
	if len(ts)+n > limit {
		l.seen[user] = ts
		if k := len(ts) + n - limit; n <= limit && k <= len(ts) {
			return ts[k-1].Sub(from), false
		}
		return time.Hour, false
	}
	for range n {
		ts = append(ts, now)
	}
	l.seen[user] = ts
	return 0, true
}

// searchDetail is what the audit event of a search by ID number digests.
type searchDetail struct {
	IDNumber string   `json:"id_number"` // masked
	Found    []string `json:"found"`
}

// checkIDSearch lets the caller look up the persons of the ID numbers if
// they have made no more than IDSearchesPerHour-len(numbers) such lookups
// in the last hour; otherwise it records the refusal of each in the audit
// trail and returns a Throttled error.
func (s *Service) checkIDSearch(ctx context.Context, p auth.Principal, code region.Code, numbers ...ids.ResidentID) error {
	limit := s.IDSearchesPerHour
	if limit <= 0 {
		limit = DefaultIDSearchesPerHour
	}
	wait, ok := s.searches.allow(p.Username, s.clock.Now(), limit, len(numbers))
	if ok {
		return nil
	}
	evs := make([]ReadEvent, len(numbers))
	for i, n := range numbers {
		masked := n.Masked()
		evs[i] = ReadEvent{Action: "person.search_refused", Kind: "person", ID: masked, Region: code, Detail: searchDetail{IDNumber: masked}}
	}
	if err := s.store.RecordReads(ctx, evs); err != nil {
		return err
	}
	return fault.Limited(wait, "at most %d searches by ID number an hour: try again later", limit)
}

// CheckIDSearches counts a request naming persons by the ID numbers (such
// as a batch of signals), each distinct number once, as that many searches
// by ID number of the caller, recorded in the audit trail with the number
// masked: whether it names a registered person is an answer too. Over the
// hourly limit (see Persons) it refuses them all with a Throttled error,
// the refusal recorded.
func (s *Service) CheckIDSearches(ctx context.Context, numbers []ids.ResidentID) error {
	p, err := auth.Require(ctx, auth.PermRegistryRead)
	if err != nil {
		return err
	}
	distinct := slices.Clone(numbers)
	slices.Sort(distinct)
	distinct = slices.Compact(distinct)
	if len(distinct) == 0 {
		return nil
	}
	if err := s.checkIDSearch(ctx, p, p.Scope, distinct...); err != nil {
		return err
	}
	evs := make([]ReadEvent, len(distinct))
	for i, n := range distinct {
		masked := n.Masked()
		evs[i] = ReadEvent{Action: "person.search", Kind: "person", ID: masked, Region: p.Scope, Detail: searchDetail{IDNumber: masked}}
	}
	return s.store.RecordReads(ctx, evs)
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

// registrationDetail is what the audit event of a registration refused
// because its ID number is registered already digests.
type registrationDetail struct {
	IDNumber string `json:"id_number"` // masked
	// Registration marks the search as a registration refused, not a
	// list asked for.
	Registration bool `json:"registration"`
	// Found is the key of the person registered with the number, for the
	// auditors; the caller is told it only when that person is in their
	// scope.
	Found []string `json:"found"`
	// OutOfScope says that person is outside the caller's scope.
	OutOfScope bool `json:"out_of_scope"`
}

// checkRegistration refuses to give id, the ID number of a person being
// registered in code (or of person self, whose number changes), when
// another person has it already. The refusal answers whether a guessed
// number is registered anywhere in the prefecture, so it counts as a
// search by ID number: recorded in the audit trail with the number
// masked, and over the hourly limit refused with Throttled instead. When
// the person registered is outside the caller's scope, the answer says
// only that the number cannot be registered here: nothing of that person,
// not even where they are.
func (s *Service) checkRegistration(ctx context.Context, id ids.ResidentID, code region.Code, self PersonID) error {
	p, err := auth.Require(ctx, auth.PermRegistryWrite)
	if err != nil {
		return err
	}
	existing, err := s.store.PersonByIDNumber(ctx, id)
	switch {
	case fault.CodeOf(err) == fault.NotFound:
		return nil
	case err != nil:
		return err
	case existing.ID == self:
		return nil
	}
	if err := s.checkIDSearch(ctx, p, code, id); err != nil {
		return err
	}
	masked := id.Masked()
	key := strconv.FormatInt(int64(existing.ID), 10)
	inScope := p.InScope(existing.RegionCode) && p.Can(auth.PermRegistryRead)
	ev := ReadEvent{Action: "person.search", Kind: "person", ID: masked, Region: code,
		Detail: registrationDetail{IDNumber: masked, Registration: true, Found: []string{key}, OutOfScope: !inScope}}
	if err := s.store.RecordReads(ctx, []ReadEvent{ev}); err != nil {
		return err
	}
	if inScope {
		return &fault.Error{Code: fault.Conflict, Message: "a person with this ID number is registered already",
			Fields: map[string]string{"id_number": "is registered already, as person " + key}}
	}
	return &fault.Error{Code: fault.Conflict, Message: "a person with this ID number is registered already",
		Fields: map[string]string{"id_number": "is registered already and cannot be registered here: ask the prefecture to check the record or transfer the person"}}
}
