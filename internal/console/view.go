package console

import (
	"net/http"

	"safetynet/internal/auth"
	"safetynet/internal/ids"
	"safetynet/internal/period"
)

// view decides how personal data is shown to the request's principal, as
// the API does: ID numbers, phones and bank accounts masked unless the role
// grants pii.view; without it no full birth date is shown beside a masked
// ID (only the age), so that nothing on a page rebuilds the masked number.
type view struct {
	pii   bool
	today period.Date
}

// viewOf returns the view of the request's principal.
func (c *Console) viewOf(r *http.Request) view {
	p, _ := auth.PrincipalFrom(r.Context())
	return view{pii: p.Can(auth.PermPII), today: c.app.Clock.Today()}
}

// IDNumber shows a resident ID in full or masked.
func (v view) IDNumber(id ids.ResidentID) string {
	if v.pii {
		return string(id)
	}
	return id.Masked()
}

// Phone shows a phone number in full or masked.
func (v view) Phone(s string) string {
	if v.pii || s == "" {
		return s
	}
	return ids.MaskPhone(s)
}

// Account shows a bank account number in full or masked.
func (v view) Account(s string) string {
	if v.pii || s == "" {
		return s
	}
	return ids.MaskAccount(s)
}

// BirthDate shows a birth date to roles that may see personal data, and
// nothing to others.
func (v view) BirthDate(d period.Date) period.Date {
	if !v.pii {
		return 0
	}
	return d
}

// Age is the age in whole years today of a person born on d.
func (v view) Age(d period.Date) int {
	y, m, day := v.today.YMD()
	by, bm, bd := d.YMD()
	age := y - by
	if m < bm || (m == bm && day < bd) {
		age--
	}
	return age
}
