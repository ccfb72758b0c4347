package console

import (
	"context"
	"strconv"
	"strings"
)

// staffRef names a user where a history, a timeline or a decision shows
// who acted: the display name (显示名) first, the username only as
// secondary text. Templates show it with the "staff" partial; where it is
// formatted into a sentence, String gives "显示名 (username)".
type staffRef struct {
	Name     string
	Username string
}

// String is the name with the username in parentheses when it differs.
func (s staffRef) String() string {
	if s.Username == "" || s.Username == s.Name {
		return s.Name
	}
	return s.Name + " (" + s.Username + ")"
}

// staffBook resolves the users one page names, each user read once.
type staffBook struct {
	c      *Console
	ctx    context.Context
	l      Lang
	byID   map[int64]staffRef
	byName map[string]staffRef
}

// staff returns a staffBook for a page in language l.
func (c *Console) staff(ctx context.Context, l Lang) *staffBook {
	return &staffBook{c: c, ctx: ctx, l: l, byID: map[int64]staffRef{}, byName: map[string]staffRef{}}
}

// id names the user id; 0 or below is the system, a user not found is
// named by the number.
func (b *staffBook) id(id int64) staffRef {
	if s, ok := b.byID[id]; ok {
		return s
	}
	var s staffRef
	switch u, err := b.c.app.Store.UserByID(b.ctx, id); {
	case id <= 0:
		s = staffRef{Name: translate(b.l, "staff.system")}
	case err != nil:
		s = staffRef{Name: "#" + strconv.FormatInt(id, 10)}
	default:
		s = staffRef{Name: u.DisplayName, Username: u.Username}
		if s.Name == "" {
			s.Name = u.Username
		}
	}
	b.byID[id] = s
	return s
}

// actor names the user of an event by ID, or, for a system process (no
// user: its name is "system:<what>" or the like), as the system with that
// name as secondary text.
func (b *staffBook) actor(id int64, name string) staffRef {
	if id <= 0 {
		return staffRef{Name: translate(b.l, "staff.system"), Username: name}
	}
	return b.id(id)
}

// name names the user username (a history that kept the username only).
func (b *staffBook) name(username string) staffRef {
	if s, ok := b.byName[username]; ok {
		return s
	}
	s := staffRef{Name: username, Username: username}
	if username == "" || strings.HasPrefix(username, "system") {
		s = staffRef{Name: translate(b.l, "staff.system"), Username: username}
	} else if u, err := b.c.app.Store.UserByName(b.ctx, username); err == nil && u.DisplayName != "" {
		s.Name = u.DisplayName
	}
	b.byName[username] = s
	return s
}

func init() {
	register(map[string]msg{
		"staff.system": {"系统", "the system"},
	})
}
