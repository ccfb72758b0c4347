package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"safetynet/internal/auth"
	"safetynet/internal/region"
	"safetynet/internal/sqlstore"
)

const userUsage = `Usage:
  safetynet user list     --db DSN
  safetynet user add      --db DSN --username NAME --post ROLE@CODE [--post ROLE@CODE ...] [--display-name TEXT] [--person ID] [--temporary=false]   (password on stdin)
  safetynet user grant    --db DSN --username NAME --post ROLE@CODE   (adds the post to those held)
  safetynet user revoke   --db DSN --username NAME --post ID|ROLE@CODE
  safetynet user disable  --db DSN --username NAME
  safetynet user enable   --db DSN --username NAME
  safetynet user password --db DSN --username NAME [--temporary=false]   (password on stdin; passwd is an alias)
A post is a role over the prefecture, a county or a township: admin@652300, caseworker@652301.
--role ROLE --scope CODE still give one post. A password set here is temporary unless
--temporary=false: the user must change it at the first sign-in.
Every change is an audited event; audit verify reports an account changed any other way.`

// userCommands manage the user accounts through the audited paths, acting as
// the system process user-admin.
func userCommands() []command {
	return []command{
		{name: "list", run: runUserList},
		{name: "add", run: runUserAdd},
		{name: "grant", run: runUserGrant},
		{name: "revoke", run: runUserRevoke},
		{name: "disable", run: func(ctx context.Context, e env, args []string) error { return runUserDisable(ctx, e, args, true) }},
		{name: "enable", run: func(ctx context.Context, e env, args []string) error { return runUserDisable(ctx, e, args, false) }},
		{name: "password", run: func(ctx context.Context, e env, args []string) error {
			return runUserPassword(ctx, e, args, "password")
		}},
		{name: "passwd", run: func(ctx context.Context, e env, args []string) error { return runUserPassword(ctx, e, args, "passwd") }},
	}
}

// withUsers opens the store and runs fn with the auth service
// acting as the system; an invalid change's fields go to stderr.
func withUsers(ctx context.Context, e env, dsn string, fn func(context.Context, *auth.Service, *sqlstore.DB) error) error {
	a, ctx, err := openApp(ctx, e, dsn, "user-admin")
	if err != nil {
		return err
	}
	defer a.Close()
	err = fn(ctx, a.Auth, a.Store)
	printProblems(e, err)
	return err
}

// readPassword reads the password from the first line of stdin.
func readPassword(e env) (string, error) {
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("give the password on stdin")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// postsFlag collects the repeatable --post ROLE@CODE.
type postsFlag []auth.PostSpec

// String implements flag.Value.
func (f *postsFlag) String() string {
	var s []string
	for _, p := range *f {
		s = append(s, p.String())
	}
	return strings.Join(s, ",")
}

// Set implements flag.Value.
func (f *postsFlag) Set(v string) error {
	p, err := auth.ParsePost(v)
	if err != nil {
		return err
	}
	*f = append(*f, p)
	return nil
}

// postsOf returns the posts of --post, or the one post of --role and
// --scope (scope defaulting to the home region).
func postsOf(posts postsFlag, role, scope, home string) ([]auth.PostSpec, error) {
	switch {
	case len(posts) > 0 && role != "":
		return nil, errors.New("give --post, or --role and --scope, not both")
	case len(posts) > 0:
		return posts, nil
	case role != "":
		if scope == "" {
			scope = home
		}
		return []auth.PostSpec{{Role: auth.Role(role), Region: region.Code(scope)}}, nil
	}
	return nil, errors.New("give at least one --post ROLE@CODE (roles: " + roleList() + ")")
}

// postList writes a user's live posts as ROLE@CODE(ID).
func postList(u *auth.User) string {
	var s []string
	for _, p := range u.LivePosts() {
		s = append(s, fmt.Sprintf("%s(%d)", p, p.ID))
	}
	if len(s) == 0 {
		return "-"
	}
	return strings.Join(s, " ")
}

func runUserList(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "user list", "user list --db DSN")
	dsn := dsnFlag(fs, defaultDB)
	if err := fs.Parse(args); err != nil {
		return err
	}
	return withUsers(ctx, e, *dsn, func(ctx context.Context, _ *auth.Service, db *sqlstore.DB) error {
		us, err := db.Users(ctx)
		if err != nil {
			return err
		}
		tw := newTable(e.stdout, false)
		fmt.Fprintln(tw, "id\tusername\tposts (id)\tdisabled\tmust change password\tname")
		for _, u := range us {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%t\t%t\t%s\n", u.ID, u.Username, postList(u), u.Disabled, u.MustChangePassword, u.DisplayName)
		}
		return tw.Flush()
	})
}

