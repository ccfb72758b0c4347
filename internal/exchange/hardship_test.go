package exchange

import (
	"context"
	"strings"
	"testing"
	"time"

	"safetynet/internal/fault"
	"safetynet/internal/ids"
	"safetynet/internal/period"
)

func TestHardshipIdentities(t *testing.T) {
	id := func(seq int) string {
		t.Helper()
		v, err := ids.MakeResidentID("652301", period.MustDate(1975, time.April, 2), seq)
		if err != nil {
			t.Fatal(err)
		}
		return string(v)
	}
	today := period.MustDate(2025, time.March, 1)
	good := "2025年困难群体名单\n身份证号码,姓名,困难类别\n" + id(1) + ",张三,低保对象\n" + id(1) + ",张三,特困人员\n" + id(2) + ",李四,监测低收入人口\n"
	rows, rep, err := Read(context.Background(), strings.NewReader(good), "list.csv", HardshipIdentities(), today)
	if err != nil || len(rows) != 3 || rep.HeaderLine != 2 {
		t.Fatalf("Read = %d rows, header line %d, %v", len(rows), rep.HeaderLine, err)
	}
	if rows[0].Code("group") != GroupDibao || rows[1].Code("group") != GroupTekun || rows[2].Code("group") != GroupLowIncome || rows[2].Line != 5 {
		t.Errorf("rows = %v", rows)
	}
	bad := "公民身份号码,姓名,困难类别\n" + id(1) + ",张三,低保\n" + id(1) + ",张三,低保\n" + id(3) + ",王五,富裕\n"
	_, _, err = Read(context.Background(), strings.NewReader(bad), "list.csv", HardshipIdentities(), today)
	fields := fault.FieldsOf(err)
	if fault.CodeOf(err) != fault.Invalid || len(fields) != 2 || strings.Contains(err.Error()+strings.Join(mapValues(fields), ""), id(1)) {
		t.Errorf("bad list: %v %v, want rows 3 (repeated) and 4 (unknown group), with ID numbers masked", err, fields)
	}
}

func mapValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, k+v)
	}
	return out
}
