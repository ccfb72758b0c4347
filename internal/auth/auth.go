// Package auth holds users, posts and roles scoped to a region subtree
// (岗位权限), the permissions each role grants, and login sessions.
package auth

import (
	"context"
	"slices"
	"strings"
	"time"

	"safetynet/internal/audit"
	"safetynet/internal/fault"
	"safetynet/internal/region"
)

// Permission is one thing a role allows.
type Permission string

// The permissions.
const (
	// PermRegistryRead allows reading the registry within the user's scope.
	PermRegistryRead Permission = "registry.read"
	// PermRegistryWrite allows creating and changing registry records.
	PermRegistryWrite Permission = "registry.write"
	// PermPII allows seeing ID numbers, phones and bank accounts unmasked.
	PermPII Permission = "pii.view"
	// PermApprove allows approving decisions that move money (checker).
	PermApprove Permission = "decision.approve"
	// PermAuditRead allows reading and verifying the audit trail.
	PermAuditRead Permission = "audit.read"
	// PermRegionAdmin allows changing the region tree.
	PermRegionAdmin Permission = "region.admin"
	// PermUserAdmin allows managing users.
	PermUserAdmin Permission = "user.admin"
	// PermInsurance allows enrolling, assessing and posting contributions.
	PermInsurance Permission = "insurance.write"
	// PermAssistance allows civil-affairs casework: means tests,
	// assistance cases, reviews and allowance runs.
	PermAssistance Permission = "assistance.write"
	// PermPayment allows making payment instructions and batches, posting
	// bank returns and holding or releasing payments (the approval of a
	// batch is PermApprove's).
	PermPayment Permission = "payment.write"
	// PermStatistics allows summarising a month's published figures into
	// the stored statistics the dashboards read (docs/statistics.md).
	PermStatistics Permission = "statistics.summarise"
	// PermRatingsFollowUp allows answering and closing the follow-ups of
	// poor ratings (差评整改) of the service points in the user's scope.
	PermRatingsFollowUp Permission = "ratings.follow_up"
	// PermReceive allows receiving matter applications at a service point
	// or through a channel (受理, docs/frontoffice.md).
	PermReceive Permission = "frontoffice.receive"
)

// Role is a post's bundle of permissions.
type Role string

// The roles.
const (
	// RoleAdmin is the system administrator (系统管理员).
	RoleAdmin Role = "admin"
	// RoleCaseworker is a window or township caseworker (经办员): reads and
	// changes records in scope, sees personal data masked.
	RoleCaseworker Role = "caseworker"
	// RoleApprover is a reviewer-approver (审核审批员): sees personal data in
	// full to verify it, approves decisions made by others.
	RoleApprover Role = "approver"
	// RoleAuditor is the supervisor (稽核监督员): read-only, reads the audit
	// trail, sees personal data masked.
	RoleAuditor Role = "auditor"
	// RoleAnalyst reads statistics and masked records only (统计分析员).
	RoleAnalyst Role = "analyst"
	// RoleCitizen is an insured person or benefit recipient (参保人) using
	// the online service: no permission over anybody's records, only
	// reads of their own (see RequireSelfOr).
	RoleCitizen Role = "citizen"
	// RolePointHead is the head of a service point's windows (窗口负责人):
	// answers and closes the follow-ups of poor ratings in the scope.
	RolePointHead Role = "point_head"
	// RoleClerk is a counter clerk (综合柜员) of a service point: receives
	// any matter of the catalogue within the post's region and reads the
	// registry, and decides nothing (docs/frontoffice.md).
	RoleClerk Role = "clerk"
)

var rolePerms = map[Role][]Permission{
	RoleAdmin:      {PermRegistryRead, PermRegistryWrite, PermPII, PermAuditRead, PermRegionAdmin, PermUserAdmin, PermInsurance, PermAssistance, PermPayment, PermStatistics, PermRatingsFollowUp, PermReceive},
	RoleCaseworker: {PermRegistryRead, PermRegistryWrite, PermInsurance, PermAssistance, PermPayment, PermReceive},
	RoleClerk:      {PermRegistryRead, PermReceive},
	RoleApprover:   {PermRegistryRead, PermPII, PermApprove},
	RoleAuditor:    {PermRegistryRead, PermAuditRead},
	RoleAnalyst:    {PermRegistryRead, PermStatistics},
	RoleCitizen:    {},
	RolePointHead:  {PermRegistryRead, PermRatingsFollowUp},
}

