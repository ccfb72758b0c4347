// Package audit defines the tamper-evident audit trail (审计日志): every state
// change, and every read of a person's file, is recorded as an Event in the
// same transaction as the change, and each event's hash covers the previous
// event's hash, so that an edited, inserted or deleted event breaks the chain.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// Actor is who did something: a user of the system or a named system process.
type Actor struct {
	// UserID is the user's surrogate ID, 0 for a system process.
	UserID int64 `json:"user_id"`
	// Name is the username or the system process name (e.g. "system:gen").
	Name string `json:"name"`
	// Role is the user's role at the time of the action.
	Role string `json:"role"`
}

// System returns the actor for a named system process such as "gen" or
// "migrate".
func System(process string) Actor {
	return Actor{Name: "system:" + process, Role: "system"}
}

type actorKey struct{}

// WithActor returns a context that carries the acting user or process.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor carried by ctx.
func ActorFrom(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok && a.Name != ""
}

// Event is one entry of the audit trail.
type Event struct {
	Seq        int64     `json:"seq"`
	At         time.Time `json:"at"`
	Actor      Actor     `json:"actor"`
	Action     string    `json:"action"`      // e.g. "person.create", "person.read"
	EntityKind string    `json:"entity_kind"` // e.g. "person"
	EntityID   string    `json:"entity_id"`
	RegionCode string    `json:"region_code"`
	// Digest is the SHA-256 of the canonical JSON of the change (the new
	// state, or the request for reads), hex-encoded. The change itself is
	// not stored here, so the trail holds no personal data.
	Digest string `json:"digest"`
	// Fields names the fields the change touched, for the auditor's view.
	Fields   []string `json:"fields,omitempty"`
	PrevHash string   `json:"prev_hash"`
	Hash     string   `json:"hash"`
}

// NewEvent returns an unsealed event for action on the entity, with the
// actor from ctx and the digest of change.
func NewEvent(ctx context.Context, action, kind, id, regionCode string, change any) (Event, error) {
	actor, ok := ActorFrom(ctx)
	if !ok {
		return Event{}, fmt.Errorf("audit %s: no actor in context", action)
	}
	digest, err := Digest(change)
	if err != nil {
		return Event{}, fmt.Errorf("audit %s: %w", action, err)
	}
	return Event{Actor: actor, Action: action, EntityKind: kind, EntityID: id, RegionCode: regionCode, Digest: digest}, nil
}

// Digest returns the hex SHA-256 of v's JSON encoding.
func Digest(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("digest: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// Seal sets e's sequence number, previous hash and hash. At must already be
// set (UTC, truncated to microseconds so that both databases store it
// exactly).
func (e *Event) Seal(seq int64, prevHash string) {
	e.Seq = seq
	e.PrevHash = prevHash
	e.Hash = e.ComputeHash()
}

// ComputeHash returns the hash the event should have given its content and
// PrevHash.
func (e *Event) ComputeHash() string {
	h := sha256.New()
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(e.Seq))
	h.Write(n[:])
	writeField := func(s string) {
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	writeField(e.PrevHash)
	writeField(e.At.UTC().Format(time.RFC3339Nano))
	binary.BigEndian.PutUint64(n[:], uint64(e.Actor.UserID))
	h.Write(n[:])
	writeField(e.Actor.Name)
	writeField(e.Actor.Role)
	writeField(e.Action)
	writeField(e.EntityKind)
	writeField(e.EntityID)
	writeField(e.RegionCode)
	writeField(e.Digest)
	binary.BigEndian.PutUint64(n[:], uint64(len(e.Fields)))
	h.Write(n[:])
	for _, f := range e.Fields {
		writeField(f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Break describes the first place where the chain does not hold.
type Break struct {
	Seq    int64  `json:"seq"`
	Reason string `json:"reason"`
}

// Verifier checks events in sequence order, one at a time, so that a chain
// of millions of events is verified in constant memory.
type Verifier struct {
	prevSeq  int64
	prevHash string
	count    int64
	broken   *Break
	keep     map[int64]bool
	kept     map[int64]string
}

// Keep asks the verifier to remember the hashes of the events with these
// sequence numbers (the checkpoints' heads), for Hashes.
func (v *Verifier) Keep(seqs ...int64) {
	if v.keep == nil {
		v.keep, v.kept = map[int64]bool{}, map[int64]string{}
	}
	for _, s := range seqs {
		v.keep[s] = true
	}
}

// Hashes returns the hashes of the kept events that the chain verified.
func (v *Verifier) Hashes() map[int64]string { return v.kept }

// Resume starts the verifier after an event already trusted (the head of
// a checkpoint): the next event must be seq+1 and link to hash.
func (v *Verifier) Resume(seq int64, hash string) { v.prevSeq, v.prevHash = seq, hash }

// Last returns the sequence number of the last event verified.
func (v *Verifier) Last() int64 { return v.prevSeq }

// Add checks the next event. It returns false once the chain is broken; the
// break is then available from Break.
func (v *Verifier) Add(e *Event) bool {
	if v.broken != nil {
		return false
	}
	switch {
	case e.Seq != v.prevSeq+1:
		v.broken = &Break{Seq: v.prevSeq + 1, Reason: fmt.Sprintf("event %d is missing (next stored event is %d)", v.prevSeq+1, e.Seq)}
	case e.PrevHash != v.prevHash:
		v.broken = &Break{Seq: e.Seq, Reason: fmt.Sprintf("event %d does not link to event %d (prev_hash differs)", e.Seq, v.prevSeq)}
	case e.ComputeHash() != e.Hash:
		v.broken = &Break{Seq: e.Seq, Reason: fmt.Sprintf("event %d was altered (its content does not match its hash)", e.Seq)}
	default:
		v.prevSeq, v.prevHash = e.Seq, e.Hash
		v.count++
		if v.keep[e.Seq] {
			v.kept[e.Seq] = e.Hash
		}
		return true
	}
	return false
}

// Finish checks the chain's end against the recorded head (the last sequence
// number and hash, kept apart from the events so that deleting the newest
// events is detected too) and returns the number of good events and the
// first break, if any.
func (v *Verifier) Finish(headSeq int64, headHash string) (int64, *Break) {
	if v.broken == nil && (headSeq != v.prevSeq || headHash != v.prevHash) {
		v.broken = &Break{Seq: v.prevSeq + 1, Reason: fmt.Sprintf("the chain ends at event %d but the head records event %d", v.prevSeq, headSeq)}
	}
	return v.count, v.broken
}
