package httpapi_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"testing"
	"time"

	"safetynet/internal/httpapi"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
)

// testPolicyDir is the small policy package of the engine's tests.
const testPolicyDir = "../policy/testdata/basic"

// testPolicy loads the engine's test package, with a population in two
// counties whose inputs cycle through a few values.
func testPolicy(t testing.TB) httpapi.Policy {
	t.Helper()
	fsys := os.DirFS(testPolicyDir)
	pk, err := policy.Load(fsys, policy.PensionFuncs()...)
	if err != nil {
		t.Fatalf("load %s: %v", testPolicyDir, err)
	}
	return httpapi.Policy{Package: pk, PopulationFunc: func(entity string, n int, seed int64) (*policy.Population, error) {
		return cyclingPopulation(pk, entity, n, seed)
	}}
}

// cyclingPopulation returns n cases of entity, alternately in 昌吉市 and
// 阜康市, whose inputs cycle with the row number plus seed.
func cyclingPopulation(pk *policy.Package, entity string, n int, seed int64) (*policy.Population, error) {
	ent, ok := pk.Entities[entity]
	if !ok {
		return nil, fmt.Errorf("no entity %s", entity)
	}
	pop := policy.NewPopulation(entity, n, "652301001001")
	pop.Regions = []region.Code{"652301001001", "652302001001"}
	for i := range pop.RegionIdx {
		pop.RegionIdx[i] = int32(i % 2)
	}
	born := period.MustDate(1930, time.January, 1)
	for _, name := range ent.InputNames() {
		in := ent.Inputs[name]
		col := make([]int64, n)
		for i := range col {
			k := int64(i) + seed
			switch in.Kind {
			case "int":
				col[i] = 1 + k%4
			case "money":
				col[i] = k % 20 * 10_000 // 0 to 1,900 yuan
			case "dec":
				col[i] = policy.DecScale
			case "bool":
				col[i] = 1
			case "date":
				col[i] = int64(born.AddDays(int(k % 30_000)))
			case "str":
				id, err := pk.StrID(entity, name, in.Values[int(k)%len(in.Values)])
				if err != nil {
					return nil, err
				}
				col[i] = id
			}
		}
		pop.Set(name, col)
	}
	return pop, nil
}

type programmeJSON struct {
	ID         string   `json:"id"`
	NameZH     string   `json:"name_zh"`
	NameEN     string   `json:"name_en"`
	Entity     string   `json:"entity"`
	Period     string   `json:"period"`
	Requires   []string `json:"requires"`
	Excludes   []string `json:"excludes"`
	Conditions []string `json:"conditions"`
	Inputs     []string `json:"inputs"`
	Layer      string   `json:"layer"`
}

type expressionJSON struct {
	Name string `json:"name"`
	Expr string `json:"expr"`
}

type programmeDetailJSON struct {
	ID         string           `json:"id"`
	Entity     string           `json:"entity"`
	File       string           `json:"file"`
	Variables  []expressionJSON `json:"variables"`
	Conditions []expressionJSON `json:"conditions"`
	Amount     string           `json:"amount"`
	Inputs     []struct {
		Name        string   `json:"name"`
		Type        string   `json:"type"`
		Values      []string `json:"values"`
		Description string   `json:"description"`
	} `json:"inputs"`
}

