package ratings

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"safetynet/internal/auth"
	"safetynet/internal/clock"
	"safetynet/internal/fault"
	"safetynet/internal/matters"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/workday"
)

// The parameters the service reads (policies/changji/parameters/ratings.yaml).
const (
	paramMaxLevel    = "ratings.follow_up_max_level"
	paramWorkingDays = "ratings.follow_up_working_days"
)

// The lengths of the texts.
const (
	maxApplicationNo = 40
	maxComment       = 500
	maxMeasures      = 1000
	maxContact       = 500
)

// Store keeps the ratings and their follow-ups.
type Store interface {
	// CreateRating records r and, when f is not nil, its follow-up, with
	// their audit events, in one transaction; a second rating of one
	// application is a Conflict. It sets r.ID, r.FollowUpID and f.ID.
	CreateRating(ctx context.Context, r *Rating, f *FollowUp) error
	// RatingByApplication returns the rating of an application.
	RatingByApplication(ctx context.Context, applicationNo string) (*Rating, error)
	// RatingFollowUp returns a follow-up.
	RatingFollowUp(ctx context.Context, id int64) (*FollowUp, error)
	// RatingFollowUps lists follow-ups (see FollowUpFilter), by ID.
	RatingFollowUps(ctx context.Context, f FollowUpFilter) ([]*FollowUp, error)
	// UpdateRatingFollowUp writes f's new state if its version is the one
	// stored (else a Conflict), bumping it, with the audit event action.
	UpdateRatingFollowUp(ctx context.Context, f *FollowUp, action string) error
	// RatingCounts counts the ratings and follow-ups of f, grouped by
	// f.By, as of today (for the overdue).
	RatingCounts(ctx context.Context, f Filter, today period.Date) ([]Count, error)
}

// Service records ratings and works their follow-ups.
type Service struct {
	store  Store
	pk     *policy.Package
	juris  region.Jurisdiction
	clock  clock.Clock
	office atomic.Pointer[matters.Office]
}

// NewService returns the service over store, reading its parameters from
// pk. It rates nothing until UseOffice gives it the front office's data.
func NewService(store Store, pk *policy.Package, j region.Jurisdiction, clk clock.Clock) *Service {
	return &Service{store: store, pk: pk, juris: j, clock: clk}
}

// UseOffice gives the service the catalogue of matters, the service points
// and the working-day calendar it checks ratings against and counts due
// dates on (app.App.LoadOffice calls it).
func (s *Service) UseOffice(off *matters.Office) { s.office.Store(off) }

// Office returns the front office's data the service was given, nil
// before UseOffice: the console names points and matters from it.
func (s *Service) Office() *matters.Office { return s.office.Load() }

// officeData returns the office, or an error when none was given.
func (s *Service) officeData() (*matters.Office, error) {
	off := s.office.Load()
	if off == nil || off.Calendar == nil || off.Points == nil || off.Catalogue == nil {
		return nil, errors.New("ratings: the front office's catalogue, points and calendar are not loaded")
	}
	return off, nil
}

