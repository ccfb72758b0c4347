package httpapi

import (
	"context"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/ids"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// view decides how records are shown to the principal of a request:
// personal data (ID numbers, phones, bank accounts, certificate numbers)
// masked unless the role grants auth.PermPII, ages as of today.
type view struct {
	pii   bool
	today period.Date
}

// viewOf returns the view for the request's principal.
func (s *server) viewOf(ctx context.Context) view {
	p, _ := auth.PrincipalFrom(ctx)
	return view{pii: p.Can(auth.PermPII), today: s.reg.Today()}
}

// idNumber shows a resident ID in full or masked.
func (v view) idNumber(id ids.ResidentID) string {
	if v.pii {
		return string(id)
	}
	return id.Masked()
}

// birthDate shows a birth date to roles that may see personal data, and
// nothing to others: the masked ID number hides exactly the birth date.
func (v view) birthDate(d period.Date) string {
	if !v.pii {
		return ""
	}
	return dateString(d)
}

// phone shows a phone number in full or masked.
func (v view) phone(s string) string {
	if v.pii || s == "" {
		return s
	}
	return ids.MaskPhone(s)
}

// account shows a bank account number in full or masked.
func (v view) account(s string) string {
	if v.pii || s == "" {
		return s
	}
	return ids.MaskAccount(s)
}

// identifier shows an identifier that embeds a resident ID, such as a
// disability certificate number, in full or masked like one.
func (v view) identifier(s string) string {
	if v.pii || s == "" {
		return s
	}
	return ids.Mask(s)
}

// regionNames looks up the Chinese names of the given division codes,
// each once; a code missing from the tree gets no name.
func (s *server) regionNames(ctx context.Context, codes ...region.Code) (map[region.Code]string, error) {
	names := make(map[region.Code]string, len(codes))
	for _, c := range codes {
		if _, done := names[c]; done || c == "" {
			continue
		}
		n, err := s.reg.Region(ctx, c)
		switch {
		case fault.CodeOf(err) == fault.NotFound:
			names[c] = ""
		case err != nil:
			return nil, err
		default:
			names[c] = n.NameZH
		}
	}
	return names, nil
}
