package auth

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"safetynet/internal/fault"
	"safetynet/internal/region"
)

// The audit actions of user administration (entity "user"); the sign-in
// actions are in signin.go.
const (
	// ActionUserCreate is an account created.
	ActionUserCreate = "user.create"
	// ActionPostGrant is a post granted to a user.
	ActionPostGrant = "user.post_grant"
	// ActionPostRevoke is a post revoked.
	ActionPostRevoke = "user.post_revoke"
	// ActionUserDisable and ActionUserEnable stop and restart an account.
	ActionUserDisable = "user.disable"
	ActionUserEnable  = "user.enable"
	// ActionPasswordReset is a password an administrator set; the user
	// must change it at the next sign-in unless told otherwise.
	ActionPasswordReset = "user.password"
	// ActionPasswordChange is a user's change of their own password.
	ActionPasswordChange = "user.password_change"
)

// NewUser describes a user to create.
type NewUser struct {
	Username    string
	DisplayName string
	Password    string
	// Posts are the posts the user holds from the start, at least one.
	Posts []PostSpec
	// Role and Scope, when Posts is empty, are the user's one post.
	Role  Role
	Scope region.Code
	// PersonID binds a citizen account to its registry person.
	PersonID int64
	// MustChangePassword makes the user change the password at the first
	// sign-in: set it when an administrator chose the password for
	// someone else (the API always does).
	MustChangePassword bool
}

// posts returns the posts nu asks for.
func (nu NewUser) posts() []PostSpec {
	if len(nu.Posts) == 0 && (nu.Role != "" || nu.Scope != "") {
		return []PostSpec{{Role: nu.Role, Region: nu.Scope}}
	}
	return nu.Posts
}

// UserFilter selects the users of ListUsers.
type UserFilter struct {
	// Scope keeps the users an administrator over this subtree manages:
	// every live post of the user lies in it (every post, for a user
	// holding none). "" keeps all.
	Scope region.Code
	// Role keeps the users holding a live post of this role; "" any.
	Role Role
	// Region keeps the users holding a live post in this subtree; "" any.
	Region region.Code
	// Disabled, when set, keeps the disabled (true) or enabled users.
	Disabled *bool
	// Query keeps the users whose username or display name contains it,
	// case-insensitively for ASCII; "" any.
	Query string
	// After keeps the users of ID greater than After (paging).
	After int64
	// Limit is the most users returned.
	Limit int
}

// CreateUser validates and creates a user with its posts. The caller
// must be an administrator over every post's region (an admin post needs
// an administrator over the whole home region). Fields at fault are
// named as the API names them: username, password, posts[i].role,
// posts[i].region, person_id. The creation is audited (ActionUserCreate).
func (s *Service) CreateUser(ctx context.Context, nu NewUser) (*User, error) {
	p, err := Require(ctx, PermUserAdmin)
	if err != nil {
		return nil, err
	}
	specs := nu.posts()
	citizen := len(specs) > 0 && specs[0].Role == RoleCitizen
	var pr fault.Problems
	if msg := ValidateUsername(nu.Username); msg != "" {
		pr.Add("username", "%s", msg)
	}
	reasons := map[string]fault.Reason{}
	if msg, why := s.checkPassword(nu.Username, nu.Password); msg != "" {
		pr.Add("password", "%s", msg)
		reasons["password"] = why
	}
	if utf8.RuneCountInString(nu.DisplayName) > 100 {
		pr.Add("display_name", "must be at most 100 characters")
	}
	if len(specs) == 0 {
		pr.Add("posts", "a user holds at least one post")
	}
	if citizen && len(specs) > 1 {
		pr.Add("posts", "a citizen's account holds one post")
	}
	seen := map[PostSpec]bool{}
	for i, spec := range specs {
		f := fmt.Sprintf("posts[%d]", i)
		s.checkPost(&pr, f, spec, citizen)
		if seen[spec] {
			pr.Add(f, "the post %s is given twice", spec)
		}
		seen[spec] = true
	}
	switch {
	case citizen && nu.PersonID <= 0:
		pr.Add("person_id", "a citizen account belongs to a registry person")
	case !citizen && nu.PersonID != 0:
		pr.Add("person_id", "only a citizen account belongs to a person")
	}
	if err := pr.ErrWith("invalid user", reasons); err != nil {
		return nil, err
	}
	for _, spec := range specs {
		if err := s.mayGrant(p, spec); err != nil {
			return nil, err
		}
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(nu.Password), s.bcryptCost)
	if err != nil {
		return nil, fmt.Errorf("hash password: %w", err)
	}
	now := s.clock.Now().UTC()
	u := &User{Username: nu.Username, DisplayName: nu.DisplayName, PersonID: nu.PersonID, PasswordHash: string(hash),
		MustChangePassword: nu.MustChangePassword, CreatedAt: now}
	for _, spec := range specs {
		u.Posts = append(u.Posts, Post{Role: spec.Role, Region: spec.Region, CreatedAt: now})
	}
	if err := s.store.CreateUser(ctx, u); err != nil {
		return nil, err
	}
	u.SetPrimary()
	return u, nil
}