// Rate records the rating of an application and, for a poor one, opens
// its follow-up in the same transaction.
//
// The contract with the core: Rate is called only once the application
// was finished (办结) or refused, with its facts as they are recorded on
// it; this package takes them as given and does not read the application.
// It checks that the matter and the point exist in the catalogue, that the
// department is the matter's, and records the point's region, in whose
// scope the follow-up is worked.
//
// The caller is staff recording a rating given at the counter (one of
// recordPerms in the point's region, and not the clerk who received the
// application: a clerk does not enter their own rating), or the system
// principal of the counter's rating pad (评价器), which records what the
// applicant pressed. The citizen's own channel comes with the citizen
// routes. A second rating of one application is a Conflict.
func (s *Service) Rate(ctx context.Context, in Input) (*Rating, error) {
	p, err := requireRecorder(ctx)
	if err != nil {
		return nil, err
	}
	off, err := s.officeData()
	if err != nil {
		return nil, err
	}
	var pr fault.Problems
	in.ApplicationNo = strings.TrimSpace(in.ApplicationNo)
	switch {
	case in.ApplicationNo == "":
		pr.Add("application_no", "is required")
	case utf8.RuneCountInString(in.ApplicationNo) > maxApplicationNo:
		pr.Add("application_no", "is at most %d characters", maxApplicationNo)
	}
	m, ok := off.Catalogue.Matter(in.MatterID)
	switch {
	case in.MatterID == "":
		pr.Add("matter_id", "is required")
	case !ok:
		pr.Add("matter_id", "no matter %q in the catalogue", in.MatterID)
	case in.Department != m.Department.ID:
		pr.Add("department", "matter %s belongs to department %s, not %q", m.ID, m.Department.ID, in.Department)
	}
	pt, ok := off.Points.Point(in.PointID)
	switch {
	case in.PointID == "":
		pr.Add("point_id", "is required")
	case !ok:
		pr.Add("point_id", "no service point %q", in.PointID)
	}
	if !slices.Contains(matters.Channels(), in.Channel) {
		pr.Add("channel", "must be one of window, online, mobile, cross_province, bank, township or village, not %q", in.Channel)
	}
	if !slices.Contains(Vias(), in.RatedVia) {
		pr.Add("rated_via", "must be counter, online or mobile, not %q", in.RatedVia)
	}
	if !in.Level.Valid() {
		pr.Add("level", "must be 1 (非常不满意) to 5 (非常满意), not %d", in.Level)
	}
	in.Comment = strings.TrimSpace(in.Comment)
	if utf8.RuneCountInString(in.Comment) > maxComment {
		pr.Add("comment", "is at most %d characters", maxComment)
	}
	if in.ClerkUserID < 0 {
		pr.Add("clerk_user_id", "must be a user's ID, or 0 when no clerk received the application")
	}
	if (in.PersonID > 0) == (in.OrganisationID > 0) {
		pr.Add("person_id", "name the applicant who rates: a person_id or an organisation_id, exactly one")
	}
	if in.PersonID < 0 || in.OrganisationID < 0 {
		pr.Add("person_id", "IDs are positive")
	}
	if _, ok := s.juris.Tree.Node(in.RegionCode); !ok {
		pr.Add("region_code", "must be a region of the tree, not %q", in.RegionCode)
	}
	if err := pr.Err("invalid rating"); err != nil {
		return nil, err
	}
	if !p.InScope(pt.Region) {
		return nil, fault.Errorf(fault.Forbidden, "service point %s is outside your scope %s", pt.ID, p.Scope)
	}
	if in.ClerkUserID > 0 && p.UserID == in.ClerkUserID {
		return nil, fault.Keyed(fault.Forbidden, "maker_checker",
			"application %s was received by you: the applicant's rating of it is recorded by another user or given online", in.ApplicationNo)
	}
	today := s.clock.Today()
	r := &Rating{ApplicationNo: in.ApplicationNo, MatterID: m.ID, Department: m.Department.ID, PointID: pt.ID, PointRegion: pt.Region,
		Channel: in.Channel, RatedVia: in.RatedVia, ClerkUserID: in.ClerkUserID, RegionCode: in.RegionCode, Level: in.Level,
		Comment: in.Comment, PersonID: in.PersonID, OrganisationID: in.OrganisationID, RatedOn: today,
		RecordedBy: p.UserID, RecordedByName: p.Username}
	maxLevel, _, err := s.pk.Value(paramMaxLevel, today, pt.Region)
	if err != nil {
		return nil, err
	}
	var f *FollowUp
	if int64(in.Level) <= maxLevel {
		f = &FollowUp{ApplicationNo: r.ApplicationNo, RegionCode: pt.Region, PointID: pt.ID, MatterID: m.ID, Level: in.Level,
			OpenedOn: today, Status: StatusOpen}
		days, _, err := s.pk.Value(paramWorkingDays, today, pt.Region)
		if err != nil {
			return nil, err
		}
		due, err := off.Calendar.AddWorkingDays(today, int(days))
		var unpub *workday.UnpublishedError
		switch {
		case errors.As(err, &unpub):
			// The year's holidays are not published: the due date is
			// pending, recorded with the year, never guessed.
			f.DuePendingYear = unpub.Year
		case err != nil:
			return nil, err
		default:
			f.DueOn = due
		}
	}
	if err := s.store.CreateRating(ctx, r, f); err != nil {
		if fault.CodeOf(err) == fault.Conflict {
			return nil, fault.Errorf(fault.Conflict, "application %s has been rated already: one rating per application", r.ApplicationNo)
		}
		return nil, err
	}
	return r, nil
}

// recordPerms are the permissions any one of which lets staff record a
// counter rating (in the point's region): the counter's write permission.
var recordPerms = []auth.Permission{auth.PermRegistryWrite, auth.PermReceive}

