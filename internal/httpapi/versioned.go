package httpapi

import (
	"net/http"

	"safetynet/internal/fault"
)

// versionedBody is the body of an action on a versioned record: it carries
// the version the client read, for optimistic locking (a stale one is a
// 409 from the domain).
type versionedBody interface {
	// versionSent is the body's version field; nil when it was left out.
	versionSent() *int64
}

// versioned reads the request of an action on a versioned record: the path
// parameters P, then the body B, whose version is required. check, when
// not nil, reads the body's other fields into the same problems, so that a
// 422 titled what names every bad field at once; an error check returns
// (not a field's problem) is returned before them.
func versioned[P any, B versionedBody](r *http.Request, what string, check func(pr *fault.Problems, req *B) error) (P, B, int64, error) {
	var req B
	p, err := bind[P](r)
	if err != nil {
		return p, req, 0, err
	}
	if req, err = decode[B](r); err != nil {
		return p, req, 0, err
	}
	var pr fault.Problems
	version := requireVersion(&pr, req.versionSent())
	if check != nil {
		if err := check(&pr, &req); err != nil {
			return p, req, 0, err
		}
	}
	if err := pr.Err(what); err != nil {
		return p, req, 0, err
	}
	return p, req, version, nil
}

// versionedID is versioned for the routes whose only path parameter is the
// shared {id} (idParams): it gives the id as the domain's id type.
func versionedID[ID ~int64, B versionedBody](r *http.Request, what string, check func(pr *fault.Problems, req *B) error) (ID, B, int64, error) {
	p, req, version, err := versioned[idParams, B](r, what, check)
	return ID(p.ID), req, version, err
}

func (b caseActionRequest) versionSent() *int64  { return b.Version }
func (b visitRequest) versionSent() *int64       { return b.Version }
func (b dispositionRequest) versionSent() *int64 { return b.Version }
func (b stopRequest) versionSent() *int64        { return b.Version }
func (b meansTestRequest) versionSent() *int64   { return b.Version }
func (b employmentPatch) versionSent() *int64    { return b.Version }
func (b householdPatch) versionSent() *int64     { return b.Version }
func (b transitionRequest) versionSent() *int64  { return b.Version }
func (b organisationPatch) versionSent() *int64  { return b.Version }
func (b personPatch) versionSent() *int64        { return b.Version }
