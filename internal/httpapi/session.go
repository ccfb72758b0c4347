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
	g, err := s.au.Login(r.Context(), req.Username, req.Password, info.client)
	if err != nil {
		return err
	}
	u := g.User
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
	reply(w, r, http.StatusOK, loginResponse{Token: g.Token, ExpiresAt: g.ExpiresAt, User: userResponse{
		ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Role: string(u.Role), Scope: string(u.Scope),
		Permissions: permissionNames(u.Role),
	}})
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
	reply(w, r, http.StatusOK, userResponse{ID: p.UserID, Username: p.Username, DisplayName: p.DisplayName, Role: string(p.Role), Scope: string(p.Scope),
		Permissions: permissionNames(p.Role)})
	return nil
}