// requireRecorder checks that the caller holds one of recordPerms.
func requireRecorder(ctx context.Context) (auth.Principal, error) {
	var err error
	for _, perm := range recordPerms {
		var p auth.Principal
		if p, err = auth.Require(ctx, perm); err == nil {
			return p, nil
		}
	}
	return auth.Principal{}, err
}

// Rating returns the rating of an application, to staff who read the
// registry in the point's region; outside the scope it is answered as
// missing.
func (s *Service) Rating(ctx context.Context, applicationNo string) (*Rating, error) {
	if _, err := auth.Require(ctx, auth.PermRegistryRead); err != nil {
		return nil, err
	}
	r, err := s.store.RatingByApplication(ctx, applicationNo)
	if err != nil {
		return nil, err
	}
	if _, err := auth.RequireFound(ctx, auth.PermRegistryRead, r.PointRegion, "rating of application", applicationNo); err != nil {
		return nil, err
	}
	return r, nil
}

// FollowUpFilter selects follow-ups: in a region's subtree (the caller's
// scope when empty), by state, the overdue ones, or those the caller
// answered, after an ID, at most Limit (100 when 0, 1000 at most).
type FollowUpFilter struct {
	Region region.Code
	// Status is open, answered or closed; empty for any.
	Status Status
	// Overdue keeps those not closed whose due date is before Today.
	Overdue bool
	Today   period.Date
	// AnsweredBy keeps those a user answered (mine).
	AnsweredBy int64
	After      int64
	Limit      int
}

