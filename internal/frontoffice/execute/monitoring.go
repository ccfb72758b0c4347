package execute

import (
	"context"
	"fmt"
	"strings"

	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/monitoring"
	"safetynet/internal/period"
)

// The executor of monitoring.signal: a person's own report of hardship
// (困难群众主动申报) is recorded as a monitoring signal from the civil
// affairs bureau, which the next processing turns into an alert for a
// visit. The signal's batch is the application's number, by which a
// repeated Execute finds it.

func init() {
	register("monitoring.signal", func(s Services) Executor { return &signal{s} })
}

type signal struct{ Services }

type signalForm struct {
	Kind       string      `json:"kind"`
	OccurredOn period.Date `json:"occurred_on"`
	Amount     money.Fen   `json:"amount"`
	Grade      int         `json:"grade"`
	Detail     string      `json:"detail"`
}

// kindNames are the zh-CN names of the kinds of signal.
var kindNames = map[monitoring.Kind]string{
	monitoring.HospitalBill: "大额医疗支出", monitoring.NewDisability: "新增残疾", monitoring.EarnerDeath: "主要劳动力死亡",
	monitoring.Unemployment: "失业", monitoring.Disaster: "受灾", monitoring.IncomeDrop: "收入骤降",
}

func signalKinds() []string {
	out := make([]string, len(monitoring.Kinds))
	for i, k := range monitoring.Kinds {
		out[i] = string(k)
	}
	return out
}

func (e *signal) Fields() []Field {
	return []Field{
		{Name: "kind", Label: label("困难情形", "What happened"), Kind: "choice", Values: signalKinds(), Required: true},
		{Name: "occurred_on", Label: label("发生日期", "When it happened"), Kind: "date", Required: true},
		{Name: "amount", Label: label("金额（分：医疗费用、受灾损失或12个月减少的收入）", "Amount (fen: the bill, the loss, or the income lost over 12 months)"), Kind: "fen"},
		{Name: "grade", Label: label("残疾等级（新增残疾时）", "Grade of the disability (a new disability)"), Kind: "int"},
		{Name: "detail", Label: label("情况说明", "What the person says"), Kind: "text"},
	}
}

func (e *signal) form(req Request) (signalForm, fault.Problems) {
	var f signalForm
	var p fault.Problems
	decodeFormInto(req.Form, &f, &p)
	requirePerson(&p, req)
	requireChoice(&p, "kind", f.Kind, signalKinds()...)
	requireDate(&p, "occurred_on", f.OccurredOn)
	k := monitoring.Kind(f.Kind)
	switch {
	case p[formKey("amount")] != "":
	case f.Amount < 0:
		p.Add(formKey("amount"), "must not be negative")
	case k.HasAmount() && f.Amount == 0:
		p.Add(formKey("amount"), "is required for %s (%s), in fen", kindNames[k], f.Kind)
	case k.Valid() && !k.HasAmount() && f.Amount != 0:
		p.Add(formKey("amount"), "%s (%s) has no amount", kindNames[k], f.Kind)
	}
	switch {
	case p[formKey("grade")] != "":
	case k == monitoring.NewDisability && (f.Grade < 1 || f.Grade > 4):
		p.Add(formKey("grade"), "is required for a new disability: 1 to 4")
	case k != monitoring.NewDisability && f.Grade != 0:
		p.Add(formKey("grade"), "only a new disability has a grade")
	}
	return f, p
}

func (e *signal) Check(ctx context.Context, req Request) error {
	_, p := e.form(req)
	return p.Err(formInvalid)
}

func (e *signal) Execute(ctx context.Context, req Request) (Result, error) {
	f, p := e.form(req)
	if err := p.Err(formInvalid); err != nil {
		return Result{}, err
	}
	h, err := householdOf(ctx, e.Registry, req.Person)
	if err != nil {
		return Result{}, err
	}
	if sg, err := e.Monitoring.SignalOfBatch(ctx, h.ID, req.ApplicationNo); err == nil {
		return signalled(sg), nil
	} else if fault.CodeOf(err) != fault.NotFound {
		return Result{}, err
	}
	ss := []monitoring.Signal{{Source: monitoring.CivilAffairs, Kind: monitoring.Kind(f.Kind), PersonID: req.Person,
		OccurredOn: f.OccurredOn, Amount: f.Amount, Grade: f.Grade, Detail: strings.TrimSpace(f.Detail)}}
	if _, err := e.Monitoring.RecordSignals(ctx, req.ApplicationNo, ss); err != nil {
		return Result{}, asFormError(err, signalKeys)
	}
	return signalled(&ss[0]), nil
}

// signalKeys maps the problem keys of the batch's one signal to the
// form's.
var signalKeys = map[string]string{
	"signals[0].kind": formKey("kind"), "signals[0].occurred_on": formKey("occurred_on"), "signals[0].amount": formKey("amount"),
	"signals[0].grade": formKey("grade"), "signals[0].detail": formKey("detail"), "signals[0].person_id": "person_id",
	"signals[0].id_number": "person_id", "signals[0].name": "person_id", "signals[0].batch": "form",
}

func signalled(sg *monitoring.Signal) Result {
	return Result{Ref: ref("signal", int64(sg.ID)),
		Summary: fmt.Sprintf("您申报的困难情况（%s，%s）已登记，乡镇（街道）将在规定时间内入户核实。", kindNames[sg.Kind], dateText(sg.OccurredOn))}
}
