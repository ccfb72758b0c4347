package auth_test

import (
	"context"
	"testing"
	"time"

	"safetynet/internal/app"
	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// TestPostsValidated: a post is over the prefecture, a county or a
// township of the jurisdiction's tree; a village (for staff), a code
// outside the tree or the home region, and an unknown role are refused
// naming the post's field.
func TestPostsValidated(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		a, _ := sqlstoretest.NewApp(t, open(t), app.Options{})
		au := a.Auth
		au.SetFastHashing()
		ctx := auth.WithPrincipal(context.Background(), auth.SystemPrincipal("test", "652300"))
		township := a.Juris.Tree.Children("652301")[0].Code
		village := a.Juris.Tree.Children(township)[0].Code
		u, err := au.CreateUser(ctx, auth.NewUser{Username: "multi", Password: "long-enough", Posts: []auth.PostSpec{
			{Role: auth.RoleCaseworker, Region: township}, {Role: auth.RoleApprover, Region: "652300"}, {Role: auth.RoleAuditor, Region: "652302"}}})
		if err != nil {
			t.Fatalf("three posts at township, prefecture and county level: %v", err)
		}
		if len(u.Posts) != 3 || u.Role != auth.RoleCaseworker || u.Scope != township || u.Posts[0].ID == 0 {
			t.Errorf("user %+v: want three posts, the first the township caseworker's", u)
		}
		for _, c := range []struct {
			name  string
			posts []auth.PostSpec
			field string
		}{
			{"village", []auth.PostSpec{{Role: auth.RoleApprover, Region: "652300"}, {Role: auth.RoleCaseworker, Region: village}}, "posts[1].region"},
			{"outside the tree", []auth.PostSpec{{Role: auth.RoleCaseworker, Region: "652388"}}, "posts[0].region"},
			{"outside home", []auth.PostSpec{{Role: auth.RoleCaseworker, Region: "110101"}}, "posts[0].region"},
			{"malformed", []auth.PostSpec{{Role: auth.RoleCaseworker, Region: "65"}}, "posts[0].region"},
			{"unknown role", []auth.PostSpec{{Role: "boss", Region: "652301"}}, "posts[0].role"},
			{"twice", []auth.PostSpec{{Role: auth.RoleAnalyst, Region: "652301"}, {Role: auth.RoleAnalyst, Region: "652301"}}, "posts[1]"},
			{"none", nil, "posts"},
		} {
			_, err := au.CreateUser(ctx, auth.NewUser{Username: "bad.user", Password: "long-enough", Posts: c.posts})
			if f := fault.FieldsOf(err); fault.CodeOf(err) != fault.Invalid || f[c.field] == "" {
				t.Errorf("%s: %v (fields %v), want invalid naming %s", c.name, err, f, c.field)
			}
		}
		if _, err := au.GrantPost(ctx, u.ID, auth.PostSpec{Role: auth.RoleAnalyst, Region: village}); fault.FieldsOf(err)["region"] == "" {
			t.Errorf("grant at a village: %v, want invalid naming region", err)
		}
		if _, err := au.GrantPost(ctx, u.ID, auth.PostSpec{Role: auth.RoleApprover, Region: "652300"}); fault.FieldsOf(err)["post"] == "" {
			t.Errorf("grant of a post held: %v, want invalid naming post", err)
		}
		for _, pw := range []string{"short-9ch", "multi"} {
			if _, err := au.CreateUser(ctx, auth.NewUser{Username: "multi2", Password: pw, Role: auth.RoleAnalyst, Scope: "652301"}); fault.FieldsOf(err)["password"] == "" {
				t.Errorf("password %q: %v, want invalid naming password", pw, err)
			}
		}
		if _, err := au.CreateUser(ctx, auth.NewUser{Username: "multi2", Password: "multi2", Role: auth.RoleAnalyst, Scope: "652301"}); fault.FieldsOf(err)["password"] == "" {
			t.Errorf("the username as password: %v, want invalid naming password", err)
		}
	})
}

