package payment

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"safetynet/internal/money"
	"safetynet/internal/period"
)

func TestAccrual(t *testing.T) {
	m := period.NewMonth(2025, time.March)
	is := []*Instruction{
		{Fund: FundEmployeePension, Period: m, RegionCode: "652301001001", Amount: 100},
		{Fund: FundEmployeePension, Period: m, RegionCode: "652301002003", Amount: 250},
		{Fund: FundEmployeePension, Period: m, RegionCode: "652302001001", Amount: 7},
		{Fund: FundAssistance, Period: m, RegionCode: "652301001001", Amount: 40},
	}
	es, err := Accrual(is, "accrue/x", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var sum money.Fen
	got := map[string]money.Fen{}
	for _, e := range es {
		sum += e.Amount
		got[string(e.Fund)+"/"+string(e.Account)+"/"+string(e.RegionCode)] += e.Amount
		if e.Journal != "accrue/x" || e.Period != m {
			t.Errorf("entry %+v: want journal accrue/x of %s", e, m)
		}
	}
	if sum != 0 {
		t.Errorf("entries sum to %d, want 0", sum)
	}
	want := map[string]money.Fen{
		"assistance/expense/652301": 40, "assistance/payable/652301": -40,
		"employee_pension/expense/652301": 350, "employee_pension/payable/652301": -350,
		"employee_pension/expense/652302": 7, "employee_pension/payable/652302": -7,
	}
	if len(got) != len(want) {
		t.Errorf("entries %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %d, want %d", k, got[k], v)
		}
	}
}

func TestSendJournalByMonth(t *testing.T) {
	b := &Batch{ID: 4, Fund: FundResidentPension, ExportedAt: time.Now()}
	lines := []BatchLine{
		{Amount: 10, Period: period.NewMonth(2025, time.January), RegionCode: "652323001001"},
		{Amount: 15, Period: period.NewMonth(2025, time.February), RegionCode: "652323001001"},
		{Amount: 5, Period: period.NewMonth(2025, time.February), RegionCode: "652323002001"},
	}
	es, err := sendJournal(b, lines)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 4 {
		t.Fatalf("entries %+v, want two per month", es)
	}
	var clearing money.Fen
	for _, e := range es {
		if e.Journal != "send/4" {
			t.Errorf("journal %q", e.Journal)
		}
		if e.Account == Clearing {
			clearing += e.Amount
		}
	}
	if clearing != 30 {
		t.Errorf("bank clearing debited %d, want the batch's 30", clearing)
	}
}

func TestBankFile(t *testing.T) {
	f, err := BankFile("csv")
	if err != nil {
		t.Fatal(err)
	}
	out, err := f([]BatchLine{{Line: 1, Reference: "SN7-1", Amount: 123_456, AccountNo: "6222000012345678", AccountName: "王芳",
		Fund: FundEmployeePension, Period: period.NewMonth(2025, time.May)}})
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	for _, want := range []string{"序号", "业务参考号", "6222000012345678", "王芳", "1234.56", "SN7-1", "employee_pension 2025-05"} {
		if !strings.Contains(text, want) {
			t.Errorf("bank file lacks %q:\n%s", want, text)
		}
	}
	if _, err := f([]BatchLine{{Line: 1, Reference: "SN8-1", Amount: 1}}); err == nil {
		t.Error("a line without an account: no error")
	}
	if _, err := BankFile("txt"); err == nil {
		t.Error("format txt: no error")
	}
}

// TestAccrualOverflow: amounts whose sum passes int64 are an error, never a
// wrapped journal entry.
func TestAccrualOverflow(t *testing.T) {
	m := period.NewMonth(2025, time.March)
	is := []*Instruction{
		{Fund: FundAssistance, Period: m, RegionCode: "652301001001", Amount: math.MaxInt64},
		{Fund: FundAssistance, Period: m, RegionCode: "652301002003", Amount: 1},
	}
	if es, err := Accrual(is, "accrue/x", time.Now()); !errors.Is(err, money.ErrOverflow) {
		t.Errorf("Accrual of int64-max + 1 = %+v, %v; want an overflow error", es, err)
	}
	b := &Batch{ID: 1, Fund: FundAssistance}
	lines := []BatchLine{{Amount: math.MaxInt64, Period: m, RegionCode: "652323001001"}, {Amount: math.MaxInt64, Period: m, RegionCode: "652323001001"}}
	if es, err := sendJournal(b, lines); !errors.Is(err, money.ErrOverflow) {
		t.Errorf("sendJournal of 2 × int64-max = %+v, %v; want an overflow error", es, err)
	}
}
