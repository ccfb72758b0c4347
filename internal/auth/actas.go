package auth

import (
	"context"

	"safetynet/internal/fault"
)

// ActAs returns the principal of user userID acting in its post postID, as
// a sign-in in that post would make it, for work the user started and the
// system carries on (the front office runs a matter's action as the
// caseworker who reviewed it). A disabled user, or a post no longer held,
// is Forbidden: the work waits for someone who still holds the post.
func (s *Service) ActAs(ctx context.Context, userID, postID int64) (Principal, error) {
	u, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return Principal{}, err
	}
	if u.Disabled {
		return Principal{}, fault.Errorf(fault.Forbidden, "user %s is disabled", u.Username)
	}
	post, ok := u.LivePost(postID)
	if !ok {
		return Principal{}, fault.Errorf(fault.Forbidden, "user %s no longer holds post %d", u.Username, postID)
	}
	p := principalOf(u, post)
	p.MustChangePassword = false
	return p, nil
}
