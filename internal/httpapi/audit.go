package httpapi

import (
	"net/http"
	"time"

	"safetynet/internal/audit"
	"safetynet/internal/auth"
	"safetynet/internal/region"
)

// auditActor is who did something.
type auditActor struct {
	UserID int64  `json:"user_id"`
	Name   string `json:"name"`
	Role   string `json:"role"`
}

// auditEventResponse is one event of the hash-chained audit trail.
type auditEventResponse struct {
	Seq        int64      `json:"seq"`
	At         time.Time  `json:"at"`
	Actor      auditActor `json:"actor"`
	Action     string     `json:"action" example:"person.read"`
	EntityKind string     `json:"entity_kind" example:"person"`
	EntityID   string     `json:"entity_id"`
	RegionCode string     `json:"region_code,omitempty"`
	// Digest is the SHA-256 of the change; the change itself is not kept
	// in the trail.
	Digest   string   `json:"digest"`
	Fields   []string `json:"fields,omitempty"`
	PrevHash string   `json:"prev_hash"`
	Hash     string   `json:"hash"`
}

func auditEventOf(e audit.Event) auditEventResponse {
	return auditEventResponse{
		Seq: e.Seq, At: e.At, Actor: auditActor{UserID: e.Actor.UserID, Name: e.Actor.Name, Role: e.Actor.Role},
		Action: e.Action, EntityKind: e.EntityKind, EntityID: e.EntityID, RegionCode: e.RegionCode,
		Digest: e.Digest, Fields: e.Fields, PrevHash: e.PrevHash, Hash: e.Hash,
	}
}

// auditListParams are the parameters of GET /api/v1/audit.
type auditListParams struct {
	pageParams
}

// auditVisible reports whether p may see event e: events of regions in the
// scope, and events tied to no region for those who oversee a whole
// prefecture or province.
func auditVisible(p auth.Principal, e audit.Event) bool {
	if e.RegionCode == "" {
		l := p.Scope.Level()
		return l == region.Province || l == region.Prefecture
	}
	return p.InScope(region.Code(e.RegionCode))
}

// handleListAudit lists audit events in sequence order, for auditors. A
// page reads limit events and keeps those in the caller's scope, so it may
// hold fewer than limit items; keep reading while next_after is not null.
func (s *server) handleListAudit(w http.ResponseWriter, r *http.Request) error {
	p, err := auth.Require(r.Context(), auth.PermAuditRead)
	if err != nil {
		return err
	}
	in, err := bind[auditListParams](r)
	if err != nil {
		return err
	}
	page := in.page()
	evs, err := s.aud.AuditEvents(r.Context(), page.After, page.Limit)
	if err != nil {
		return err
	}
	out := listResponse[auditEventResponse]{Items: make([]auditEventResponse, 0, len(evs))}
	if size := page.Limit - 1; len(evs) > size {
		evs = evs[:size]
		next := evs[len(evs)-1].Seq
		out.NextAfter = &next
	}
	for _, e := range evs {
		if auditVisible(p, e) {
			out.Items = append(out.Items, auditEventOf(e))
		}
	}
	reply(w, r, http.StatusOK, out)
	return nil
}
