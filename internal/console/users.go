package console

import (
	"net/http"
	"strconv"
	"strings"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/httpapi"
	"safetynet/internal/region"
)

func init() { register(userMessages) }

var userMessages = map[string]msg{
	"users.title":        {"用户与岗位", "Users & posts"},
	"users.new":          {"新建用户", "New user"},
	"users.username":     {"用户名", "Username"},
	"users.display_name": {"姓名", "Name"},
	"users.posts":        {"岗位", "Posts"},
	"users.post":         {"岗位", "Post"},
	"users.role":         {"角色", "Role"},
	"users.region":       {"地区", "Region"},
	"users.state":        {"状态", "State"},
	"users.active":       {"正常", "Active"},
	"users.disabled":     {"已停用", "Disabled"},
	"users.must_change":  {"待修改初始密码", "Must change password"},
	"users.initial":      {"初始密码", "Initial password"},
	"users.initial_hint": {"用户首次登录时必须修改此密码。", "The user must change it at the first sign-in."},
	"users.create":       {"创建", "Create"},
	"users.grant":        {"授予岗位", "Grant post"},
	"users.revoke":       {"撤销", "Revoke"},
	"users.disable":      {"停用账号", "Disable account"},
	"users.enable":       {"启用账号", "Enable account"},
	"users.reset":        {"重置密码", "Reset password"},
	"users.filter":       {"筛选", "Filter"},
	"users.any":          {"全部", "Any"},
	"users.none":         {"没有符合条件的用户。", "No user matches."},
	"users.more":         {"更多", "More"},
	"users.created":      {"创建时间", "Created"},
	"users.no_post":      {"（不设）", "(none)"},
	"users.done":         {"已保存。", "Saved."},
	"users.self":         {"不能修改自己的岗位和账号。", "You cannot change your own posts or account."},
	"password.title":     {"修改密码", "Change password"},
	"password.first":     {"首次登录，请先修改管理员设置的初始密码。", "This is your first sign-in: change the password the administrator set."},
	"password.current":   {"当前密码", "Current password"},
	"password.new":       {"新密码", "New password"},
	"password.confirm":   {"确认新密码", "Confirm the new password"},
	"password.mismatch":  {"两次输入的新密码不一致。", "The two new passwords differ."},
	"password.submit":    {"修改密码", "Change password"},
	"password.changed":   {"密码已修改。", "The password is changed."},
	"post.switch":        {"切换岗位", "Switch post"},
}

// userRoutes registers the pages of users and posts (岗位权限) and the
// signed-in user's own password and post switch.
func (c *Console) userRoutes() {
	c.handle("GET /users", c.handleUsers, auth.PermUserAdmin)
	c.handle("GET /users/new", c.handleNewUser, auth.PermUserAdmin)
	c.handle("POST /users", c.handleCreateUser, auth.PermUserAdmin)
	c.handle("GET /users/{id}", c.handleUser, auth.PermUserAdmin)
	c.handle("POST /users/{id}/posts", c.handleGrantPost, auth.PermUserAdmin)
	c.handle("POST /users/{id}/posts/{post}/revocation", c.handleRevokePost, auth.PermUserAdmin)
	c.handle("POST /users/{id}/disablement", c.handleDisable(true), auth.PermUserAdmin)
	c.handle("POST /users/{id}/enablement", c.handleDisable(false), auth.PermUserAdmin)
	c.handle("POST /users/{id}/password-reset", c.handleResetPassword, auth.PermUserAdmin)
	c.handle("GET /me/password", c.handlePasswordForm)
	c.handle("POST /me/password", c.handleChangePassword)
	c.handle("POST /session/post", c.handleSwitchPost)
}

// usersPage is the data of the user list.
type usersPage struct {
	Q, Role, State string
	Roles          []auth.Role
	Rows           []*auth.User
	Next           int64
}

// usersPageSize is how many users one page lists.
const usersPageSize = 50

// handleUsers lists the users the administrator manages, filtered by
// text, role and state, a page at a time.
func (c *Console) handleUsers(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	f := auth.UserFilter{Query: strings.TrimSpace(q.Get("q")), Role: auth.Role(q.Get("role")), After: after, Limit: usersPageSize + 1}
	switch q.Get("state") {
	case "disabled":
		t := true
		f.Disabled = &t
	case "active":
		f2 := false
		f.Disabled = &f2
	}
	us, err := c.app.Auth.ListUsers(r.Context(), f)
	if err != nil {
		return err
	}
	data := usersPage{Q: f.Query, Role: string(f.Role), State: q.Get("state"), Roles: staffRoles()}
	if len(us) > usersPageSize {
		us = us[:usersPageSize]
		data.Next = us[len(us)-1].ID
	}
	data.Rows = us
	p := c.newPage(r, "users")
	p.Title, p.Active, p.Data = p.T("users.title"), "users", data
	c.render(w, r, http.StatusOK, p)
	return nil
}