func runUserAdd(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "user add", "user add --db DSN --username NAME --post ROLE@CODE [--post ...] | --role ROLE [--scope CODE] [--display-name TEXT] [--person ID] [--temporary=false]")
	dsn := dsnFlag(fs, defaultDB)
	name := fs.String("username", "", "the login name")
	var posts postsFlag
	fs.Var(&posts, "post", "a post ROLE@CODE, e.g. caseworker@652301 (repeatable); roles: "+roleList())
	role := fs.String("role", "", "the role of the one post (with --scope), instead of --post")
	scope := fs.String("scope", "", "the region of the one post of --role (default the home region)")
	display := fs.String("display-name", "", "the name shown")
	person := fs.Int64("person", 0, "the registry person of a citizen account")
	temporary := fs.Bool("temporary", true, "the user must change the password at the first sign-in")
	fs.require("username")
	if err := fs.Parse(args); err != nil {
		return err
	}
	specs, err := postsOf(posts, *role, *scope, string(fs.e.home()))
	if err != nil {
		return err
	}
	pw, err := readPassword(e)
	if err != nil {
		return err
	}
	return withUsers(ctx, e, *dsn, func(ctx context.Context, au *auth.Service, _ *sqlstore.DB) error {
		u, err := au.CreateUser(ctx, auth.NewUser{Username: *name, DisplayName: *display, Password: pw, Posts: specs, PersonID: *person, MustChangePassword: *temporary})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "user %d %s added with the posts %s\n", u.ID, u.Username, postList(u))
		if u.MustChangePassword {
			fmt.Fprintln(e.stdout, "the password is temporary: the user changes it at the first sign-in")
		}
		return nil
	})
}

func runUserGrant(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "user grant", "user grant --db DSN --username NAME --post ROLE@CODE | --role ROLE --scope CODE")
	dsn := dsnFlag(fs, defaultDB)
	name := fs.String("username", "", "the login name")
	var posts postsFlag
	fs.Var(&posts, "post", "the post to grant, ROLE@CODE; roles: "+roleList())
	role := fs.String("role", "", "the role of the post (with --scope), instead of --post")
	scope := fs.String("scope", "", "the region of the post of --role")
	fs.require("username")
	if err := fs.Parse(args); err != nil {
		return err
	}
	specs, err := postsOf(posts, *role, *scope, string(fs.e.home()))
	if err != nil {
		return err
	}
	return withUsers(ctx, e, *dsn, func(ctx context.Context, au *auth.Service, _ *sqlstore.DB) error {
		u, err := au.UserNamed(ctx, *name)
		if err != nil {
			return err
		}
		for _, spec := range specs {
			if u, err = au.GrantPost(ctx, u.ID, spec); err != nil {
				return err
			}
		}
		fmt.Fprintf(e.stdout, "user %d %s now holds %s\n", u.ID, u.Username, postList(u))
		return nil
	})
}

func runUserRevoke(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "user revoke", "user revoke --db DSN --username NAME --post ID|ROLE@CODE")
	dsn := dsnFlag(fs, defaultDB)
	name := fs.String("username", "", "the login name")
	post := fs.String("post", "", "the post to revoke: its ID (user list shows it) or ROLE@CODE")
	fs.require("username", "post")
	if err := fs.Parse(args); err != nil {
		return err
	}
	return withUsers(ctx, e, *dsn, func(ctx context.Context, au *auth.Service, _ *sqlstore.DB) error {
		u, err := au.UserNamed(ctx, *name)
		if err != nil {
			return err
		}
		id, err := strconv.ParseInt(*post, 10, 64)
		if err != nil {
			spec, perr := auth.ParsePost(*post)
			if perr != nil {
				return perr
			}
			for _, p := range u.LivePosts() {
				if p.Role == spec.Role && p.Region == spec.Region {
					id = p.ID
				}
			}
			if id == 0 {
				return fmt.Errorf("%s holds no post %s", u.Username, spec)
			}
		}
		if u, err = au.RevokePost(ctx, u.ID, id); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "user %d %s: post %d revoked; holds %s\n", u.ID, u.Username, id, postList(u))
		return nil
	})
}

func runUserDisable(ctx context.Context, e env, args []string, disabled bool) error {
	verb := map[bool]string{true: "disable", false: "enable"}[disabled]
	fs := newFlags(e, "user "+verb, "user "+verb+" --db DSN --username NAME")
	dsn := dsnFlag(fs, defaultDB)
	name := fs.String("username", "", "the login name")
	fs.require("username")
	if err := fs.Parse(args); err != nil {
		return err
	}
	return withUsers(ctx, e, *dsn, func(ctx context.Context, au *auth.Service, _ *sqlstore.DB) error {
		u, err := au.UserNamed(ctx, *name)
		if err != nil {
			return err
		}
		if u, err = au.SetDisabled(ctx, u.ID, disabled); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "user %d %s %sd\n", u.ID, u.Username, verb)
		return nil
	})
}

// runUserPassword is user password, also called by its old name passwd.
func runUserPassword(ctx context.Context, e env, args []string, name string) error {
	fs := newFlags(e, "user "+name, "user "+name+" --db DSN --username NAME [--temporary=false]")
	dsn := dsnFlag(fs, defaultDB)
	user := fs.String("username", "", "the login name")
	temporary := fs.Bool("temporary", true, "the user must change the password at the next sign-in")
	fs.require("username")
	if err := fs.Parse(args); err != nil {
		return err
	}
	pw, err := readPassword(e)
	if err != nil {
		return err
	}
	return withUsers(ctx, e, *dsn, func(ctx context.Context, au *auth.Service, _ *sqlstore.DB) error {
		u, err := au.UserNamed(ctx, *user)
		if err != nil {
			return err
		}
		if u, err = au.ResetPassword(ctx, u.ID, pw, *temporary); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "user %d %s has a new password\n", u.ID, u.Username)
		if u.MustChangePassword {
			fmt.Fprintln(e.stdout, "the password is temporary: the user changes it at the next sign-in")
		}
		return nil
	})
}

func roleList() string {
	var rs []string
	for _, r := range auth.Roles() {
		rs = append(rs, string(r))
	}
	return strings.Join(rs, ", ")
}