// FollowUps lists the follow-ups in the caller's scope (ratings.follow_up,
// or registry.read to look), each with Overdue set as of today.
func (s *Service) FollowUps(ctx context.Context, f FollowUpFilter) ([]*FollowUp, error) {
	p, err := s.requireReader(ctx)
	if err != nil {
		return nil, err
	}
	if f.Region == "" {
		f.Region = p.Scope
	}
	if !p.InScope(f.Region) {
		return nil, fault.Errorf(fault.Forbidden, "region %s is outside your scope %s", f.Region, p.Scope)
	}
	if f.Status != "" && !slices.Contains([]Status{StatusOpen, StatusAnswered, StatusClosed}, f.Status) {
		return nil, fault.Problems{"status": "must be open, answered or closed"}.Err("invalid follow-up list")
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	f.Limit = min(f.Limit, 1000)
	f.Today = s.clock.Today()
	out, err := s.store.RatingFollowUps(ctx, f)
	if err != nil {
		return nil, err
	}
	for _, fu := range out {
		fu.Overdue = fu.OverdueOn(f.Today)
	}
	return out, nil
}

// requireReader is the check of the follow-up reads: the follow-up
// permission, or registry.read (auditors and caseworkers look).
func (s *Service) requireReader(ctx context.Context) (auth.Principal, error) {
	p, err := auth.Require(ctx, auth.PermRatingsFollowUp)
	if fault.CodeOf(err) == fault.Forbidden {
		return auth.Require(ctx, auth.PermRegistryRead)
	}
	return p, err
}

// FollowUp returns a follow-up in the caller's scope; outside it, it is
// answered as missing.
func (s *Service) FollowUp(ctx context.Context, id int64) (*FollowUp, error) {
	if _, err := s.requireReader(ctx); err != nil {
		return nil, err
	}
	f, err := s.store.RatingFollowUp(ctx, id)
	if err != nil {
		return nil, err
	}
	p, _ := auth.PrincipalFrom(ctx)
	if !p.InScope(f.RegionCode) {
		return nil, auth.NotFound("rating follow-up", id)
	}
	f.Overdue = f.OverdueOn(s.clock.Today())
	return f, nil
}

// Answer is the point head's answer to a follow-up.
type Answer struct {
	// Measures is what was put right (整改情况), at most 1000 characters.
	Measures string
	// Contact is how the applicant was contacted and what they said
	// (回访), at most 500 characters, on ContactedOn (not in the future,
	// not before the rating).
	Contact     string
	ContactedOn period.Date
	// Version is the follow-up's version the head read.
	Version int64
}

// changeable loads follow-up id for a change by the caller, who must hold
// ratings.follow_up in its region (outside it, it is answered as
// missing).
func (s *Service) changeable(ctx context.Context, id int64) (*FollowUp, auth.Principal, error) {
	if _, err := auth.Require(ctx, auth.PermRatingsFollowUp); err != nil {
		return nil, auth.Principal{}, err
	}
	f, err := s.store.RatingFollowUp(ctx, id)
	if err != nil {
		return nil, auth.Principal{}, err
	}
	p, err := auth.RequireFound(ctx, auth.PermRatingsFollowUp, f.RegionCode, "rating follow-up", id)
	if err != nil {
		return nil, p, err
	}
	return f, p, nil
}

// Answer records the head's answer to an open follow-up: it becomes
// answered, waiting for a second user to close it.
func (s *Service) Answer(ctx context.Context, id int64, a Answer) (*FollowUp, error) {
	f, p, err := s.changeable(ctx, id)
	if err != nil {
		return nil, err
	}
	today := s.clock.Today()
	var pr fault.Problems
	a.Measures, a.Contact = strings.TrimSpace(a.Measures), strings.TrimSpace(a.Contact)
	switch {
	case a.Measures == "":
		pr.Add("measures", "say what was put right (整改情况)")
	case utf8.RuneCountInString(a.Measures) > maxMeasures:
		pr.Add("measures", "is at most %d characters", maxMeasures)
	}
	switch {
	case a.Contact == "":
		pr.Add("contact", "say how the applicant was contacted and what they said (回访)")
	case utf8.RuneCountInString(a.Contact) > maxContact:
		pr.Add("contact", "is at most %d characters", maxContact)
	}
	switch {
	case a.ContactedOn.IsZero():
		pr.Add("contacted_on", "is required: the day the applicant was contacted")
	case a.ContactedOn > today:
		pr.Add("contacted_on", "%s is in the future", a.ContactedOn)
	case a.ContactedOn < f.OpenedOn:
		pr.Add("contacted_on", "%s is before the rating of %s", a.ContactedOn, f.OpenedOn)
	}
	if err := pr.Err("invalid answer"); err != nil {
		return nil, err
	}
	if f.Status != StatusOpen {
		return nil, fault.Errorf(fault.Conflict, "follow-up %d is %s: only an open one is answered", id, f.Status)
	}
	if a.Version != 0 && a.Version != f.Version {
		return nil, fault.Errorf(fault.Conflict, "follow-up %d has changed since you read it (version %d, now %d): reload it", id, a.Version, f.Version)
	}
	f.Status, f.Measures, f.Contact, f.ContactedOn = StatusAnswered, a.Measures, a.Contact, a.ContactedOn
	f.AnsweredBy, f.AnsweredByName, f.AnsweredAt = p.UserID, p.Username, s.clock.Now()
	if err := s.store.UpdateRatingFollowUp(ctx, f, "ratings.follow_up_answered"); err != nil {
		return nil, err
	}
	f.Overdue = f.OverdueOn(today)
	return f, nil
}

// Close is a second user's confirmation of an answered follow-up.
type Close struct {
	// Note is what the closer checked, at most 500 characters (optional).
	Note    string
	Version int64
}

// Close closes an answered follow-up. The closer holds ratings.follow_up
// in its region and is not the user who answered it (maker-checker): a
// second head of the point or one above it, such as the county's.
func (s *Service) Close(ctx context.Context, id int64, c Close) (*FollowUp, error) {
	f, p, err := s.changeable(ctx, id)
	if err != nil {
		return nil, err
	}
	c.Note = strings.TrimSpace(c.Note)
	if utf8.RuneCountInString(c.Note) > maxContact {
		return nil, fault.Problems{"note": "is at most 500 characters"}.Err("invalid close")
	}
	if f.Status != StatusAnswered {
		return nil, fault.Errorf(fault.Conflict, "follow-up %d is %s: only an answered one is closed", id, f.Status)
	}
	if err := auth.SecondUser(p, []int64{f.AnsweredBy}, "follow-up %d was answered by you: another user closes it", id); err != nil {
		return nil, err
	}
	if c.Version != 0 && c.Version != f.Version {
		return nil, fault.Errorf(fault.Conflict, "follow-up %d has changed since you read it (version %d, now %d): reload it", id, c.Version, f.Version)
	}
	f.Status, f.CloseNote = StatusClosed, c.Note
	f.ClosedBy, f.ClosedByName, f.ClosedAt = p.UserID, p.Username, s.clock.Now()
	if err := s.store.UpdateRatingFollowUp(ctx, f, "ratings.follow_up_closed"); err != nil {
		return nil, err
	}
	return f, nil
}
