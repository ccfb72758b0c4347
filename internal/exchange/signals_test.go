package exchange

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"safetynet/internal/fault"
	"safetynet/internal/ids"
	"safetynet/internal/monitoring"
	"safetynet/internal/period"
)

func signalID(t testing.TB, seq int) string {
	t.Helper()
	v, err := ids.MakeResidentID("652301", period.MustDate(1975, time.April, 2), seq)
	if err != nil {
		t.Fatal(err)
	}
	return string(v)
}

const signalsHeader = "身份证号,姓名,信号类型,发生日期,金额（元）,残疾等级,来源部门,说明\n"

func TestSignals(t *testing.T) {
	good := "2024年10月监测信号\n" + signalsHeader +
		signalID(t, 1) + ",张三,大额医疗支出,2024-10-03,\"15,000.50\",,医保局,住院\n" +
		signalID(t, 1) + ",张三,新增残疾,2024-10-03,,2,残联,\n" +
		signalID(t, 2) + ",李四,主要劳动力死亡,2024-10-05,,,公安,\n" +
		signalID(t, 3) + ",王五,失业,2024-10-06,,,,\n" +
		signalID(t, 4) + ",赵六,income_drop,2024/10/07,9000,,税务局,\n"
	rows, rep, err := Read(context.Background(), strings.NewReader(good), "signals.csv", Signals(), testToday)
	if err != nil || len(rows) != 5 || rep.HeaderLine != 2 {
		t.Fatalf("Read = %d rows, header line %d, %v %v", len(rows), rep.HeaderLine, err, fault.FieldsOf(err))
	}
	r := rows[0]
	if r.Code("kind") != SignalHospitalBill || r.Fen("amount") != 1500050 || r.Code("source") != "medical_insurance" || r.Text("detail") != "住院" ||
		r.Date("occurred_on") != period.MustDate(2024, time.October, 3) || r.Line != 3 {
		t.Errorf("row 3 = %v", r)
	}
	if rows[1].Int("grade") != 2 || rows[2].Code("source") != "public_security" || rows[3].Code("kind") != SignalUnemployment || rows[3].Has("source") ||
		rows[4].Code("kind") != SignalIncomeDrop {
		t.Errorf("rows = %v", rows)
	}

	bad := signalsHeader +
		signalID(t, 1) + ",张三,大额医疗支出,2024-10-03,,,医保局,\n" + // no amount
		signalID(t, 2) + ",李四,失业登记,2024-10-03,500,,人社局,\n" + // an amount on unemployment
		signalID(t, 3) + ",王五,新增残疾,2024-10-03,,5,残联,\n" + // grade 5
		signalID(t, 4) + ",赵六,受灾,2024-10-03,800,2,应急管理局,\n" + // a grade on a disaster
		signalID(t, 5) + ",钱七,离婚,2024-10-03,,,,\n" + // unknown kind
		signalID(t, 6) + ",孙八,失业登记,2024-12-01,,,,\n" + // after the reading date
		signalID(t, 7) + ",周九,失业登记,1970-01-01,,,,\n" + // before the birth date
		signalID(t, 8) + ",吴十,失业登记,2024-10-03,,,,\n" +
		signalID(t, 8) + ",吴十,失业登记,2024-10-03,,,,\n" + // the same event twice
		signalID(t, 9) + ",郑一,失业登记,2024-10-03,,,街道办,\n" // unknown department
	_, rep, err = Read(context.Background(), strings.NewReader(bad), "signals.csv", Signals(), testToday)
	f := fault.FieldsOf(err)
	want := []string{"row 2: amount", "row 3: amount", "row 4: grade", "row 5: grade", "row 6: kind", "row 7: occurred_on", "row 8: occurred_on",
		"row 10: id_number", "row 11: source"}
	var got []string
	for k := range f {
		got = append(got, k)
	}
	slices.Sort(got)
	slices.Sort(want)
	if fault.CodeOf(err) != fault.Invalid || !slices.Equal(got, want) || rep.BadRows != 9 {
		t.Errorf("bad file: problems %v (%d bad rows), want %v", f, rep.BadRows, want)
	}
	if m := longDigits.FindString(reportJSON(t, rep) + err.Error()); m != "" {
		t.Errorf("the report shows %s in clear", m)
	}
}

// TestSignalCodes holds the profile's codes to the monitoring domain's.
func TestSignalCodes(t *testing.T) {
	p := Signals()
	for _, f := range p.Fields {
		for text, code := range f.Values {
			switch f.Name {
			case "kind":
				if !monitoring.Kind(code).Valid() {
					t.Errorf("kind %s maps to %s, not a monitoring kind", text, code)
				}
			case "source":
				if !monitoring.Source(code).Valid() {
					t.Errorf("source %s maps to %s, not a monitoring source", text, code)
				}
			}
		}
	}
	for k, name := range signalNames {
		if !monitoring.Kind(k).Valid() || name == "" {
			t.Errorf("signal name of %s", k)
		}
	}
}

// FuzzReadSignals reads arbitrary lines under the signals header: Read
// never panics, every record is a row or a bad row, a row that passes has
// a consistent amount and grade, and no report shows a long number in
// clear.
func FuzzReadSignals(f *testing.F) {
	f.Add(signalID(f, 1) + ",张三,大额医疗支出,2024-10-03,15000,,医保局,住院\n")
	f.Add(signalID(f, 1) + ",张三,新增残疾,2024-10-03,,2,残联,\n" + signalID(f, 1) + ",张三,新增残疾,2024-10-03,,2,残联,\n")
	f.Add(signalID(f, 2) + ",李四,受灾,2024-10-03,-5,0,应急管理局,\"a,b\"\n\n,,,\n")
	f.Add(signalID(f, 3) + ",王五,收入骤降,2024-02-30,１２３,,税务局,\x00\n")
	f.Fuzz(func(t *testing.T, lines string) {
		data := []byte(signalsHeader + lines)
		rep, err := Options{Today: testToday, MaxProblems: 1 << 20}.Each(context.Background(), bytes.NewReader(data), "f.csv", Signals(), func(r Row) error {
			kind := r.Code("kind")
			hasAmount := r.Has("amount") && r.Fen("amount") != 0
			if (kind == SignalHospitalBill || kind == SignalDisaster || kind == SignalIncomeDrop) != hasAmount {
				t.Errorf("row %d: kind %s with amount %v passed", r.Line, kind, r.Fen("amount"))
			}
			if g := r.Int("grade"); kind == SignalNewDisability && (g < 1 || g > 4) || kind != SignalNewDisability && g != 0 {
				t.Errorf("row %d: kind %s with grade %d passed", r.Line, kind, g)
			}
			if r.Date("occurred_on") > testToday || r.Fen("amount") < 0 {
				t.Errorf("row %d: %v passed", r.Line, r)
			}
			return nil
		})
		if err != nil && fault.CodeOf(err) != fault.Invalid {
			t.Fatalf("error %v is not an invalid-input error", err)
		}
		if rep.Records != rep.Rows+rep.BadRows {
			t.Fatalf("records %d != rows %d + bad rows %d", rep.Records, rep.Rows, rep.BadRows)
		}
		if m := longDigits.FindString(reportJSON(t, rep)); m != "" {
			t.Fatalf("report shows %s in clear", m)
		}
		if err != nil {
			if m := longDigits.FindString(err.Error()); m != "" {
				t.Fatalf("error shows %s in clear", m)
			}
		}
	})
}
