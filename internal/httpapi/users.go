package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/region"
)

// postResponse is one post (岗位) of a user: a role over a region.
type postResponse struct {
	ID     int64  `json:"id" description:"the post's ID: sign in or switch to it with this ID"`
	Role   string `json:"role" enum:"admin,caseworker,approver,auditor,analyst,citizen" description:"the role the post grants"`
	Region string `json:"region" example:"652301" description:"the region subtree the post works in: the prefecture, a county or a township (a citizen's may be a village)"`
	// RegionName is the region's Chinese name.
	RegionName string    `json:"region_name,omitempty" example:"昌吉市" description:"the region's Chinese name"`
	CreatedAt  time.Time `json:"created_at" description:"when the post was granted"`
	// RevokedAt is set once the post is revoked.
	RevokedAt *time.Time `json:"revoked_at,omitempty" description:"when the post was revoked; absent while it is held"`
}

// postOf converts a post, naming its region from tree.
func postOf(p auth.Post, tree *region.Tree) postResponse {
	out := postResponse{ID: p.ID, Role: string(p.Role), Region: string(p.Region), CreatedAt: p.CreatedAt}
	if n, ok := tree.Node(p.Region); ok {
		out.RegionName = n.NameZH
	}
	if !p.Live() {
		t := p.RevokedAt
		out.RevokedAt = &t
	}
	return out
}

// accountResponse is a user account as an administrator manages it.
type accountResponse struct {
	ID          int64  `json:"id" description:"the user's ID"`
	Username    string `json:"username" example:"cw.changji" description:"the login name"`
	DisplayName string `json:"display_name,omitempty" example:"昌吉市经办员" description:"the name shown"`
	// Posts are every post the user holds or held.
	Posts              []postResponse `json:"posts" description:"every post the user holds or held, by ID; a revoked one has revoked_at"`
	PersonID           int64          `json:"person_id,omitempty" description:"the registry person of a citizen account; absent for staff"`
	Disabled           bool           `json:"disabled" description:"a disabled user cannot sign in"`
	MustChangePassword bool           `json:"must_change_password" description:"the user must change the password at the next sign-in: set on an account an administrator created or reset"`
	CreatedAt          time.Time      `json:"created_at" description:"when the account was created"`
}

func (s *server) accountOf(u *auth.User) accountResponse {
	out := accountResponse{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, PersonID: u.PersonID,
		Disabled: u.Disabled, MustChangePassword: u.MustChangePassword, CreatedAt: u.CreatedAt, Posts: []postResponse{}}
	for _, p := range u.Posts {
		out.Posts = append(out.Posts, postOf(p, s.pol.Tree))
	}
	return out
}

// postRequest names a post to grant.
type postRequest struct {
	Role   string `json:"role" required:"true" enum:"admin,caseworker,approver,auditor,analyst,citizen" description:"the role the post grants"`
	Region string `json:"region" required:"true" example:"652301" description:"the region code of the prefecture, a county or a township of the jurisdiction (a citizen's may be a village)"`
}

func (r postRequest) spec() auth.PostSpec {
	return auth.PostSpec{Role: auth.Role(r.Role), Region: region.Code(r.Region)}
}

// accountRequest is the body of POST /api/v1/users.
type accountRequest struct {
	Username    string `json:"username" required:"true" example:"cw.hutubi" description:"the login name: 3 to 32 characters of a-z, 0-9, '.', '_' and '-'"`
	DisplayName string `json:"display_name" example:"呼图壁县经办员" description:"the name shown"`
	// Password is the initial password: the user must change it at the
	// first sign-in.
	Password string        `json:"password" required:"true" format:"password" description:"the initial password (at least the configured length, 10 by default, and not the username); the user must change it at the first sign-in"`
	Posts    []postRequest `json:"posts" required:"true" description:"the posts the user holds from the start, at least one"`
	PersonID int64         `json:"person_id" description:"the registry person of a citizen account (role citizen); absent for staff"`
}

// passwordResetRequest is the body of POST /api/v1/users/{id}/password-reset.
type passwordResetRequest struct {
	Password string `json:"password" required:"true" format:"password" description:"the new password, which the user must change at the next sign-in"`
}

// userParams names a user.
type userParams struct {
	ID int64 `path:"id" minimum:"1" description:"the user's ID"`
}

// userPostParams names a post of a user.
type userPostParams struct {
	ID   int64 `path:"id" minimum:"1" description:"the user's ID"`
	Post int64 `path:"post" minimum:"1" description:"the post's ID"`
}

// userListParams are the filters of GET /api/v1/users.
type userListParams struct {
	Role     string      `query:"role" enum:"admin,caseworker,approver,auditor,analyst,citizen" description:"only users holding a post of this role"`
	Region   region.Code `query:"region" description:"only users holding a post in this region subtree; it must lie in your scope"`
	Disabled string      `query:"disabled" enum:"true,false" description:"only the disabled (true) or the enabled (false) users"`
	Q        string      `query:"q" description:"part of the username or the display name"`
	pageParams
}