func TestListProgrammes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var got listJSON[programmeJSON]
	b.do(t, "GET", "/api/v1/programmes", "cw2", nil).want(t, http.StatusOK).decode(t, &got)
	var ids []string
	for _, p := range got.Items {
		ids = append(ids, p.ID)
	}
	if want := []string{"dibao", "dibao_edge", "high_age_allowance", "pension_basic"}; !slices.Equal(ids, want) {
		t.Fatalf("programmes = %v, want %v", ids, want)
	}
	if got.NextAfter != nil {
		t.Errorf("next_after = %d, want null: the list comes in one page", *got.NextAfter)
	}
	dibao, edge := got.Items[0], got.Items[1]
	if dibao.Entity != "household" || dibao.Period != "month" || dibao.NameZH != "最低生活保障" || dibao.Layer != "cn" {
		t.Errorf("dibao = %+v, want a monthly household programme of layer cn named 最低生活保障", dibao)
	}
	if want := []string{"local_hukou", "income_below_standard", "assets_within_limit"}; !slices.Equal(dibao.Conditions, want) {
		t.Errorf("dibao conditions = %v, want %v", dibao.Conditions, want)
	}
	if want := []string{"financial_assets", "hukou_local", "members", "total_income"}; !slices.Equal(dibao.Inputs, want) {
		t.Errorf("dibao inputs = %v, want %v", dibao.Inputs, want)
	}
	if dibao.Requires == nil || len(dibao.Excludes) != 0 {
		t.Errorf("dibao requires %v, excludes %v: want empty lists", dibao.Requires, dibao.Excludes)
	}
	if !slices.Equal(edge.Excludes, []string{"dibao"}) || edge.Layer != "local" {
		t.Errorf("dibao_edge = %+v, want excludes [dibao] in layer local", edge)
	}
	b.do(t, "GET", "/api/v1/programmes", "", nil).problem(t, http.StatusUnauthorized)
}

func TestGetProgramme(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var got programmeDetailJSON
	b.do(t, "GET", "/api/v1/programmes/dibao", "analyst", nil).want(t, http.StatusOK).decode(t, &got)
	wantConds := []expressionJSON{
		{"local_hukou", "hukou_local"},
		{"income_below_standard", "per_capita_income < p.dibao.standard"},
		{"assets_within_limit", "financial_assets <= p.dibao.standard * p.dibao.asset_months * members"},
	}
	if !slices.Equal(got.Conditions, wantConds) {
		t.Errorf("conditions = %v, want %v", got.Conditions, wantConds)
	}
	if want := []expressionJSON{{"per_capita_income", "round(total_income / members)"}}; !slices.Equal(got.Variables, want) {
		t.Errorf("variables = %v, want %v", got.Variables, want)
	}
	if want := "(p.dibao.standard - per_capita_income) * members"; got.Amount != want {
		t.Errorf("amount = %q, want %q", got.Amount, want)
	}
	if got.File != "cn/programmes/dibao.yaml" || len(got.Inputs) != 4 || got.Inputs[3].Name != "total_income" || got.Inputs[3].Type != "money" {
		t.Errorf("file %q, inputs %+v: want cn/programmes/dibao.yaml and four inputs ending with total_income (money)", got.File, got.Inputs)
	}

	// A programme without variables has an empty list, not null.
	var edge programmeDetailJSON
	b.do(t, "GET", "/api/v1/programmes/dibao_edge", "analyst", nil).want(t, http.StatusOK).decode(t, &edge)
	if edge.Variables == nil || edge.Amount != "0" || len(edge.Conditions) != 1 {
		t.Errorf("dibao_edge = %+v, want no variables, one condition and amount 0", edge)
	}

	p := b.do(t, "GET", "/api/v1/programmes/nothing", "analyst", nil).problem(t, http.StatusNotFound)
	if p.Detail != "programme nothing not found" {
		t.Errorf("detail = %q, want the programme named", p.Detail)
	}
}

func TestNewServerNeedsPolicy(t *testing.T) {
	t.Parallel()
	b := setup(t)
	pol := testPolicy(t)
	for name, broken := range map[string]httpapi.Policy{
		"no package":    {PopulationFunc: pol.PopulationFunc},
		"no population": {Package: pol.Package},
	} {
		if _, err := httpapi.NewServer(slog.New(slog.DiscardHandler), httpapi.Config{}, b.services(broken)); err == nil {
			t.Errorf("NewServer with %s: no error", name)
		}
	}
}
