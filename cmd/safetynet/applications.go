package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"safetynet/internal/app"
	"safetynet/internal/frontoffice"
	"safetynet/internal/matters"
	"safetynet/internal/region"
)

const applicationsUsage = `Usage:
  safetynet applications settle --db DSN [--limit N]         settle the applications left completing (a pending action, a crash), each once
  safetynet applications recompute-due --db DSN              count the due dates that waited for a year's holiday calendar
  safetynet applications remind --db DSN                     remind, once, the applicants whose deferred (容缺) material is late
  safetynet applications list --db DSN [--status S] [--point ID] [--matter ID] [--region CODE] [--limit N]
  safetynet applications show --db DSN NO                    one application (办件) with its timeline
The server does settle, recompute-due and remind by itself every
--settle-every (docs/frontoffice.md).`

// applicationsCommands run the front office's sweeper by hand and read
// its applications, acting as the system.
func applicationsCommands() []command {
	return []command{
		{name: "settle", summary: "settle the applications left completing", run: runApplicationsSettle},
		{name: "recompute-due", summary: "count the due dates pending a holiday calendar", run: runApplicationsRecomputeDue},
		{name: "remind", summary: "remind the applicants of late deferred materials", run: runApplicationsRemind},
		{name: "list", summary: "list applications (办件)", run: runApplicationsList},
		{name: "show", summary: "show an application with its timeline", run: runApplicationsShow},
	}
}

// openFrontOffice opens the app with the front office's catalogue, points
// and calendar read from the operator's policy folder.
func openFrontOffice(ctx context.Context, e env, dsn string) (*app.App, context.Context, error) {
	a, ctx, err := openApp(ctx, e, dsn, "frontoffice")
	if err != nil {
		return nil, ctx, err
	}
	off, err := a.LoadOffice(e.site.policyFS())
	if err != nil {
		a.Close()
		return nil, ctx, err
	}
	a.FrontOffice.SetOffice(off)
	return a, ctx, nil
}

// runApplicationsSettle runs one sweep of the completing applications.
func runApplicationsSettle(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "applications settle", "applications settle --db DSN [--limit N]")
	dsn := dsnFlag(fs, defaultDB)
	limit := fs.Int("limit", settleLimit, "the most applications settled")
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, ctx, err := openFrontOffice(ctx, e, *dsn)
	if err != nil {
		return err
	}
	defer a.Close()
	rep, err := a.FrontOffice.SettlePending(ctx, *limit)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "认领 %d 件：办结 %d 件，仍待确认 %d 件，失败 %d 件\n", rep.Claimed, len(rep.Completed), len(rep.Waiting), len(rep.Failed))
	for _, no := range rep.Completed {
		fmt.Fprintf(e.stdout, "办结\t%s\n", no)
	}
	for _, no := range rep.Waiting {
		fmt.Fprintf(e.stdout, "待确认\t%s\n", no)
	}
	var errs []error
	for no, msg := range rep.Failed {
		errs = append(errs, fmt.Errorf("%s: %s", no, msg))
	}
	return errors.Join(errs...)
}

// runApplicationsRecomputeDue counts the pending due dates.
func runApplicationsRecomputeDue(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "applications recompute-due", "applications recompute-due --db DSN")
	dsn := dsnFlag(fs, defaultDB)
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, ctx, err := openFrontOffice(ctx, e, *dsn)
	if err != nil {
		return err
	}
	defer a.Close()
	done, err := a.FrontOffice.RecomputePendingDue(ctx)
	fmt.Fprintf(e.stdout, "计算办结时限 %d 件\n", len(done))
	for _, no := range done {
		fmt.Fprintln(e.stdout, no)
	}
	return err
}

// runApplicationsRemind reminds the applicants of late deferred materials.
func runApplicationsRemind(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "applications remind", "applications remind --db DSN")
	dsn := dsnFlag(fs, defaultDB)
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, ctx, err := openFrontOffice(ctx, e, *dsn)
	if err != nil {
		return err
	}
	defer a.Close()
	n, err := a.FrontOffice.RemindDeferred(ctx)
	fmt.Fprintf(e.stdout, "发出容缺材料催交通知 %d 条\n", n)
	return err
}

// statusZH names the statuses of an application in zh-CN.
var statusZH = map[frontoffice.Status]string{
	frontoffice.Received: "已受理", frontoffice.Reviewing: "审核中", frontoffice.Correction: "补正中", frontoffice.Approving: "待审批",
	frontoffice.Completing: "办结中", frontoffice.Held: "待补交容缺材料", frontoffice.Completed: "已办结", frontoffice.Refused: "不予办理",
	frontoffice.NotAccepted: "不予受理", frontoffice.Withdrawn: "已撤回",
}

// channelZH names the channels in zh-CN.
var channelZH = map[matters.Channel]string{
	matters.Window: "窗口", matters.Online: "网上办", matters.Mobile: "掌上办", matters.CrossProvince: "跨省通办",
	matters.Bank: "银行网点", matters.Township: "乡镇（街道）", matters.Village: "村（社区）",
}

