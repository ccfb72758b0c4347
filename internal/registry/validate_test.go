package registry

import (
	"slices"
	"testing"
	"time"

	"safetynet/internal/period"
)

var today = period.MustDate(2026, time.November, 22)

func validPerson() Person {
	return Person{IDNumber: "652301199001011235", Name: "王芳", Ethnicity: "han", HukouType: HukouUrban, RegionCode: "652301001001", Phone: "13812345678"}
}

func TestPersonValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(p *Person)
		field  string // "" = valid
	}{
		{"valid", func(p *Person) {}, ""},
		{"lower-case x normalised", func(p *Person) { p.IDNumber = "11010519491231002x" }, ""},
		{"legacy 15", func(p *Person) { p.IDNumber = "110105491231002" }, ""},
		{"bad check digit", func(p *Person) { p.IDNumber = "652301199001011234" }, "id_number"},
		{"empty name", func(p *Person) { p.Name = "  " }, "name"},
		{"control character in name", func(p *Person) { p.Name = "王\n芳" }, "name"},
		{"unknown ethnicity", func(p *Person) { p.Ethnicity = "martian" }, "ethnicity"},
		{"bad hukou type", func(p *Person) { p.HukouType = "city" }, "hukou_type"},
		{"missing region", func(p *Person) { p.RegionCode = "" }, "region_code"},
		{"bad region", func(p *Person) { p.RegionCode = "65230" }, "region_code"},
		{"bad hukou region", func(p *Person) { p.HukouRegion = "abc" }, "hukou_region"},
		{"short mobile", func(p *Person) { p.Phone = "1381234567" }, "phone"},
		{"landline ok", func(p *Person) { p.Phone = "0994-2345678" }, ""},
		{"letters in phone", func(p *Person) { p.Phone = "138abc45678" }, "phone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := validPerson()
			tt.mutate(&p)
			pr := p.validate(today)
			if tt.field == "" {
				if len(pr) != 0 {
					t.Fatalf("validate(%s) = %v, want no problems", tt.name, pr)
				}
				if len(p.IDNumber) != 18 || p.IDNumber[17] == 'x' {
					t.Errorf("ID not normalised: %q", p.IDNumber)
				}
				return
			}
			if pr[tt.field] == "" || len(pr) != 1 {
				t.Errorf("validate(%s) = %v, want one problem with %s", tt.name, pr, tt.field)
			}
		})
	}
}

func TestHouseholdValidate(t *testing.T) {
	tests := []struct {
		name    string
		members []Member
		field   string
	}{
		{"one head", []Member{{1, RelHead}, {2, RelChild}}, ""},
		{"no members", nil, "members"},
		{"no head", []Member{{1, RelSpouse}}, "members"},
		{"two heads", []Member{{1, RelHead}, {2, RelHead}}, "members"},
		{"listed twice", []Member{{1, RelHead}, {1, RelChild}}, "members[1].person_id"},
		{"bad relation", []Member{{1, RelHead}, {2, "cousin"}}, "members[1].relation"},
		{"missing person", []Member{{1, RelHead}, {0, RelChild}}, "members[1].person_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := Household{RegionCode: "652301001001", HukouType: HukouRural, Members: tt.members}
			pr := h.validate()
			if tt.field == "" && len(pr) != 0 || tt.field != "" && pr[tt.field] == "" {
				t.Errorf("validate(%s) = %v, want problem with %q", tt.name, pr, tt.field)
			}
		})
	}
}

func TestOrganisationValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(o *Organisation)
		field  string
		flags  bool
	}{
		{"valid", func(o *Organisation) {}, "", false},
		{"bad check char is flagged, not refused", func(o *Organisation) { o.USCC = "91350203M0001QAY9B" }, "", true},
		{"bad length", func(o *Organisation) { o.USCC = "9135010" }, "uscc", false},
		{"industry without digits", func(o *Organisation) { o.IndustryCode = "C" }, "industry_code", false},
		{"industry section out of range", func(o *Organisation) { o.IndustryCode = "Z1234" }, "industry_code", false},
		{"bad size", func(o *Organisation) { o.Size = "huge" }, "size", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := Organisation{USCC: "91350100M000100Y43", Name: "测试公司", IndustryCode: "C1711", Size: SizeSmall, RegionCode: "652301001001"}
			tt.mutate(&o)
			pr := o.validate()
			if tt.field == "" && len(pr) != 0 || tt.field != "" && pr[tt.field] == "" {
				t.Errorf("validate(%s) = %v, want problem with %q", tt.name, pr, tt.field)
			}
			if o.NeedsReview() != tt.flags {
				t.Errorf("validate(%s): NeedsReview = %v, want %v", tt.name, o.NeedsReview(), tt.flags)
			}
		})
	}
}

func TestEmploymentValidate(t *testing.T) {
	start := period.MustDate(2020, 1, 1)
	tests := []struct {
		name  string
		e     Employment
		field string
	}{
		{"open spell", Employment{PersonID: 1, OrgID: 1, Start: start}, ""},
		{"ended involuntary", Employment{PersonID: 1, OrgID: 1, Start: start, End: start.AddDays(400), Separation: SepInvoluntary}, ""},
		{"end before start", Employment{PersonID: 1, OrgID: 1, Start: start, End: start.AddDays(-1), Separation: SepVoluntary}, "end"},
		{"end without reason", Employment{PersonID: 1, OrgID: 1, Start: start, End: start.AddDays(10)}, "separation"},
		{"reason without end", Employment{PersonID: 1, OrgID: 1, Start: start, Separation: SepVoluntary}, "separation"},
		{"far future start", Employment{PersonID: 1, OrgID: 1, Start: today.AddDays(400)}, "start"},
		{"negative wage", Employment{PersonID: 1, OrgID: 1, Start: start, MonthlyWage: -1}, "monthly_wage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr := tt.e.validate(today)
			if tt.field == "" && len(pr) != 0 || tt.field != "" && pr[tt.field] == "" {
				t.Errorf("validate(%s) = %v, want problem with %q", tt.name, pr, tt.field)
			}
		})
	}
}

func TestChangedFields(t *testing.T) {
	a := validPerson()
	b := a
	b.Address, b.Version = "新地址", 9
	got, err := changedFields(&a, &b, "version")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []string{"address"}) {
		t.Errorf("changedFields = %v, want [address]", got)
	}
}
