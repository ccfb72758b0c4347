package bundles

import (
	"context"
	"fmt"
	"strings"
	"time"

	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/registry"
)

// How a closing treats the employer's arrears.
const (
	// ArrearsSettle refuses the closing while arrears are due: the
	// employer settles them (缴费 at the window or the tax bureau) before
	// its registration is closed, as 《社会保险登记管理暂行办法》 (1999)
	// asks: 注销登记前结清应缴纳的社会保险费 (docs/bundles.md).
	ArrearsSettle = "settle"
	// ArrearsList closes the employer with its arrears listed in the
	// decision, to be claimed from its liquidation (破产清算, 吊销): they
	// stay due (insurance.Closings.Close).
	ArrearsList = "list"
)

// CloseRequest asks to close an enterprise (企业注销一件事).
type CloseRequest struct {
	OrgID  registry.OrgID `json:"-"`
	On     period.Date    `json:"on"`
	Reason string         `json:"reason"`
	// Arrears is ArrearsSettle or ArrearsList.
	Arrears string `json:"arrears"`
}

// ClosingOutcome is what closing an enterprise did.
type ClosingOutcome struct {
	Organisation *registry.Organisation `json:"organisation"`
	Closing      *insurance.Closing     `json:"closing"`
}

// arrearsFrom is the first month arrears are looked for: the schemes
// began in the 1990s, as insurance.Closings reads them.
var arrearsFrom = period.NewMonth(1990, time.January)

// CheckClose validates a closing without writing anything: the employer
// registered and open, the date and reason given, the treatment of the
// arrears chosen, and under ArrearsSettle no arrears due (each month
// listed when there are: 一次性告知).
func (s *Service) CheckClose(ctx context.Context, req CloseRequest) error {
	var pr fault.Problems
	s.checkCloseFields(&pr, req)
	o, err := s.registry.Organisation(ctx, req.OrgID)
	switch {
	case isNotFound(err):
		pr.Add("organisation_id", "单位 %d 未登记", req.OrgID)
	case err != nil:
		return err
	case o.Closed():
		pr.Add("organisation_id", "%s 已于 %s 注销", o.Name, o.ClosedOn)
	case req.Arrears == ArrearsSettle && !req.On.IsZero():
		if err := s.arrearsSettled(ctx, &pr, o, req.On.Period()); err != nil {
			return err
		}
	}
	return invalid(&pr, "invalid enterprise closing")
}

func (s *Service) checkCloseFields(pr *fault.Problems, req CloseRequest) {
	if today := s.registry.Today(); req.On.IsZero() {
		pr.Add("on", "注销日期必填")
	} else if req.On > today {
		pr.Add("on", "注销日期晚于今天 %s", today)
	}
	if strings.TrimSpace(req.Reason) == "" {
		pr.Add("reason", "注销原因必填（如：市场监管部门注销登记）")
	}
	if req.Arrears != ArrearsSettle && req.Arrears != ArrearsList {
		pr.Add("arrears", "须为 settle（结清欠费后注销）或 list（列明欠费由清算组清偿），而非 %q", req.Arrears)
	}
}

// arrearsSettled adds a problem listing every month of arrears of o up to
// month m, if any.
func (s *Service) arrearsSettled(ctx context.Context, pr *fault.Problems, o *registry.Organisation, m period.Month) error {
	rows, err := s.insurance.Arrears(ctx, insurance.ArrearsFilter{OrgID: o.ID, From: arrearsFrom, To: m})
	if err != nil {
		return err
	}
	var parts []string
	var total money.Total
	for _, r := range rows {
		if r.OrgID != o.ID || r.Arrears <= 0 {
			continue
		}
		total.Add(r.Arrears)
		parts = append(parts, fmt.Sprintf("%s %s %s 元", monthZH(r.Period), SchemeZH(r.Scheme), r.Arrears))
	}
	if len(parts) == 0 {
		return nil
	}
	sum, err := total.Result()
	if err != nil {
		return fmt.Errorf("arrears of organisation %d: %w", o.ID, err)
	}
	pr.Add("arrears", "%s 尚欠社会保险费 %s 元，结清后方可注销：%s", o.Name, sum, strings.Join(parts, "；"))
	return nil
}

// CloseEnterprise closes an employer: its arrears checked (under
// ArrearsSettle, refused while any is due, every month listed; under
// ArrearsList, listed in the decision), then every enrolment of its staff
// terminated, its open spells ended and the employer closed, all in the
// one transaction of insurance.Closings.Close. Called again for an
// employer already closed, it returns the closing decision made before.
func (s *Service) CloseEnterprise(ctx context.Context, req CloseRequest) (*ClosingOutcome, error) {
	o, err := s.registry.Organisation(ctx, req.OrgID)
	if err != nil {
		return nil, err
	}
	if o.Closed() {
		c, err := s.closings.FindClosing(ctx, o.ID)
		if err != nil {
			return nil, err
		}
		return &ClosingOutcome{Organisation: o, Closing: c}, nil
	}
	var pr fault.Problems
	s.checkCloseFields(&pr, req)
	if err := invalid(&pr, "invalid enterprise closing"); err != nil {
		return nil, err
	}
	if req.Arrears == ArrearsSettle {
		if err := s.arrearsSettled(ctx, &pr, o, req.On.Period()); err != nil {
			return nil, err
		}
		if err := invalid(&pr, "arrears not settled"); err != nil {
			return nil, err
		}
	}
	c, err := s.closings.Close(ctx, o.ID, o.Version, req.On, req.Reason)
	if err != nil {
		return nil, err
	}
	if o, err = s.registry.Organisation(ctx, o.ID); err != nil {
		return nil, err
	}
	return &ClosingOutcome{Organisation: o, Closing: c}, nil
}