// staffRoles are the roles an administrator grants in the console (a
// citizen's account is made with the citizen's channel).
func staffRoles() []auth.Role {
	var out []auth.Role
	for _, r := range auth.Roles() {
		if r != auth.RoleCitizen {
			out = append(out, r)
		}
	}
	return out
}

// newUserPage is the data of the new-user form.
type newUserPage struct {
	Username, DisplayName string
	Posts                 []postRow
	Roles                 []auth.Role
	Regions               []regionOption
	Problems              map[string]string
}

// postRow is one post line of the new-user form.
type postRow struct {
	Role   string
	Region string
}

// newUserPosts is how many post lines the new-user form offers.
const newUserPosts = 3

// handleNewUser shows the new-user form.
func (c *Console) handleNewUser(w http.ResponseWriter, r *http.Request) error {
	c.renderNewUser(w, r, http.StatusOK, newUserPage{Posts: make([]postRow, newUserPosts)})
	return nil
}

func (c *Console) renderNewUser(w http.ResponseWriter, r *http.Request, status int, d newUserPage) {
	p := c.newPage(r, "user_new")
	d.Roles, d.Regions = staffRoles(), c.regionSelect(p.Lang, p.User.Scope, region.Township)
	p.Title, p.Active, p.Data = p.T("users.new"), "users", d
	c.render(w, r, status, p)
}

// handleCreateUser creates a user with the posts given and an initial
// password the user must change at the first sign-in; problems are shown
// beside the fields.
func (c *Console) handleCreateUser(w http.ResponseWriter, r *http.Request) error {
	d := newUserPage{Username: strings.TrimSpace(r.PostFormValue("username")), DisplayName: strings.TrimSpace(r.PostFormValue("display_name"))}
	nu := auth.NewUser{Username: d.Username, DisplayName: d.DisplayName, Password: r.PostFormValue("password"), MustChangePassword: true}
	for i := range newUserPosts {
		row := postRow{Role: r.PostFormValue("role" + strconv.Itoa(i)), Region: r.PostFormValue("region" + strconv.Itoa(i))}
		d.Posts = append(d.Posts, row)
		if row.Role != "" || row.Region != "" {
			nu.Posts = append(nu.Posts, auth.PostSpec{Role: auth.Role(row.Role), Region: region.Code(row.Region)})
		}
	}
	u, err := c.app.Auth.CreateUser(r.Context(), nu)
	if fields := faultFieldsIn(langOf(r), err); fault.CodeOf(err) == fault.Invalid && fields != nil {
		d.Problems = fields
		c.renderNewUser(w, r, http.StatusUnprocessableEntity, d)
		return nil
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/users/"+strconv.FormatInt(u.ID, 10)+"?saved=1", http.StatusSeeOther)
	return nil
}

// userPage is the data of a user's page.
type userPage struct {
	U        *auth.User
	Self     bool
	Saved    bool
	Roles    []auth.Role
	Regions  []regionOption
	Problems map[string]string
}

// handleUser shows a user the administrator manages, with the forms that
// change it.
func (c *Console) handleUser(w http.ResponseWriter, r *http.Request) error {
	return c.showUser(w, r, http.StatusOK, nil)
}

func (c *Console) showUser(w http.ResponseWriter, r *http.Request, status int, problems map[string]string) error {
	id, err := pathKey(r, "id")
	if err != nil {
		return err
	}
	u, err := c.app.Auth.User(r.Context(), id)
	if err != nil {
		return err
	}
	p := c.newPage(r, "user")
	p.Title, p.Active = u.Username, "users"
	p.Data = userPage{U: u, Self: u.ID == p.User.UserID, Saved: r.URL.Query().Get("saved") == "1", Roles: staffRoles(),
		Regions: c.regionSelect(p.Lang, p.User.Scope, region.Township), Problems: problems}
	c.render(w, r, status, p)
	return nil
}

// userChanged answers a change of a user: back to the user's page, or the
// page again with the problems beside the fields.
func (c *Console) userChanged(w http.ResponseWriter, r *http.Request, id int64, err error) error {
	if fields := faultFieldsIn(langOf(r), err); fault.CodeOf(err) == fault.Invalid && fields != nil {
		return c.showUser(w, r, http.StatusUnprocessableEntity, fields)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/users/"+strconv.FormatInt(id, 10)+"?saved=1", http.StatusSeeOther)
	return nil
}

// handleGrantPost grants the user a post.
func (c *Console) handleGrantPost(w http.ResponseWriter, r *http.Request) error {
	id, err := pathKey(r, "id")
	if err != nil {
		return err
	}
	_, err = c.app.Auth.GrantPost(r.Context(), id, auth.PostSpec{Role: auth.Role(r.PostFormValue("role")), Region: region.Code(r.PostFormValue("region"))})
	return c.userChanged(w, r, id, err)
}

// handleRevokePost revokes one of the user's posts.
func (c *Console) handleRevokePost(w http.ResponseWriter, r *http.Request) error {
	id, err := pathKey(r, "id")
	if err != nil {
		return err
	}
	post, err := pathKey(r, "post")
	if err != nil {
		return err
	}
	_, err = c.app.Auth.RevokePost(r.Context(), id, post)
	return c.userChanged(w, r, id, err)
}

// handleDisable stops (or restarts) an account.
func (c *Console) handleDisable(disabled bool) pageHandler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathKey(r, "id")
		if err != nil {
			return err
		}
		_, err = c.app.Auth.SetDisabled(r.Context(), id, disabled)
		return c.userChanged(w, r, id, err)
	}
}