// Roles returns every role, in a stable order.
func Roles() []Role {
	return []Role{RoleAdmin, RoleCaseworker, RoleApprover, RoleAuditor, RoleAnalyst, RoleCitizen, RoleClerk, RolePointHead}
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { _, ok := rolePerms[r]; return ok }

// Permissions returns the permissions r grants.
func (r Role) Permissions() []Permission { return slices.Clone(rolePerms[r]) }

// Has reports whether r grants p.
func (r Role) Has(p Permission) bool { return slices.Contains(rolePerms[r], p) }

// User is a person who signs in to safetynet. A user holds one or more
// posts (岗位), each a role over a region subtree, and acts in one of them
// at a time (see Principal).
type User struct {
	ID          int64  `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	// Role and Scope are those of the user's first live post: the post a
	// sign-in acts in unless it names another. Empty when the user holds
	// no post any more. The store fills them in from Posts.
	Role  Role        `json:"role"`
	Scope region.Code `json:"scope"`
	// Posts are every post the user holds or held, by ID; a revoked one
	// has RevokedAt set.
	Posts []Post `json:"posts"`
	// PersonID is the registry person a citizen account belongs to; 0 for
	// staff.
	PersonID     int64  `json:"person_id,omitempty"`
	PasswordHash string `json:"-"`
	// MustChangePassword is set on an account an administrator created
	// or whose password an administrator reset: until the user changes
	// the password, its sessions may only read the user and change the
	// password (see RequirePasswordChanged).
	MustChangePassword bool      `json:"must_change_password"`
	Disabled           bool      `json:"disabled"`
	CreatedAt          time.Time `json:"created_at"`
}

// LivePosts returns the posts the user holds now, by ID.
func (u *User) LivePosts() []Post {
	var out []Post
	for _, p := range u.Posts {
		if p.Live() {
			out = append(out, p)
		}
	}
	return out
}

// LivePost returns the live post id of the user, and whether it holds it.
func (u *User) LivePost(id int64) (Post, bool) {
	for _, p := range u.Posts {
		if p.ID == id && p.Live() {
			return p, true
		}
	}
	return Post{}, false
}

// SetPrimary sets Role and Scope from the first live post (see User); the
// store calls it after loading Posts.
func (u *User) SetPrimary() {
	u.Role, u.Scope = "", ""
	if live := u.LivePosts(); len(live) > 0 {
		u.Role, u.Scope = live[0].Role, live[0].Region
	}
}

// Principal is the signed-in user acting in a request, in one of its posts
// (the active post): Role and Scope are that post's. Maker-checker rules
// compare users (UserID), never posts: a user holding a caseworker and an
// approver post still cannot approve their own work.
type Principal struct {
	UserID      int64
	Username    string
	DisplayName string
	Role        Role
	Scope       region.Code
	// PostID is the active post; 0 for a system process.
	PostID int64
	// Posts are every post the user holds now, the active one among them,
	// to offer a switch (POST /api/v1/session/post).
	Posts []Post
	// PersonID is the registry person of a citizen; 0 for staff.
	PersonID int64
	// MustChangePassword is the user's flag (see User): while it is set,
	// Require refuses everything.
	MustChangePassword bool
}

// Can reports whether the principal's role grants p.
func (p Principal) Can(perm Permission) bool { return p.Role.Has(perm) }

// InScope reports whether a record in region code lies in the principal's
// scope.
func (p Principal) InScope(code region.Code) bool { return p.Scope.Contains(code) }

// Actor returns the audit actor for the principal.
func (p Principal) Actor() audit.Actor {
	return audit.Actor{UserID: p.UserID, Name: p.Username, Role: string(p.Role)}
}

type principalKey struct{}

// WithPrincipal returns a context carrying p, and p as the audit actor.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	ctx = context.WithValue(ctx, principalKey{}, p)
	return audit.WithActor(ctx, p.Actor())
}

// PrincipalFrom returns the principal carried by ctx.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// SystemPrincipal returns an all-powerful principal over the whole scope for
// a named system process (CLI commands run by the operator, such as gen).
func SystemPrincipal(process string, scope region.Code) Principal {
	return Principal{Username: "system:" + process, Role: RoleAdmin, Scope: scope}
}

// System reports whether the principal is a system process (see
// SystemPrincipal; seeding processes may use negative user IDs to act as
// distinct makers and checkers) rather than a signed-in user: an
// operator's command run on the server, never an API request, whose
// users have positive IDs.
func (p Principal) System() bool {
	return p.UserID <= 0 && strings.HasPrefix(p.Username, "system:")
}

// Require returns the principal in ctx if it has perm, or an Unauthenticated
// or Forbidden error.
func Require(ctx context.Context, perm Permission) (Principal, error) {
	p, ok := PrincipalFrom(ctx)
	if !ok {
		return Principal{}, fault.Errorf(fault.Unauthenticated, "sign in first")
	}
	if p.MustChangePassword {
		return Principal{}, errPasswordChange()
	}
	if !p.Can(perm) {
		return Principal{}, fault.Errorf(fault.Forbidden, "role %s may not %s", p.Role, perm)
	}
	return p, nil
}

// CodePasswordChange is the fault code of a request refused because the
// user must change the password first (see User.MustChangePassword); the
// API answers it 403 with the problem type
// urn:safetynet:problem:password_change_required.
const CodePasswordChange fault.Code = "password_change_required"

// errPasswordChange is the error of a session whose user must change the
// password first.
func errPasswordChange() error {
	return fault.Errorf(CodePasswordChange, "the password must be changed first: POST /api/v1/me/password with the current and a new password")
}

// RequirePasswordChanged returns CodePasswordChange's error when the
// principal in ctx must change the password before anything else, and nil
// otherwise (no principal included).
func RequirePasswordChanged(ctx context.Context) error {
	if p, ok := PrincipalFrom(ctx); ok && p.MustChangePassword {
		return errPasswordChange()
	}
	return nil
}

// RequireIn is Require plus a check that code lies in the principal's scope.
func RequireIn(ctx context.Context, perm Permission, code region.Code) (Principal, error) {
	p, err := Require(ctx, perm)
	if err != nil {
		return p, err
	}
	if !p.InScope(code) {
		return p, fault.Errorf(fault.Forbidden, "the region is outside your scope %s", p.Scope)
	}
	return p, nil
}

// NotFound returns the error of a missing record: kind and key as the
// store names them when there is no such record ("person 12 not found").
func NotFound(kind string, key any) error {
	return fault.Errorf(fault.NotFound, "%s %v not found", kind, key)
}

// RequireFound is RequireIn for a record the caller named by its key or ID
// number and that lives in region code: outside the principal's scope the
// record is answered as missing, with NotFound(kind, key), exactly as if
// it did not exist, so that a refusal tells neither that it exists nor
// where it is. kind and key must be those the store's own NotFound error
// names.
func RequireFound(ctx context.Context, perm Permission, code region.Code, kind string, key any) (Principal, error) {
	return RequireOr(ctx, perm, code, NotFound(kind, key))
}

// RequireOr is RequireFound for a record whose missing is answered by
// another error than NotFound(kind, key): outside the principal's scope it
// returns notFound, the very error the caller returns when there is no
// such record.
func RequireOr(ctx context.Context, perm Permission, code region.Code, notFound error) (Principal, error) {
	p, err := Require(ctx, perm)
	if err != nil {
		return p, err
	}
	if !p.InScope(code) {
		return p, notFound
	}
	return p, nil
}

// RequireSelfOr lets a citizen read their own records (personID) and
// anyone else only with perm in the scope of code.
func RequireSelfOr(ctx context.Context, perm Permission, personID int64, code region.Code) (Principal, error) {
	p, ok := PrincipalFrom(ctx)
	if ok && p.Role == RoleCitizen {
		if p.MustChangePassword {
			return Principal{}, errPasswordChange()
		}
		if p.PersonID != 0 && p.PersonID == personID {
			return p, nil
		}
		return Principal{}, fault.Errorf(fault.Forbidden, "a citizen reads only their own records")
	}
	return RequireIn(ctx, perm, code)
}

// RequireSelfOrFound is RequireSelfOr for a record of kind and key that the
// caller named: someone else's record, for a citizen, and a record outside
// the scope, for staff, are answered as missing (see RequireFound).
func RequireSelfOrFound(ctx context.Context, perm Permission, personID int64, code region.Code, kind string, key any) (Principal, error) {
	p, ok := PrincipalFrom(ctx)
	if ok && p.Role == RoleCitizen {
		if p.MustChangePassword {
			return Principal{}, errPasswordChange()
		}
		if p.PersonID != 0 && p.PersonID == personID {
			return p, nil
		}
		return Principal{}, NotFound(kind, key)
	}
	return RequireFound(ctx, perm, code, kind, key)
}

// ScopeFilter resolves the region filter of a list request: an empty filter
// means the principal's whole scope; a filter outside the scope is
// Forbidden.
func ScopeFilter(p Principal, filter region.Code) (region.Code, error) {
	if filter == "" {
		return p.Scope, nil
	}
	if !p.InScope(filter) {
		return "", fault.Errorf(fault.Forbidden, "the region filter is outside your scope %s", p.Scope)
	}
	return filter, nil
}

// ValidateUsername checks a username: 3-32 characters of a-z, 0-9, '.', '_'
// or '-'.
func ValidateUsername(s string) string {
	if len(s) < 3 || len(s) > 32 {
		return "must be 3 to 32 characters"
	}
	if strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789._-") != "" {
		return "may contain only a-z, 0-9, '.', '_' and '-'"
	}
	return ""
}