// maskApplicant masks an applicant's name as a public list does: a
// person's middle characters hidden (张*明, 张*), an employer's name kept.
func maskApplicant(a *frontoffice.Application) string {
	if a.PersonID == 0 {
		return a.ApplicantName
	}
	rs := []rune(a.ApplicantName)
	switch len(rs) {
	case 0, 1:
		return a.ApplicantName
	case 2:
		return string(rs[0]) + "*"
	}
	return string(rs[0]) + strings.Repeat("*", len(rs)-2) + string(rs[len(rs)-1])
}

// dueText is the 办结时限 column: the due date, or why there is none.
func dueText(a *frontoffice.Application) string {
	switch {
	case !a.DueDate.IsZero():
		return a.DueDate.String()
	case a.DuePending != "":
		return a.DuePending
	}
	return "—"
}

// runApplicationsList prints the applications of the filter as an
// aligned table, by key.
func runApplicationsList(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "applications list", "applications list --db DSN [--status S] [--point ID] [--matter ID] [--region CODE] [--limit N]")
	dsn := dsnFlag(fs, defaultDB)
	status := fs.String("status", "", "only this status (received, reviewing, correction, approving, completing, held, completed, refused, not_accepted, withdrawn)")
	point := fs.String("point", "", "only this service point")
	matter := fs.String("matter", "", "only this matter")
	regionF := fs.String("region", "", "only applicants of this region (a prefix of the code)")
	limit := fs.Int("limit", 50, "the most applications listed (at most 500)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	f := frontoffice.Filter{Point: *point, Matter: *matter, Limit: *limit}
	if *status != "" {
		st := frontoffice.Status(*status)
		if _, ok := statusZH[st]; !ok {
			return fmt.Errorf("--status: unknown status %q", *status)
		}
		f.Statuses = []frontoffice.Status{st}
	}
	a, ctx, err := openFrontOffice(ctx, e, *dsn)
	if err != nil {
		return err
	}
	defer a.Close()
	f.Region = region.Code(*regionF)
	apps, err := a.FrontOffice.List(ctx, f)
	if err != nil {
		return err
	}
	tw := newTable(e.stdout, false)
	fmt.Fprintln(tw, "办件编号\t事项\t申请人\t渠道\t服务点\t状态\t办结时限")
	for _, x := range apps {
		point := x.Point
		if point == "" {
			point = "—"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", x.No, x.MatterName.ZH, maskApplicant(x), channelZH[x.Channel], point, statusZH[x.Status], dueText(x))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "共 %d 件\n", len(apps))
	return nil
}

// runApplicationsShow prints one application with its timeline.
func runApplicationsShow(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "applications show", "applications show --db DSN NO")
	fs.takesOperands()
	dsn := dsnFlag(fs, defaultDB)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("give the receipt number (办件编号) of one application")
	}
	a, ctx, err := openFrontOffice(ctx, e, *dsn)
	if err != nil {
		return err
	}
	defer a.Close()
	d, err := a.FrontOffice.Get(ctx, fs.Arg(0))
	if err != nil {
		return err
	}
	tw := newTable(e.stdout, false)
	point := d.Point
	if point == "" {
		point = "—"
	}
	for _, row := range [][2]string{
		{"办件编号", d.No}, {"事项", d.MatterName.ZH + "（" + d.Matter + "）"}, {"申请人", maskApplicant(d.Application)},
		{"渠道", channelZH[d.Channel]}, {"服务点", point}, {"状态", statusZH[d.Status]},
		{"受理日期", d.AcceptedOn.String()}, {"承诺时限", fmt.Sprintf("%d个工作日", d.TimeLimit)}, {"办结时限", dueText(d.Application)},
	} {
		fmt.Fprintf(tw, "%s\t%s\n", row[0], row[1])
	}
	if d.ResultSummary != "" {
		fmt.Fprintf(tw, "办理结果\t%s\n", d.ResultSummary)
	}
	if d.Reason != "" {
		fmt.Fprintf(tw, "告知内容\t%s\n", strings.ReplaceAll(d.Reason, "\n", " "))
	}
	for _, m := range d.Materials {
		how := m.How
		if m.How == frontoffice.MaterialDeferred {
			how += "，承诺" + m.Promised.String()
			if !m.Supplied.IsZero() {
				how += "，已补交" + m.Supplied.String()
			}
		}
		fmt.Fprintf(tw, "材料\t%s（%s）\n", m.Name.ZH, how)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "\n办理过程")
	tw = newTable(e.stdout, false)
	fmt.Fprintln(tw, "时间\t环节\t状态\t经办人\t说明")
	for _, ev := range d.Events {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", ev.At.Format("2006-01-02 15:04"), ev.Action, statusZH[ev.To], ev.ActorName, strings.ReplaceAll(ev.Note, "\n", " "))
	}
	return tw.Flush()
}
