package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"

	"safetynet/internal/auth"
	"safetynet/internal/region"
	"safetynet/internal/sqlstore"
)

const userUsage = `Usage:
  safetynet user list    --db DSN
  safetynet user add     --db DSN --username NAME --role ROLE --scope CODE [--display-name TEXT] [--person ID]   (password on stdin)
  safetynet user grant   --db DSN --username NAME --role ROLE --scope CODE
  safetynet user disable --db DSN --username NAME
  safetynet user enable  --db DSN --username NAME
  safetynet user passwd  --db DSN --username NAME   (password on stdin)
Every change is an audited event; audit verify reports an account changed any other way.`

// userCommands manage the user accounts through the audited paths, acting as
// the system process user-admin.
func userCommands() []command {
	return []command{
		{name: "list", run: runUserList},
		{name: "add", run: runUserAdd},
		{name: "grant", run: runUserGrant},
		{name: "disable", run: func(ctx context.Context, e env, args []string) error { return runUserDisable(ctx, e, args, true) }},
		{name: "enable", run: func(ctx context.Context, e env, args []string) error { return runUserDisable(ctx, e, args, false) }},
		{name: "passwd", run: runUserPasswd},
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
		fmt.Fprintln(tw, "id\tusername\trole\tscope\tdisabled\tname")
		for _, u := range us {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%t\t%s\n", u.ID, u.Username, u.Role, u.Scope, u.Disabled, u.DisplayName)
		}
		return tw.Flush()
	})
}

func runUserAdd(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "user add", "user add --db DSN --username NAME --role ROLE --scope CODE [--display-name TEXT] [--person ID]")
	dsn := dsnFlag(fs, defaultDB)
	name := fs.String("username", "", "the login name")
	role := fs.String("role", "", "the role: "+roleList())
	scope := fs.String("scope", fs.e.home(), "the region subtree the user works in")
	display := fs.String("display-name", "", "the name shown")
	person := fs.Int64("person", 0, "the registry person of a citizen account")
	fs.require("username", "role")
	if err := fs.Parse(args); err != nil {
		return err
	}
	pw, err := readPassword(e)
	if err != nil {
		return err
	}
	return withUsers(ctx, e, *dsn, func(ctx context.Context, au *auth.Service, _ *sqlstore.DB) error {
		u, err := au.CreateUser(ctx, auth.NewUser{Username: *name, DisplayName: *display, Password: pw, Role: auth.Role(*role), Scope: region.Code(*scope), PersonID: *person})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "user %d %s added: %s over %s\n", u.ID, u.Username, u.Role, u.Scope)
		return nil
	})
}

func runUserGrant(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "user grant", "user grant --db DSN --username NAME --role ROLE --scope CODE")
	dsn := dsnFlag(fs, defaultDB)
	name := fs.String("username", "", "the login name")
	role := fs.String("role", "", "the new role: "+roleList())
	scope := fs.String("scope", "", "the new region subtree")
	fs.require("username", "role", "scope")
	if err := fs.Parse(args); err != nil {
		return err
	}
	return withUsers(ctx, e, *dsn, func(ctx context.Context, au *auth.Service, _ *sqlstore.DB) error {
		u, err := au.SetGrant(ctx, *name, auth.Role(*role), region.Code(*scope))
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "user %d %s is now %s over %s\n", u.ID, u.Username, u.Role, u.Scope)
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
		u, err := au.SetDisabled(ctx, *name, disabled)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "user %d %s %sd\n", u.ID, u.Username, verb)
		return nil
	})
}

func runUserPasswd(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "user passwd", "user passwd --db DSN --username NAME")
	dsn := dsnFlag(fs, defaultDB)
	name := fs.String("username", "", "the login name")
	fs.require("username")
	if err := fs.Parse(args); err != nil {
		return err
	}
	pw, err := readPassword(e)
	if err != nil {
		return err
	}
	return withUsers(ctx, e, *dsn, func(ctx context.Context, au *auth.Service, _ *sqlstore.DB) error {
		u, err := au.SetPassword(ctx, *name, pw)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "user %d %s has a new password\n", u.ID, u.Username)
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
