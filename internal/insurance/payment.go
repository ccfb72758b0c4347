package insurance

import (
	"context"
	"fmt"
	"strings"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/ids"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// Source says where a payment record came from.
type Source string

// The payment sources.
const (
	Posted    Source = "posted"     // entered at the window (窗口收缴)
	TaxBureau Source = "tax_bureau" // imported from the tax bureau's collection file (税务征收)
)

// Payment is a contribution collected (实缴): one receipt for one person,
// scheme and month.
type Payment struct {
	ID         int64             `json:"id"`
	PersonID   registry.PersonID `json:"person_id"`
	OrgID      registry.OrgID    `json:"org_id,omitempty"`
	Scheme     Scheme            `json:"scheme"`
	Period     period.Month      `json:"period"`
	RegionCode region.Code       `json:"region_code"`
	Base       money.Fen         `json:"base"`
	Employer   money.Fen         `json:"employer"`
	Individual money.Fen         `json:"individual"`
	PaidOn     period.Date       `json:"paid_on"`
	// ReceiptNo is the collection voucher (票证号), unique.
	ReceiptNo string `json:"receipt_no"`
	Source    Source `json:"source"`
}

// validate checks a payment; its amounts must be within limits.amount in
// force today, and their sum must fit in an int64. The error is the
// ceiling's when it has no value today.
func (p *Payment) validate(pk *policy.Package, today period.Date) (fault.Problems, error) {
	var pr fault.Problems
	if p.PersonID <= 0 {
		pr.Add("person_id", "is required")
	}
	if !p.Scheme.Valid() {
		pr.Add("scheme", "must be one of %v", Schemes)
	}
	if p.Period.IsZero() {
		pr.Add("period", "is required")
	} else if p.Period > today.Period().Add(1) {
		pr.Add("period", "%s is in the future", p.Period)
	}
	if p.Base < 0 || p.Employer < 0 || p.Individual < 0 {
		pr.Add("amount", "amounts are not negative (a refund is its own record)")
	}
	for _, a := range []struct {
		field string
		v     money.Fen
	}{{"base", p.Base}, {"employer", p.Employer}, {"individual", p.Individual}} {
		if err := pk.Ceiling(&pr, a.field, int64(a.v), "limits.amount", today, ""); err != nil {
			return nil, err
		}
	}
	if paid, err := money.Add(p.Employer, p.Individual); err != nil {
		pr.Add("amount", "the employer's and individual's parts overflow")
	} else if paid <= 0 {
		pr.Add("amount", "nothing was paid")
	}
	if p.PaidOn.IsZero() {
		pr.Add("paid_on", "is required")
	} else if p.PaidOn > today {
		pr.Add("paid_on", "is in the future")
	}
	if r := strings.TrimSpace(p.ReceiptNo); r == "" || len(r) > 40 {
		pr.Add("receipt_no", "is required, at most 40 characters")
	}
	return pr, nil
}

// Post records payments collected at the window, all or none.
func (s *Service) Post(ctx context.Context, ps []Payment) error {
	today := s.today()
	var pr fault.Problems
	for i := range ps {
		p := &ps[i]
		p.Source = Posted
		vp, err := p.validate(s.policy, today)
		if err != nil {
			return err
		}
		for f, msg := range vp {
			pr.Add(fmt.Sprintf("payments[%d].%s", i, f), "%s", msg)
		}
		if p.PersonID > 0 {
			per, err := s.registry.Person(ctx, p.PersonID)
			if fault.CodeOf(err) == fault.NotFound {
				pr.Add(fmt.Sprintf("payments[%d].person_id", i), "person %d does not exist", p.PersonID)
				continue
			} else if err != nil {
				return err
			}
			p.RegionCode = per.RegionCode
		}
		if p.OrgID > 0 {
			// An employer's contributions belong to the employer's region,
			// as in the tax import, so that arrears meet their payments.
			o, err := s.registry.Organisation(ctx, p.OrgID)
			if fault.CodeOf(err) == fault.NotFound {
				pr.Add(fmt.Sprintf("payments[%d].org_id", i), "organisation %d does not exist", p.OrgID)
				continue
			} else if err != nil {
				return err
			}
			p.RegionCode = o.RegionCode
		}
		if p.RegionCode != "" {
			if _, err := auth.RequireIn(ctx, auth.PermInsurance, p.RegionCode); err != nil {
				return err
			}
		}
	}
	if err := pr.Err("invalid payments"); err != nil {
		return err
	}
	return s.store.PostPayments(ctx, ps)
}

// TaxRecord is one row of the tax bureau's collection file (税务征收明细),
// as read by the exchange package.
type TaxRecord struct {
	Line       int
	USCC       string
	IDNumber   ids.ResidentID
	Scheme     Scheme
	Period     period.Month
	Base       money.Fen
	Employer   money.Fen
	Individual money.Fen
	PaidOn     period.Date
	ReceiptNo  string
}

// TaxLookup is what a tax import resolves in the registry.
type TaxLookup interface {
	// PersonByIDNumber returns the person; NotFound if unknown.
	PersonByIDNumber(ctx context.Context, id ids.ResidentID) (*registry.Person, error)
	// Organisations lists organisations matching f.
	Organisations(ctx context.Context, f registry.OrgFilter) ([]*registry.Organisation, error)
}

// ImportTax posts the tax bureau's collection records. Every record must
// name a registered person and, for employer contributions, a registered
// employer; a file with any bad row is rejected whole with every bad row
// named by its line, and nothing is written.
func (s *Service) ImportTax(ctx context.Context, lookup TaxLookup, recs []TaxRecord) (int, error) {
	p, err := auth.Require(ctx, auth.PermInsurance)
	if err != nil {
		return 0, err
	}
	today := s.today()
	var pr fault.Problems
	orgs := map[string]*registry.Organisation{}
	out := make([]Payment, 0, len(recs))
	bad := 0
	add := func(line int, field, format string, args ...any) {
		bad++
		if len(pr) < 200 {
			pr.Add(fmt.Sprintf("row %d: %s", line, field), format, args...)
		}
	}
	for _, r := range recs {
		pay := Payment{Scheme: r.Scheme, Period: r.Period, Base: r.Base, Employer: r.Employer, Individual: r.Individual,
			PaidOn: r.PaidOn, ReceiptNo: r.ReceiptNo, Source: TaxBureau}
		per, err := lookup.PersonByIDNumber(ctx, r.IDNumber)
		if fault.CodeOf(err) == fault.NotFound {
			add(r.Line, "id_number", "no registered person has ID number %s", r.IDNumber.Masked())
			continue
		} else if err != nil {
			return 0, err
		}
		pay.PersonID, pay.RegionCode = per.ID, per.RegionCode
		if r.USCC != "" {
			o, ok := orgs[r.USCC]
			if !ok {
				list, err := lookup.Organisations(ctx, registry.OrgFilter{USCC: r.USCC, Page: registry.Page{Limit: 1}})
				if err != nil {
					return 0, err
				}
				if len(list) > 0 {
					o = list[0]
				}
				orgs[r.USCC] = o
			}
			if o == nil {
				add(r.Line, "uscc", "no registered organisation has USCC %s", r.USCC)
				continue
			}
			pay.OrgID, pay.RegionCode = o.ID, o.RegionCode
		}
		if !p.InScope(pay.RegionCode) {
			add(r.Line, "region", "the record belongs to a region outside your scope %s", p.Scope)
			continue
		}
		vp, err := pay.validate(s.policy, today)
		if err != nil {
			return 0, err
		}
		for f, msg := range vp {
			add(r.Line, f, "%s", msg)
		}
		out = append(out, pay)
	}
	if bad > 0 {
		return 0, &fault.Error{Code: fault.Invalid, Message: fmt.Sprintf("the tax file has %d bad rows of %d; nothing was posted", bad, len(recs)), Fields: pr}
	}
	if err := s.store.PostPayments(ctx, out); err != nil {
		return 0, err
	}
	return len(out), nil
}

// ArrearsFilter selects the arrears report. Region is the employer's
// region (the organisation's), not its employees'.
type ArrearsFilter struct {
	Region   region.Code
	OrgID    registry.OrgID
	From, To period.Month
	// After and Limit page by employer: the months of the first Limit
	// employers in arrears with an ID above After; Limit 0 reads every
	// employer.
	After registry.OrgID
	Limit int
}

// ArrearsRow is what one employer owed and paid for one month and scheme
// (欠费).
type ArrearsRow struct {
	OrgID   registry.OrgID `json:"org_id"`
	Period  period.Month   `json:"period"`
	Scheme  Scheme         `json:"scheme"`
	Due     money.Fen      `json:"due"`
	Paid    money.Fen      `json:"paid"`
	Arrears money.Fen      `json:"arrears"`
}

// Arrears lists employers' months with less paid than due in the caller's
// scope.
func (s *Service) Arrears(ctx context.Context, f ArrearsFilter) ([]ArrearsRow, error) {
	var err error
	if f.Region, err = readScope(ctx, f.Region); err != nil {
		return nil, err
	}
	if f.From.IsZero() || f.To.IsZero() || f.To < f.From {
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid arrears query", Fields: map[string]string{"from": "give a month range from ≤ to"}}
	}
	if f.Limit < 0 || f.After < 0 {
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid arrears query", Fields: map[string]string{"limit": "give a page size and key of at least 0"}}
	}
	return s.store.Arrears(ctx, f)
}