// handleResetPassword sets a new initial password the user must change.
func (c *Console) handleResetPassword(w http.ResponseWriter, r *http.Request) error {
	id, err := pathKey(r, "id")
	if err != nil {
		return err
	}
	_, err = c.app.Auth.ResetPassword(r.Context(), id, r.PostFormValue("password"), true)
	return c.userChanged(w, r, id, err)
}

// passwordPage is the data of the password form.
type passwordPage struct {
	First    bool
	Problems map[string]string
}

// handlePasswordForm shows the form that changes the user's own password;
// a user who must change it is sent here before anything else.
func (c *Console) handlePasswordForm(w http.ResponseWriter, r *http.Request) error {
	c.renderPassword(w, r, http.StatusOK, nil)
	return nil
}

func (c *Console) renderPassword(w http.ResponseWriter, r *http.Request, status int, problems map[string]string) {
	p := c.newPage(r, "password")
	p.Title = p.T("password.title")
	p.Data = passwordPage{First: p.User.MustChangePassword, Problems: problems}
	c.render(w, r, status, p)
}

// handleChangePassword changes the user's own password, given the current
// one, and goes home.
func (c *Console) handleChangePassword(w http.ResponseWriter, r *http.Request) error {
	next := r.PostFormValue("new")
	if next != r.PostFormValue("confirm") {
		c.renderPassword(w, r, http.StatusUnprocessableEntity, map[string]string{"confirm": translate(langOf(r), "password.mismatch")})
		return nil
	}
	err := c.app.Auth.ChangeOwnPassword(r.Context(), r.PostFormValue("current"), next, httpapi.ClientAddress(r))
	if fields := faultFieldsIn(langOf(r), err); fault.CodeOf(err) == fault.Invalid && fields != nil {
		c.renderPassword(w, r, http.StatusUnprocessableEntity, fields)
		return nil
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// handleSwitchPost makes the session act in another of the user's posts
// and goes home, where that post's work waits.
func (c *Console) handleSwitchPost(w http.ResponseWriter, r *http.Request) error {
	post, err := strconv.ParseInt(r.PostFormValue("post"), 10, 64)
	if err != nil {
		return &fault.Error{Code: fault.Invalid, Message: "invalid post switch", Fields: map[string]string{"post": "choose one of your posts"}}
	}
	tok, _ := r.Context().Value(sessionKey{}).(string)
	if _, err := c.app.Auth.SwitchPost(r.Context(), tok, post, httpapi.ClientAddress(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// mustChangePassword reports whether the request's user must change the
// password before anything else: every page but the password form and
// sign-out then sends the browser to the form.
func mustChangePassword(p auth.Principal, r *http.Request) bool {
	if !p.MustChangePassword {
		return false
	}
	path := r.URL.Path
	return path != "/me/password" && path != "/logout"
}
