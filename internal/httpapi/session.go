package httpapi

import (
	"net/http"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
)

// loginPath is the sign-in route.
const loginPath = "/api/v1/login"

// loginRequest is the body of POST /api/v1/login.
type loginRequest struct {
	Username string `json:"username" required:"true" example:"zhang.wei"`
	Password string `json:"password" required:"true" format:"password"`
	// Post is the post to act in; the user's first post when absent.
	Post int64 `json:"post,omitempty" minimum:"1" description:"the ID of the post to act in (see user.posts); the user's first post when absent"`
}

// userResponse describes the signed-in user.
type userResponse struct {
	ID          int64  `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name,omitempty"`
	Role        string `json:"role" enum:"admin,caseworker,approver,auditor,analyst"`
	// Scope is the region subtree the user works in.
	Scope string `json:"scope" example:"652301"`
	// Permissions lists what the role allows.
	Permissions []string `json:"permissions,omitempty"`
	// PostID is the post the session acts in: role and scope are its.
	PostID int64 `json:"post_id,omitempty" description:"the post the session acts in: role and scope are its; switch with POST /api/v1/session/post"`
	// Posts are the posts the user holds, the active one among them.
	Posts []postResponse `json:"posts,omitempty" description:"the posts the user holds, the active one among them"`
	// MustChangePassword: until the user changes the password (POST
	// /api/v1/me/password), every other route answers 403.
	MustChangePassword bool `json:"must_change_password" description:"the password must be changed first (POST /api/v1/me/password): until then every route but this one, the change and sign-out answers 403 with the problem type urn:safetynet:problem:password_change_required"`
}

// switchPostRequest is the body of POST /api/v1/session/post.
type switchPostRequest struct {
	Post int64 `json:"post" required:"true" minimum:"1" description:"the ID of the post to act in, one the user holds"`
}

// passwordChangeRequest is the body of POST /api/v1/me/password.
type passwordChangeRequest struct {
	Current string `json:"current" required:"true" format:"password" description:"the current password"`
	New     string `json:"new" required:"true" format:"password" description:"the new password: at least the configured length (10 by default), not the username, not the current password"`
}

// passwordChangeRoutes are the routes a session whose user must change
// the password may still call.
var passwordChangeRoutes = map[string]bool{
	"GET /api/v1/me":           true,
	"POST /api/v1/me/password": true,
	"POST /api/v1/logout":      true,
}

// sessionRoutes are the routes of a signed-in user's own session and
// password.
func (s *server) sessionRoutes() []route {
	return []route{
		{method: "POST", path: "/api/v1/session/post", op: "switchPost", handler: s.handleSwitchPost, tag: "session",
			summary: "Act in another of your posts: the same session, another role and scope (audited)",
			body:    switchPostRequest{}, status: http.StatusOK, resp: userResponse{}},
		{method: "POST", path: "/api/v1/me/password", op: "changeMyPassword", handler: s.handleChangePassword, tag: "session",
			summary: "Change your password; clears must_change_password (a wrong current password counts as a failed sign-in)",
			body:    passwordChangeRequest{}, status: http.StatusNoContent},
	}
}

// meOf describes the principal.
func (s *server) meOf(p auth.Principal) userResponse {
	out := userResponse{ID: p.UserID, Username: p.Username, DisplayName: p.DisplayName, Role: string(p.Role), Scope: string(p.Scope),
		Permissions: permissionNames(p.Role), PostID: p.PostID, MustChangePassword: p.MustChangePassword}
	for _, post := range p.Posts {
		out.Posts = append(out.Posts, postOf(post, s.pol.Tree))
	}
	return out
}

// handleSwitchPost makes the session act in another of the user's posts.
func (s *server) handleSwitchPost(w http.ResponseWriter, r *http.Request) error {
	req, err := decode[switchPostRequest](r)
	if err != nil {
		return err
	}
	p, err := s.au.SwitchPost(r.Context(), requestToken(r), req.Post, infoFrom(r.Context()).client)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, s.meOf(p))
	return nil
}

// handleChangePassword changes the signed-in user's password.
func (s *server) handleChangePassword(w http.ResponseWriter, r *http.Request) error {
	req, err := decode[passwordChangeRequest](r)
	if err != nil {
		return err
	}
	if err := s.au.ChangeOwnPassword(r.Context(), req.Current, req.New, infoFrom(r.Context()).client); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// loginResponse carries the bearer token, shown once.
type loginResponse struct {
	// Token goes in "Authorization: Bearer <token>"; browsers get it in
	// the sn_session cookie as well.
	Token     string       `json:"token" required:"true"`
	ExpiresAt time.Time    `json:"expires_at" required:"true"`
	User      userResponse `json:"user" required:"true"`
}

func permissionNames(r auth.Role) []string {
	perms := r.Permissions()
	out := make([]string, len(perms))
	for i, p := range perms {
		out[i] = string(p)
	}
	return out
}

// handleLogin checks a password and opens a session.
func (s *server) handleLogin(w http.ResponseWriter, r *http.Request) error {
	req, err := decode[loginRequest](r)
	if err != nil {
		return err
	}
	var pr fault.Problems
	if req.Username == "" {
		pr.Add("username", "is required")
	}
	if req.Password == "" {
		pr.Add("password", "is required")
	}
	if err := pr.Err("invalid login"); err != nil {
		return err
	}
	info := infoFrom(r.Context())
	g, err := s.au.LoginInPost(r.Context(), req.Username, req.Password, info.client, req.Post)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookie,
		Value:    g.Token,
		Path:     "/",
		Expires:  g.ExpiresAt,
		HttpOnly: true,
		Secure:   info.secure,
		SameSite: http.SameSiteStrictMode,
	})
	w.Header().Set("Cache-Control", "no-store")
	reply(w, r, http.StatusOK, loginResponse{Token: g.Token, ExpiresAt: g.ExpiresAt, User: s.meOf(g.Principal)})
	return nil
}

// handleLogout ends the session of the request's token and clears the
// cookie.
func (s *server) handleLogout(w http.ResponseWriter, r *http.Request) error {
	info := infoFrom(r.Context())
	if err := s.au.Logout(r.Context(), requestToken(r), info.client); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: info.secure, SameSite: http.SameSiteStrictMode})
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleMe describes the signed-in user.
func (s *server) handleMe(w http.ResponseWriter, r *http.Request) error {
	p, ok := auth.PrincipalFrom(r.Context())
	if !ok {
		return fault.Errorf(fault.Unauthenticated, "sign in first")
	}
	reply(w, r, http.StatusOK, s.meOf(p))
	return nil
}