// TestSwitchPost: a session signs in in a post it names, or the first;
// switching post changes the session's role and scope (audited); a post
// revoked ends the sessions acting in it; a user holding no post cannot
// sign in.
func TestSwitchPost(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		db := open(t)
		a, _ := sqlstoretest.NewApp(t, db, app.Options{SessionTTL: time.Hour})
		au := a.Auth
		au.SetFastHashing()
		sys := auth.WithPrincipal(context.Background(), auth.SystemPrincipal("test", "652300"))
		u, err := au.CreateUser(sys, auth.NewUser{Username: "two.posts", Password: "long-enough", Posts: []auth.PostSpec{
			{Role: auth.RoleCaseworker, Region: "652301"}, {Role: auth.RoleApprover, Region: "652302"}}})
		if err != nil {
			t.Fatal(err)
		}
		cw, ap := u.Posts[0], u.Posts[1]
		g, err := au.Login(sys, "two.posts", "long-enough", "192.0.2.7")
		if err != nil {
			t.Fatal(err)
		}
		p, err := au.Authenticate(sys, g.Token)
		if err != nil || p.PostID != cw.ID || p.Role != auth.RoleCaseworker || p.Scope != "652301" || len(p.Posts) != 2 {
			t.Fatalf("first sign-in acts as %+v, %v; want the caseworker post over 652301", p, err)
		}
		if p.InScope("652302") || p.Can(auth.PermApprove) {
			t.Error("the caseworker post reaches 652302 or approves")
		}
		actions := sqlstoretest.AuditActions(t, db)
		ctx := auth.WithPrincipal(context.Background(), p)
		if _, err := au.SwitchPost(ctx, g.Token, 999999, "192.0.2.7"); fault.FieldsOf(err)["post"] == "" {
			t.Errorf("switch to a post not held: %v, want invalid naming post", err)
		}
		switched, err := au.SwitchPost(ctx, g.Token, ap.ID, "192.0.2.7")
		if err != nil || switched.PostID != ap.ID || switched.Scope != "652302" || switched.Role != auth.RoleApprover {
			t.Fatalf("switch: %+v, %v; want the approver post over 652302", switched, err)
		}
		p, err = au.Authenticate(sys, g.Token)
		if err != nil || p.PostID != ap.ID || !p.InScope("652302") || p.InScope("652301") || !p.Can(auth.PermApprove) {
			t.Errorf("the session after the switch acts as %+v, %v; want the approver post over 652302", p, err)
		}
		if got := sqlstoretest.AuditActions(t, db)[auth.ActionSwitchPost]; got != actions[auth.ActionSwitchPost]+1 {
			t.Errorf("%d switch events, want one more than %d", got, actions[auth.ActionSwitchPost])
		}
		// Signing in in a named post.
		g2, err := au.LoginInPost(sys, "two.posts", "long-enough", "", ap.ID)
		if err != nil || g2.Principal.PostID != ap.ID {
			t.Errorf("sign-in in the approver post: %+v, %v", g2, err)
		}
		if _, err := au.LoginInPost(sys, "two.posts", "long-enough", "", 999999); fault.FieldsOf(err)["post"] == "" {
			t.Errorf("sign-in in a post not held: %v, want invalid naming post", err)
		}
		// Revoking the approver post ends the sessions acting in it.
		if _, err := au.RevokePost(sys, u.ID, ap.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := au.Authenticate(sys, g.Token); fault.CodeOf(err) != fault.Unauthenticated {
			t.Errorf("session in a revoked post: %v, want unauthenticated", err)
		}
		if _, err := au.RevokePost(sys, u.ID, cw.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := au.Login(sys, "two.posts", "long-enough", ""); fault.CodeOf(err) != fault.Unauthenticated {
			t.Errorf("sign-in holding no post: %v, want unauthenticated", err)
		}
		if rep, err := db.VerifyAudit(context.Background()); err != nil || !rep.Intact() {
			t.Errorf("audit verify: %+v, %v; want intact", rep, err)
		}
	})
}

