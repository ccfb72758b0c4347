package auth

import (
	"fmt"
	"strings"
	"time"

	"safetynet/internal/fault"
	"safetynet/internal/region"
)

// Post is a post (岗位) a user holds or held: a role over a region subtree
// of the jurisdiction (the prefecture, a county or a township; a citizen's
// may be a village). A session acts in one post at a time.
type Post struct {
	ID     int64       `json:"id"`
	UserID int64       `json:"user_id"`
	Role   Role        `json:"role"`
	Region region.Code `json:"region"`
	// CreatedAt is when the post was granted.
	CreatedAt time.Time `json:"created_at"`
	// RevokedAt is when the post was revoked; zero while it is held.
	RevokedAt time.Time `json:"revoked_at,omitzero"`
}

// Live reports whether the post is held now (not revoked).
func (p Post) Live() bool { return p.RevokedAt.IsZero() }

// String returns the post as ROLE@CODE, e.g. caseworker@652301.
func (p Post) String() string { return string(p.Role) + "@" + string(p.Region) }

// PostSpec names a post to grant: a role and a region code.
type PostSpec struct {
	Role   Role
	Region region.Code
}

// String returns the spec as ROLE@CODE.
func (s PostSpec) String() string { return string(s.Role) + "@" + string(s.Region) }

// ParsePost reads ROLE@CODE, e.g. "admin@652300", as the CLI takes it.
func ParsePost(s string) (PostSpec, error) {
	role, code, ok := strings.Cut(s, "@")
	if !ok || role == "" || code == "" {
		return PostSpec{}, fmt.Errorf("post %q: want ROLE@CODE, e.g. caseworker@652301", s)
	}
	return PostSpec{Role: Role(role), Region: region.Code(code)}, nil
}

// PasswordRules are the operational rules of a new password (not policy:
// a security setting of the installation). The zero value of a field
// means its default, given with the field.
type PasswordRules struct {
	// MinLength is the least number of characters (default 10).
	MinLength int
}

// DefaultPasswordRules returns the default rules.
func DefaultPasswordRules() PasswordRules { return PasswordRules{MinLength: 10} }

// SetPasswordRules sets the rules new passwords must follow; zero fields
// take their defaults. Call it before the service is used.
func (s *Service) SetPasswordRules(r PasswordRules) error {
	if r.MinLength < 0 {
		return fmt.Errorf("the least password length %d is negative", r.MinLength)
	}
	if r.MinLength == 0 {
		r.MinLength = DefaultPasswordRules().MinLength
	}
	s.passwords = r
	return nil
}

// checkPassword returns what is wrong with password as the new password
// of username, or "", and the reason of it for a translation.
func (s *Service) checkPassword(username, password string) (string, fault.Reason) {
	if n := len([]rune(password)); n < s.passwords.MinLength {
		return fmt.Sprintf("must be at least %d characters", s.passwords.MinLength), fault.Reason{Key: "password_too_short", Args: []any{s.passwords.MinLength}}
	}
	if strings.EqualFold(password, username) {
		return "must not be the username", fault.Reason{Key: "password_is_username"}
	}
	return "", fault.Reason{}
}

// checkPost adds to pr, under field (e.g. "posts[0]"), what is wrong with
// spec as a post of an account that is a citizen's (citizen) or not:
// the role must be known and the citizen's only; the region must be a
// node of the jurisdiction's tree within its home region, at prefecture,
// county or township level (any level for a citizen's).
func (s *Service) checkPost(pr *fault.Problems, field string, spec PostSpec, citizen bool) {
	switch {
	case !spec.Role.Valid():
		pr.Add(field+".role", "unknown role %q; one of %s", spec.Role, roleNames())
	case spec.Role == RoleCitizen && !citizen:
		pr.Add(field+".role", "only a citizen account holds the citizen post")
	case spec.Role != RoleCitizen && citizen:
		pr.Add(field+".role", "a citizen's account holds only the citizen post")
	}
	rf := field + ".region"
	if _, err := region.ParseCode(string(spec.Region)); err != nil {
		pr.Add(rf, "%v", err)
		return
	}
	n, ok := s.juris.Tree.Node(spec.Region)
	if !ok || !s.juris.Home.Contains(spec.Region) {
		pr.Add(rf, "%s is not a region of %s", spec.Region, s.juris.Name)
		return
	}
	if !citizen && n.Level != region.Prefecture && n.Level != region.County && n.Level != region.Township {
		pr.Add(rf, "%s (%s) is a %s: a post is over the prefecture, a county or a township", spec.Region, n.NameZH, n.Level)
	}
}

// roleNames lists the roles for error messages.
func roleNames() string {
	var rs []string
	for _, r := range Roles() {
		rs = append(rs, string(r))
	}
	return strings.Join(rs, ", ")
}

// administers reports whether the principal, an administrator, may see
// and manage u: every post u holds lies in the principal's scope (every
// post u ever held, when it holds none now, so that revoking a
// prefecture user's posts does not hand the account to a county).
func administers(p Principal, u *User) bool {
	posts := u.LivePosts()
	if len(posts) == 0 {
		posts = u.Posts
	}
	for _, post := range posts {
		if !p.InScope(post.Region) {
			return false
		}
	}
	return true
}

// mayGrant checks that the principal, an administrator, may grant spec:
// its region lies in the principal's scope, and an admin post only by an
// administrator over the whole home region.
func (s *Service) mayGrant(p Principal, spec PostSpec) error {
	if !p.InScope(spec.Region) {
		return fault.Errorf(fault.Forbidden, "the post %s is outside your scope %s", spec, p.Scope)
	}
	if spec.Role == RoleAdmin && !(p.Role == RoleAdmin && p.Scope.Contains(s.juris.Home)) {
		return fault.Errorf(fault.Forbidden, "only an administrator over the whole of %s grants an admin post", s.juris.Name)
	}
	return nil
}