// userRoutes are the routes of user administration (permission
// user.admin over every post of the user).
func (s *server) userRoutes() []route {
	type accountList = listResponse[accountResponse]
	const scope = " An administrator sees and manages only the users whose every post lies in their scope; another user is answered as missing (404). Nobody changes their own posts, state or password here."
	return []route{
		{method: "GET", path: "/api/v1/users", op: "listUsers", handler: s.handleListUsers, tag: "users",
			summary: "List the users you administer", description: "The users whose every post lies in your scope, by ID." + scope,
			params: userListParams{}, status: http.StatusOK, resp: accountList{}},
		{method: "POST", path: "/api/v1/users", op: "createUser", handler: s.handleCreateUser, tag: "users",
			summary:     "Create a user with its posts; the user must change the initial password at the first sign-in",
			description: "Each post's region must lie in your scope; an admin post is granted only by an administrator over the whole home region." + scope,
			body:        accountRequest{}, status: http.StatusCreated, resp: accountResponse{}},
		{method: "GET", path: "/api/v1/users/{id}", op: "getUser", handler: s.handleGetUser, tag: "users",
			summary: "Read a user with its posts", description: scope[1:], params: userParams{}, status: http.StatusOK, resp: accountResponse{}},
		{method: "POST", path: "/api/v1/users/{id}/posts", op: "grantUserPost", handler: s.handleGrantPost, tag: "users",
			summary: "Grant a user a post", description: "The post's region must lie in your scope; an admin post is granted only by an administrator over the whole home region." + scope,
			params: userParams{}, body: postRequest{}, status: http.StatusOK, resp: accountResponse{}},
		{method: "POST", path: "/api/v1/users/{id}/posts/{post}/revocation", op: "revokeUserPost", handler: s.handleRevokePost, tag: "users",
			summary: "Revoke a user's post: sessions acting in it stop working", description: scope[1:],
			params: userPostParams{}, status: http.StatusOK, resp: accountResponse{}},
		{method: "POST", path: "/api/v1/users/{id}/disablement", op: "disableUser", handler: s.handleDisableUser(true), tag: "users",
			summary: "Disable a user: it cannot sign in and its sessions stop working", description: scope[1:],
			params: userParams{}, status: http.StatusOK, resp: accountResponse{}},
		{method: "POST", path: "/api/v1/users/{id}/enablement", op: "enableUser", handler: s.handleDisableUser(false), tag: "users",
			summary: "Enable a disabled user", description: scope[1:],
			params: userParams{}, status: http.StatusOK, resp: accountResponse{}},
		{method: "POST", path: "/api/v1/users/{id}/password-reset", op: "resetUserPassword", handler: s.handleResetPassword, tag: "users",
			summary: "Set a user's password, which the user must change at the next sign-in", description: scope[1:],
			params: userParams{}, body: passwordResetRequest{}, status: http.StatusOK, resp: accountResponse{}},
	}
}

// handleListUsers lists the users the caller administers.
func (s *server) handleListUsers(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[userListParams](r)
	if err != nil {
		return err
	}
	page := p.page()
	f := auth.UserFilter{Role: auth.Role(p.Role), Region: p.Region, Query: p.Q, After: page.After, Limit: page.Limit}
	switch p.Disabled {
	case "":
	case "true", "false":
		d := p.Disabled == "true"
		f.Disabled = &d
	default:
		return queryProblem("disabled", "must be true or false")
	}
	if p.Role != "" && !auth.Role(p.Role).Valid() {
		return queryProblem("role", "unknown role %q", p.Role)
	}
	us, err := s.au.ListUsers(r.Context(), f)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, newList(us, f.Limit, func(u *auth.User) int64 { return u.ID }, s.accountOf))
	return nil
}

// handleCreateUser creates a user whose initial password must be changed.
func (s *server) handleCreateUser(w http.ResponseWriter, r *http.Request) error {
	req, err := decode[accountRequest](r)
	if err != nil {
		return err
	}
	nu := auth.NewUser{Username: req.Username, DisplayName: req.DisplayName, Password: req.Password, PersonID: req.PersonID, MustChangePassword: true}
	for _, p := range req.Posts {
		nu.Posts = append(nu.Posts, p.spec())
	}
	u, err := s.au.CreateUser(r.Context(), nu)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/users/"+strconv.FormatInt(u.ID, 10))
	reply(w, r, http.StatusCreated, s.accountOf(u))
	return nil
}

// handleGetUser reads a user the caller administers.
func (s *server) handleGetUser(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[userParams](r)
	if err != nil {
		return err
	}
	u, err := s.au.User(r.Context(), p.ID)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, s.accountOf(u))
	return nil
}

// handleGrantPost grants a user a post.
func (s *server) handleGrantPost(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[userParams](r)
	if err != nil {
		return err
	}
	req, err := decode[postRequest](r)
	if err != nil {
		return err
	}
	u, err := s.au.GrantPost(r.Context(), p.ID, req.spec())
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, s.accountOf(u))
	return nil
}

// handleRevokePost revokes a user's post.
func (s *server) handleRevokePost(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[userPostParams](r)
	if err != nil {
		return err
	}
	u, err := s.au.RevokePost(r.Context(), p.ID, p.Post)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, s.accountOf(u))
	return nil
}

// handleDisableUser disables or enables a user.
func (s *server) handleDisableUser(disabled bool) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := bind[userParams](r)
		if err != nil {
			return err
		}
		u, err := s.au.SetDisabled(r.Context(), p.ID, disabled)
		if err != nil {
			return err
		}
		reply(w, r, http.StatusOK, s.accountOf(u))
		return nil
	}
}

// handleResetPassword sets a user's password, to be changed at the next
// sign-in.
func (s *server) handleResetPassword(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[userParams](r)
	if err != nil {
		return err
	}
	req, err := decode[passwordResetRequest](r)
	if err != nil {
		return err
	}
	u, err := s.au.ResetPassword(r.Context(), p.ID, req.Password, true)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, s.accountOf(u))
	return nil
}