// TestMustChangePassword: an account an administrator created with a
// temporary password may do nothing until the user changes it; the new
// password follows the rules; the change clears the flag, is audited and
// counts a wrong current password as a failed sign-in.
func TestMustChangePassword(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		db := open(t)
		a, _ := sqlstoretest.NewApp(t, db, app.Options{SessionTTL: time.Hour})
		au := a.Auth
		au.SetFastHashing()
		sys := auth.WithPrincipal(context.Background(), auth.SystemPrincipal("test", "652300"))
		if _, err := au.CreateUser(sys, auth.NewUser{Username: "newbie", Password: "temporary-1", Role: auth.RoleCaseworker, Scope: "652301", MustChangePassword: true}); err != nil {
			t.Fatal(err)
		}
		g, err := au.Login(sys, "newbie", "temporary-1", "")
		if err != nil {
			t.Fatal(err)
		}
		if !g.Principal.MustChangePassword {
			t.Fatal("the principal of a temporary password does not have to change it")
		}
		ctx := auth.WithPrincipal(context.Background(), g.Principal)
		if _, err := auth.Require(ctx, auth.PermRegistryRead); fault.CodeOf(err) != auth.CodePasswordChange {
			t.Errorf("Require before the change: %v, want %s", err, auth.CodePasswordChange)
		}
		for _, c := range []struct{ current, next, field string }{
			{"temporary-1", "short", "new"},
			{"temporary-1", "temporary-1", "new"},
			{"temporary-1", "NEWBIE", "new"},
			{"wrong-password", "a-good-new-one", "current"},
		} {
			if err := au.ChangeOwnPassword(ctx, c.current, c.next, ""); fault.FieldsOf(err)[c.field] == "" {
				t.Errorf("change %q → %q: %v, want invalid naming %s", c.current, c.next, err, c.field)
			}
		}
		if th, err := db.LoginThrottle(context.Background(), "newbie"); err != nil || th.Failures != 1 {
			t.Errorf("failures after a wrong current password: %+v, %v; want 1", th, err)
		}
		if err := au.ChangeOwnPassword(ctx, "temporary-1", "a-good-new-one", ""); err != nil {
			t.Fatalf("change: %v", err)
		}
		p, err := au.Authenticate(sys, g.Token)
		if err != nil || p.MustChangePassword {
			t.Fatalf("after the change: %+v, %v; want no flag", p, err)
		}
		if _, err := auth.Require(auth.WithPrincipal(context.Background(), p), auth.PermRegistryRead); err != nil {
			t.Errorf("Require after the change: %v", err)
		}
		if _, err := au.Login(sys, "newbie", "a-good-new-one", ""); err != nil {
			t.Errorf("sign-in with the new password: %v", err)
		}
		if got := sqlstoretest.AuditActions(t, db)[auth.ActionPasswordChange]; got != 1 {
			t.Errorf("%d password change events, want 1", got)
		}
		// An administrator's reset sets the flag again.
		u, err := au.UserNamed(sys, "newbie")
		if err != nil {
			t.Fatal(err)
		}
		if u, err = au.ResetPassword(sys, u.ID, "reset-by-admin", true); err != nil || !u.MustChangePassword {
			t.Errorf("reset: %+v, %v; want must change", u, err)
		}
		if rep, err := db.VerifyAudit(context.Background()); err != nil || !rep.Intact() {
			t.Errorf("audit verify: %+v, %v; want intact", rep, err)
		}
	})
}