// User returns the user of id, if the caller administers it (see
// UserFilter.Scope); a user outside the caller's scope is NotFound, as a
// missing one.
func (s *Service) User(ctx context.Context, id int64) (*User, error) {
	p, err := Require(ctx, PermUserAdmin)
	if err != nil {
		return nil, err
	}
	u, err := s.store.UserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if !administers(p, u) {
		return nil, NotFound("user", id)
	}
	return u, nil
}

// UserNamed is User by username.
func (s *Service) UserNamed(ctx context.Context, username string) (*User, error) {
	p, err := Require(ctx, PermUserAdmin)
	if err != nil {
		return nil, err
	}
	u, err := s.store.UserByName(ctx, username)
	if err != nil {
		return nil, err
	}
	if !administers(p, u) {
		return nil, NotFound("user", username)
	}
	return u, nil
}

// ListUsers returns the users of f that the caller administers: f.Scope
// is narrowed to the caller's scope ("" is the whole scope); a Scope or a
// Region outside it is Forbidden. f.Limit must be positive.
func (s *Service) ListUsers(ctx context.Context, f UserFilter) ([]*User, error) {
	p, err := Require(ctx, PermUserAdmin)
	if err != nil {
		return nil, err
	}
	if f.Scope, err = ScopeFilter(p, f.Scope); err != nil {
		return nil, err
	}
	if f.Region != "" {
		if _, err := ScopeFilter(p, f.Region); err != nil {
			return nil, err
		}
	}
	if f.Limit <= 0 {
		return nil, fault.Errorf(fault.Invalid, "the limit must be positive")
	}
	f.Query = strings.TrimSpace(f.Query)
	return s.store.ListUsers(ctx, f)
}

// GrantPost grants the user of id the post spec. The caller administers
// the user, may grant spec (see CreateUser) and is not the user: nobody
// changes their own posts. A post the user holds already is Invalid.
// Audited (ActionPostGrant).
func (s *Service) GrantPost(ctx context.Context, id int64, spec PostSpec) (*User, error) {
	return s.changeUser(ctx, id, ActionPostGrant, true, func(p Principal, u *User) error {
		var pr fault.Problems
		s.checkPost(&pr, "post", spec, u.PersonID != 0)
		for _, held := range u.LivePosts() {
			if held.Role == spec.Role && held.Region == spec.Region {
				pr.Add("post", "the user holds %s already (post %d)", spec, held.ID)
			}
		}
		if u.PersonID != 0 && len(u.LivePosts()) > 0 {
			pr.Add("post", "a citizen's account holds one post")
		}
		if err := pr.Err("invalid grant"); err != nil {
			// The API takes the post as its role and region fields.
			return renamePostFields(err)
		}
		if err := s.mayGrant(p, spec); err != nil {
			return err
		}
		u.Posts = append(u.Posts, Post{UserID: u.ID, Role: spec.Role, Region: spec.Region, CreatedAt: s.clock.Now().UTC()})
		return nil
	})
}

