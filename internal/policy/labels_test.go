package policy

import (
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

// TestMissingLabelFailsLoading: a variable, condition, input, input value
// or parameter a decision can show, without both labels, fails the load
// naming the file and the name.
func TestMissingLabelFailsLoading(t *testing.T) {
	dibao, err := fsReadFile(os.DirFS("testdata/basic"), "cn/programmes/dibao.yaml")
	if err != nil {
		t.Fatal(err)
	}
	base, err := fsReadFile(os.DirFS("testdata/basic"), "cn/parameters/base.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, file, content string
		want                []string
	}{
		{"condition without a label", "cn/programmes/dibao.yaml",
			strings.Replace(string(dibao), `  income_below_standard: {zh: "家庭月人均收入低于低保标准", en: "income per member below the standard"}`+"\n", "", 1),
			[]string{"cn/programmes/dibao.yaml:9", "income_below_standard", "has no label"}},
		{"label without English", "cn/programmes/dibao.yaml",
			strings.Replace(string(dibao), `local_hukou: {zh: "本地户籍", en: "local registration"}`, `local_hukou: {zh: "本地户籍"}`, 1),
			[]string{"cn/programmes/dibao.yaml", "local_hukou", "both zh and en"}},
		{"label of an unknown name", "cn/programmes/dibao.yaml",
			string(dibao) + "  no_such_step: {zh: 无, en: none}\n",
			[]string{"cn/programmes/dibao.yaml", "no_such_step", "not a variable or condition"}},
		{"parameter without a label", "cn/parameters/base.yaml",
			strings.Replace(string(base), `  label: {zh: "计发基数", en: "pension base"}`+"\n", "", 1),
			[]string{"cn/parameters/base.yaml:31", "pension.base", "parameter has no label"}},
		{"input value without a label", "entities.yaml",
			"person:\n  birth_date: {type: date, label: {zh: 出生日期, en: birth date}}\n  gender: {type: str, values: [M, F]}\n  alive: {type: bool, label: {zh: 健在, en: alive}}\n" +
				"  wage_index: {type: dec, label: {zh: 指数, en: index}}\n  years: {type: int, label: {zh: 年限, en: years}}\n" +
				"  retirement_group: {type: str, values: [male, female_cadre, female_worker], label: {zh: 类别, en: group}, value_labels: {male: {zh: 男, en: male}, female_cadre: {zh: 女干部, en: cadre}}}\n" +
				"household:\n  members: {type: int, label: {zh: 人口, en: members}}\n  total_income: {type: money, label: {zh: 收入, en: income}}\n" +
				"  financial_assets: {type: money, label: {zh: 资产, en: assets}}\n  hukou_local: {type: bool}\n  hukou_type: {type: str, values: [urban, rural], label: {zh: 户籍, en: type}, value_labels: {urban: {zh: 城镇, en: urban}, rural: {zh: 农村, en: rural}}}\n",
			[]string{"entities.yaml:12", "household.hukou_local", "input has no label", `person.retirement_group: value "female_worker"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := broken(t, tt.file, tt.content)
			if err == nil {
				t.Fatal("loaded with a missing label")
			}
			var le *LoadError
			if !errors.As(err, &le) {
				t.Errorf("error %T is not a *LoadError", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// TestRedefinedParameterKeepsItsLabel: a lower layer that redefines a
// parameter's values without a label keeps the label of the layer above.
func TestRedefinedParameterKeepsItsLabel(t *testing.T) {
	m := fstest.MapFS{}
	root := os.DirFS("testdata/basic")
	for _, f := range []string{"layers.yaml", "entities.yaml", "labels.yaml", "cn/parameters/base.yaml", "cn/programmes/dibao.yaml"} {
		b, err := fsReadFile(root, f)
		if err != nil {
			t.Fatal(err)
		}
		m[f] = &fstest.MapFile{Data: b}
	}
	m["local/parameters/local.yaml"] = &fstest.MapFile{Data: []byte("dibao.standard:\n  type: money\n  values:\n    - {from: 2024-01-01, value: \"720\", source: local, status: unconfirmed}\n")}
	pk, err := Load(m, PensionFuncs()...)
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := pk.Param("dibao.standard"); p.Layer != "local" || p.Label.ZH != "低保标准" {
		t.Errorf("dibao.standard of layer %s has label %+v, want the national 低保标准", p.Layer, p.Label)
	}
}