// TestUserAdminScope: an administrator over a county manages only the
// users whose every post lies in the county, grants only posts in it and
// no admin post; nobody changes their own posts; a user holding a
// caseworker and an approver post is one user for maker-checker.
func TestUserAdminScope(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		db := open(t)
		a, _ := sqlstoretest.NewApp(t, db, app.Options{})
		au := a.Auth
		au.SetFastHashing()
		sys := auth.WithPrincipal(context.Background(), auth.SystemPrincipal("test", "652300"))
		mk := func(name string, posts ...auth.PostSpec) *auth.User {
			u, err := au.CreateUser(sys, auth.NewUser{Username: name, Password: "long-enough", Posts: posts})
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		countyAdmin := mk("admin.changji", auth.PostSpec{Role: auth.RoleAdmin, Region: "652301"})
		inCounty := mk("cw.in", auth.PostSpec{Role: auth.RoleCaseworker, Region: "652301"})
		straddling := mk("cw.both", auth.PostSpec{Role: auth.RoleCaseworker, Region: "652301"}, auth.PostSpec{Role: auth.RoleCaseworker, Region: "652302"})
		ctx := auth.WithPrincipal(context.Background(), auth.Principal{UserID: countyAdmin.ID, Username: countyAdmin.Username,
			Role: auth.RoleAdmin, Scope: "652301", PostID: countyAdmin.Posts[0].ID})
		us, err := au.ListUsers(ctx, auth.UserFilter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, u := range us {
			names = append(names, u.Username)
		}
		if len(us) != 2 || us[0].Username != "admin.changji" || us[1].Username != "cw.in" {
			t.Errorf("the county administrator lists %v, want admin.changji and cw.in", names)
		}
		if _, err := au.User(ctx, straddling.ID); fault.CodeOf(err) != fault.NotFound {
			t.Errorf("reading a user with a post outside the scope: %v, want not found", err)
		}
		if _, err := au.SetDisabled(ctx, straddling.ID, true); fault.CodeOf(err) != fault.NotFound {
			t.Errorf("disabling a user with a post outside the scope: %v, want not found", err)
		}
		if _, err := au.GrantPost(ctx, inCounty.ID, auth.PostSpec{Role: auth.RoleCaseworker, Region: "652302"}); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("granting a post outside the scope: %v, want forbidden", err)
		}
		if _, err := au.GrantPost(ctx, inCounty.ID, auth.PostSpec{Role: auth.RoleAdmin, Region: "652301"}); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("a county administrator granting an admin post: %v, want forbidden", err)
		}
		if _, err := au.CreateUser(ctx, auth.NewUser{Username: "cw.out", Password: "long-enough", Role: auth.RoleCaseworker, Scope: "652302"}); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("creating a user outside the scope: %v, want forbidden", err)
		}
		if _, err := au.GrantPost(ctx, countyAdmin.ID, auth.PostSpec{Role: auth.RoleApprover, Region: "652301"}); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("granting oneself a post: %v, want forbidden", err)
		}
		if _, err := au.RevokePost(ctx, countyAdmin.ID, countyAdmin.Posts[0].ID); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("revoking one's own post: %v, want forbidden", err)
		}
		if u, err := au.GrantPost(ctx, inCounty.ID, auth.PostSpec{Role: auth.RoleApprover, Region: "652301"}); err != nil || len(u.LivePosts()) != 2 {
			t.Errorf("granting an approver post in the county: %+v, %v", u, err)
		}
		// Maker-checker is per user: the caseworker who made a change and
		// also holds an approver post cannot approve it in that post.
		approverPost := auth.Principal{UserID: inCounty.ID, Username: "cw.in", Role: auth.RoleApprover, Scope: "652301"}
		if err := auth.SecondUser(approverPost, []int64{inCounty.ID}, "the change"); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("approving one's own work in another post: %v, want forbidden", err)
		}
		if rep, err := db.VerifyAudit(context.Background()); err != nil || !rep.Intact() {
			t.Errorf("audit verify: %+v, %v; want intact", rep, err)
		}
	})
}