// renamePostFields names the fields "post.role" and "post.region" of a
// grant's error as the request does: "role" and "region".
func renamePostFields(err error) error {
	fields := fault.FieldsOf(err)
	out := make(map[string]string, len(fields))
	for k, v := range fields {
		out[strings.TrimPrefix(k, "post.")] = v
	}
	return &fault.Error{Code: fault.Invalid, Message: fault.MessageOf(err), Fields: out}
}

// RevokePost revokes the user's live post postID (NotFound if the user
// holds no such post). The caller administers the user, the post's
// region is in its scope and the caller is not the user. Sessions acting
// in the post stop working. Audited (ActionPostRevoke).
func (s *Service) RevokePost(ctx context.Context, id, postID int64) (*User, error) {
	return s.changeUser(ctx, id, ActionPostRevoke, true, func(p Principal, u *User) error {
		for i, post := range u.Posts {
			if post.ID == postID && post.Live() {
				u.Posts[i].RevokedAt = s.clock.Now().UTC()
				return nil
			}
		}
		return NotFound("post", postID)
	})
}

// SetDisabled disables or enables the user of id; a disabled user cannot
// sign in and its sessions stop working. The caller administers the user
// and is not the user. Audited (ActionUserDisable or ActionUserEnable).
func (s *Service) SetDisabled(ctx context.Context, id int64, disabled bool) (*User, error) {
	action := ActionUserEnable
	if disabled {
		action = ActionUserDisable
	}
	return s.changeUser(ctx, id, action, true, func(_ Principal, u *User) error {
		u.Disabled = disabled
		return nil
	})
}

// ResetPassword sets the password of the user of id, which must then be
// changed at the next sign-in if mustChange (the API always asks so; the
// operator's CLI may not, for an account whose holder typed it). The
// caller administers the user and is not the user (who changes their own
// with ChangeOwnPassword). Audited (ActionPasswordReset; the trail keeps a
// digest, never the password).
func (s *Service) ResetPassword(ctx context.Context, id int64, password string, mustChange bool) (*User, error) {
	return s.changeUser(ctx, id, ActionPasswordReset, true, func(_ Principal, u *User) error {
		if msg, why := s.checkPassword(u.Username, password); msg != "" {
			return &fault.Error{Code: fault.Invalid, Message: "invalid password", Fields: map[string]string{"password": msg},
				FieldReasons: map[string]fault.Reason{"password": why}}
		}
		hash, err := bcrypt.GenerateFromPassword([]byte(password), s.bcryptCost)
		if err != nil {
			return fmt.Errorf("hash password: %w", err)
		}
		u.PasswordHash, u.MustChangePassword = string(hash), mustChange
		return nil
	})
}

// changeUser loads the user of id, checks the caller administers it (and
// is not the user, when notSelf), applies change and stores it with its
// audit event action.
func (s *Service) changeUser(ctx context.Context, id int64, action string, notSelf bool, change func(Principal, *User) error) (*User, error) {
	p, err := Require(ctx, PermUserAdmin)
	if err != nil {
		return nil, err
	}
	u, err := s.User(ctx, id)
	if err != nil {
		return nil, err
	}
	if notSelf && !p.System() && p.UserID == u.ID {
		return nil, fault.Errorf(fault.Forbidden, "nobody changes their own account's posts, state or password here: another administrator does")
	}
	if err := change(p, u); err != nil {
		return nil, err
	}
	if err := s.store.UpdateUser(ctx, u, action); err != nil {
		return nil, err
	}
	u.SetPrimary()
	return u, nil
}
