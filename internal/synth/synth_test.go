package synth_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"safetynet/internal/auth"
	"safetynet/internal/clock"
	"safetynet/internal/ids"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/synth"
)

var today = period.MustDate(2024, time.October, 15)

// fakeStore is an in-memory registry.BulkStore that keeps every batch.
type fakeStore struct {
	regions  map[region.Code]bool
	next     registry.Keys
	bulks    []*registry.Bulk
	finished bool
}

var _ registry.BulkStore = (*fakeStore)(nil)

func (f *fakeStore) NextKeys(context.Context) (registry.Keys, error) { return f.next, nil }

func (f *fakeStore) RegionCodes(context.Context) (map[region.Code]bool, error) { return f.regions, nil }

func (f *fakeStore) LoadBulk(_ context.Context, b *registry.Bulk) error {
	f.bulks = append(f.bulks, b)
	return nil
}

func (f *fakeStore) FinishBulk(context.Context) error { f.finished = true; return nil }

func tree(t testing.TB) *region.Tree {
	t.Helper()
	tr, err := region.Default()
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// generate runs Generate through the registry's bulk Loader, which
// validates every record as `safetynet gen` does, and returns the batches.
func generate(cfg synth.Config) ([]*registry.Bulk, synth.Summary, error) {
	tr, err := region.Default()
	if err != nil {
		return nil, synth.Summary{}, err
	}
	codes := make(map[region.Code]bool)
	for _, n := range tr.Nodes() {
		codes[n.Code] = true
	}
	store := &fakeStore{regions: codes, next: cfg.Start}
	// No store: the loader writes to the fake one.
	svc := registry.NewService(nil, clock.Fixed(cfg.Today.Time().Add(12*time.Hour), region.DefaultJurisdiction().Zone))
	ctx := auth.WithPrincipal(context.Background(), auth.SystemPrincipal("gen", "652300"))
	loader, err := svc.NewLoader(ctx, store)
	if err != nil {
		return nil, synth.Summary{}, err
	}
	calls, last := 0, 0
	var progressErr error
	// Load validates (and normalises) every record. The organisations the
	// generator flagged for a bad USCC check character must be exactly the
	// ones validation flags.
	emit := func(ctx context.Context, b *registry.Bulk) error {
		want := make([]ids.Flags, len(b.Organisations))
		for i, o := range b.Organisations {
			want[i] = o.USCCFlags
		}
		if err := loader.Load(ctx, b); err != nil {
			return err
		}
		for i, o := range b.Organisations {
			if o.USCCFlags != want[i] {
				return fmt.Errorf("organisation %d: USCC %s generated with flags %v, loaded with %v", o.ID, o.USCC, want[i], o.USCCFlags)
			}
		}
		return nil
	}
	sum, err := synth.Generate(ctx, cfg, tr, emit, func(done int) {
		calls++
		if done < last || done > cfg.Persons {
			progressErr = fmt.Errorf("progress(%d) after %d, with %d persons", done, last, cfg.Persons)
		}
		last = done
	})
	if err != nil {
		return nil, sum, fmt.Errorf("Generate(%d persons, seed %d): %w", cfg.Persons, cfg.Seed, err)
	}
	if err := loader.Finish(ctx); err != nil {
		return nil, sum, err
	}
	switch {
	case progressErr != nil:
		return nil, sum, progressErr
	case calls != len(store.bulks) || last != cfg.Persons:
		return nil, sum, fmt.Errorf("progress called %d times for %d batches, last with %d", calls, len(store.bulks), last)
	}
	return store.bulks, sum, nil
}

func load(t testing.TB, cfg synth.Config) ([]*registry.Bulk, synth.Summary) {
	t.Helper()
	bulks, sum, err := generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return bulks, sum
}

// pop100k is one 100,000-person population shared by the realism tests.
var pop100k = sync.OnceValues(func() (*population, error) {
	bulks, sum, err := generate(synth.Config{Persons: 100_000, Seed: 7, Today: today, BatchSize: 25_000})
	return &population{bulks, sum}, err
})

type population struct {
	bulks []*registry.Bulk
	sum   synth.Summary
}

func shared(t *testing.T) ([]*registry.Bulk, synth.Summary) {
	t.Helper()
	p, err := pop100k()
	if err != nil {
		t.Fatal(err)
	}
	return p.bulks, p.sum
}

func TestGenerateStructure(t *testing.T) {
	bulks, sum := shared(t)
	persons, households, orgs := 0, 0, map[registry.OrgID]bool{}
	idNumbers := map[ids.ResidentID]bool{}
	unique := map[string]map[string]bool{"phone": {}, "account": {}, "uscc": {}}
	seen := func(kind, v string) {
		if unique[kind][v] {
			t.Errorf("%s %s used twice", kind, v)
		}
		unique[kind][v] = true
	}
	var employment, disabilities, accounts, deaths int
	for bi, b := range bulks {
		for _, o := range b.Organisations {
			orgs[o.ID] = true
			seen("uscc", string(o.USCC))
			if !strings.HasPrefix(string(o.USCC), "91") && !strings.HasPrefix(string(o.USCC), "92") {
				t.Errorf("organisation %d: USCC %s does not start 91 or 92", o.ID, o.USCC)
			}
		}
		if len(b.Organisations) > 0 && len(b.Persons) > 0 {
			t.Errorf("batch %d mixes organisations and persons", bi)
		}
		inBatch := map[registry.PersonID]*registry.Person{}
		for i := range b.Persons {
			p := &b.Persons[i]
			inBatch[p.ID] = p
			if idNumbers[p.IDNumber] {
				t.Errorf("resident ID %s used twice", p.IDNumber)
			}
			idNumbers[p.IDNumber] = true
			if p.Phone != "" {
				seen("phone", p.Phone)
			}
			if p.RegionCode.Level() != region.Village || p.HukouRegion != p.RegionCode.County() {
				t.Errorf("person %d: region %s, hukou region %s", p.ID, p.RegionCode, p.HukouRegion)
			}
			if !p.DeathDate.IsZero() {
				deaths++
				if p.DeathDate < p.BirthDate() || p.DeathDate > today {
					t.Errorf("person %d: death %s outside birth %s to today", p.ID, p.DeathDate, p.BirthDate())
				}
			}
		}
		persons += len(b.Persons)
		inHousehold := map[registry.PersonID]int{}
		for _, h := range b.Households {
			households++
			heads := 0
			if len(h.Members) < 1 || len(h.Members) > 6 {
				t.Errorf("household %d has %d members", h.ID, len(h.Members))
			}
			var head *registry.Person
			for _, m := range h.Members {
				p := inBatch[m.PersonID]
				if p == nil {
					t.Fatalf("household %d: member %d is not in the batch", h.ID, m.PersonID)
				}
				inHousehold[m.PersonID]++
				if m.Relation == registry.RelHead {
					heads++
					head = p
				}
				if p.RegionCode != h.RegionCode || p.HukouType != h.HukouType {
					t.Errorf("household %d: member %d lives in %s (%s), household in %s (%s)", h.ID, p.ID, p.RegionCode, p.HukouType, h.RegionCode, h.HukouType)
				}
			}
			if heads != 1 {
				t.Errorf("household %d has %d heads", h.ID, heads)
				continue
			}
			for _, m := range h.Members {
				p := inBatch[m.PersonID]
				gap := period.AgeAt(p.BirthDate(), head.BirthDate())
				if m.Relation == registry.RelChild && (gap > -18 || gap < -53) {
					t.Errorf("household %d: child %d is %d years younger than the head", h.ID, p.ID, -gap)
				}
				if (m.Relation == registry.RelParent || m.Relation == registry.RelGrandparent) && gap < 18 {
					t.Errorf("household %d: %s %d is only %d years older than the head", h.ID, m.Relation, p.ID, gap)
				}
				if m.Relation == registry.RelSpouse && p.Gender() == head.Gender() {
					t.Errorf("household %d: spouse %d has the head's gender", h.ID, p.ID)
				}
			}
		}
		for _, p := range b.Persons {
			if inHousehold[p.ID] != 1 {
				t.Errorf("person %d is in %d households", p.ID, inHousehold[p.ID])
			}
		}
		for _, e := range b.Employment {
			employment++
			p := inBatch[e.PersonID]
			if p == nil || !orgs[e.OrgID] {
				t.Fatalf("spell %d refers to person %d or organisation %d outside the batch or earlier batches", e.ID, e.PersonID, e.OrgID)
			}
			if period.AgeAt(p.BirthDate(), e.Start) < 16 || !e.End.IsZero() && (e.End < e.Start || e.End > today) {
				t.Errorf("spell %d: start %s end %s, person born %s", e.ID, e.Start, e.End, p.BirthDate())
			}
			if !p.Alive() && (e.End.IsZero() || e.End > p.DeathDate) {
				t.Errorf("spell %d of dead person %d runs past the death", e.ID, p.ID)
			}
			if w := e.MonthlyWage; e.End.IsZero() && (w < 200_000 || w > 1_500_000) || w <= 0 || w > 1_500_000 {
				t.Errorf("spell %d (end %s): wage %d fen", e.ID, e.End, w)
			}
		}
		for _, d := range b.Disabilities {
			disabilities++
			p := inBatch[d.PersonID]
			if p == nil {
				t.Fatalf("disability %d refers to person %d outside the batch", d.ID, d.PersonID)
			}
			if d.Issued < p.BirthDate() || d.Issued > today || len(d.CertificateNo) != 20 || !strings.HasPrefix(d.CertificateNo, string(p.IDNumber)) {
				t.Errorf("disability %d: issued %s, certificate %s, person born %s", d.ID, d.Issued, d.CertificateNo, p.BirthDate())
			}
		}
		for _, a := range b.BankAccounts {
			accounts++
			seen("account", a.AccountNo)
			switch a.OwnerKind {
			case registry.OwnerPerson:
				if p := inBatch[registry.PersonID(a.OwnerID)]; p == nil || p.Name != a.AccountName {
					t.Errorf("account %d: owner %d not in the batch, or wrong name", a.ID, a.OwnerID)
				}
				if n := len(a.AccountNo); n < 16 || n > 19 {
					t.Errorf("account %d: number %s has %d digits", a.ID, a.AccountNo, n)
				}
			case registry.OwnerOrganisation:
				if !orgs[registry.OrgID(a.OwnerID)] {
					t.Errorf("account %d: organisation %d unknown", a.ID, a.OwnerID)
				}
			}
		}
	}
	want := synth.Summary{
		Persons: persons, Households: households, Members: persons, Organisations: len(orgs),
		Employment: employment, Disabilities: disabilities, Deaths: deaths, BankAccounts: accounts, ByCounty: sum.ByCounty,
	}
	if diff := cmp.Diff(want, sum); diff != "" {
		t.Errorf("summary does not match the records (-counted +summary):\n%s", diff)
	}
	if persons != 100_000 || len(orgs) != 100_000/80 {
		t.Errorf("got %d persons and %d organisations, want 100000 and 1250", persons, len(orgs))
	}
}

// share returns the percentage of n in total.
func share(n, total int) float64 { return 100 * float64(n) / float64(total) }

func TestRealism(t *testing.T) {
	bulks, sum := shared(t)
	tr := tree(t)
	var (
		persons, alive, aged80, aged60, children, males, adults, adultMales int
		disabled, deaths, working, workingAge, hh, phones, accounts         int
		flagged, orgs                                                       int
		ethnic                                                              = map[string]int{}
		moriKazakh, mori                                                    int
		names                                                               = map[string]int{}
	)
	for _, b := range bulks {
		for _, o := range b.Organisations {
			orgs++
			if o.NeedsReview() {
				flagged++
				if _, _, err := ids.ParseUSCC(string(o.USCC), ids.Strict); err == nil {
					t.Errorf("flagged organisation %d has a valid USCC", o.ID)
				}
			} else if _, _, err := ids.ParseUSCC(string(o.USCC), ids.Strict); err != nil {
				t.Errorf("organisation %d: %v", o.ID, err)
			}
		}
		hasAccount := map[int64]bool{}
		for _, a := range b.BankAccounts {
			hasAccount[a.OwnerID] = true
		}
		employed := map[registry.PersonID]bool{}
		for _, e := range b.Employment {
			if e.End.IsZero() {
				employed[e.PersonID] = true
			}
		}
		disabled += len(b.Disabilities)
		hh += len(b.Households)
		for _, p := range b.Persons {
			persons++
			names[p.Name]++
			ethnic[p.Ethnicity]++
			if p.RegionCode.County() == "652328" {
				mori++
				if p.Ethnicity == "kazakh" {
					moriKazakh++
				}
			}
			age := period.AgeAt(p.BirthDate(), today)
			if !p.Alive() {
				deaths++
				continue
			}
			alive++
			male := p.Gender() == ids.Male
			if male {
				males++
			}
			switch {
			case age >= 80:
				aged80++
				aged60++
			case age >= 60:
				aged60++
			case age < 15:
				children++
			}
			if age >= 18 {
				adults++
				if male {
					adultMales++
				}
				if p.Phone != "" {
					phones++
				}
				if hasAccount[int64(p.ID)] {
					accounts++
				}
			}
			if age >= 18 && age <= 59 {
				workingAge++
				if employed[p.ID] {
					working++
				}
			}
		}
	}
	checks := []struct {
		name    string
		got     float64
		lo, hi  float64
		comment string
	}{
		{"aged 80+ (% of living)", share(aged80, alive), 1.6, 2.6, "docs/domain.md 6.7: 33,700 of ~1.6M"},
		{"aged 60+ (% of living)", share(aged60, alive), 15, 22, ""},
		{"aged 0-14 (% of living)", share(children, alive), 15, 21, ""},
		{"adult sex ratio (males per 100 females)", 100 * float64(adultMales) / float64(adults-adultMales), 104, 111, ""},
		{"disability certificates (% of persons)", share(disabled, persons), 2.2, 3.2, ""},
		{"deaths per year (% of persons)", share(deaths, persons) / 3, 0.45, 0.8, ""},
		{"current employment (% of living 18-59)", share(working, workingAge), 45, 55, ""},
		{"persons per household", float64(persons) / float64(hh), 2.8, 3.2, ""},
		{"adults with a phone (%)", share(phones, adults), 85, 95, ""},
		{"adults with a bank account (%)", share(accounts, adults), 82, 88, ""},
		{"flagged USCCs (%)", share(flagged, orgs), 0.2, 2.2, "1% expected, 1250 organisations"},
		{"Han (%)", share(ethnic["han"], persons), 72, 78, ""},
		{"Hui (%)", share(ethnic["hui"], persons), 9, 13, ""},
		{"Kazakh (%)", share(ethnic["kazakh"], persons), 7.5, 11, ""},
		{"Uyghur (%)", share(ethnic["uyghur"], persons), 3, 5, ""},
		{"Kazakh in Mori (%)", share(moriKazakh, mori), 50, 70, ""},
	}
	for _, c := range checks {
		t.Logf("%-42s %6.2f  (want %g-%g)", c.name, c.got, c.lo, c.hi)
		if c.got < c.lo || c.got > c.hi {
			t.Errorf("%s = %.2f, want %g to %g %s", c.name, c.got, c.lo, c.hi, c.comment)
		}
	}
	// County shares against the 2010 census (docs/domain.md 11).
	var census int
	for _, c := range tr.Counties() {
		census += c.Population2010
	}
	for _, c := range tr.Counties() {
		got := share(sum.ByCounty[c.Code], persons)
		want := 100 * float64(c.Population2010) / float64(census) * (1 - 0.005)
		if c.Population2010 == 0 {
			want = 0.5
		}
		t.Logf("county %s %-12s %5.2f%%  (census %5.2f%%)", c.Code, c.NameZH, got, want)
		if got < want-1.5 || got > want+1.5 {
			t.Errorf("county %s has %.2f%% of persons, want %.2f%% ± 1.5", c.Code, got, want)
		}
	}
	// Names: many distinct, in Chinese characters, patronymics with "·".
	if len(names) < persons/5 {
		t.Errorf("only %d distinct names among %d persons", len(names), persons)
	}
	for n := range names {
		if utf8.RuneCountInString(n) < 2 || strings.ContainsAny(n, "abcdefghijklmnopqrstuvwxyz ") {
			t.Errorf("odd name %q", n)
			break
		}
	}
}

func TestDeterministic(t *testing.T) {
	cfg := synth.Config{Persons: 3000, Seed: 42, Today: today, BatchSize: 1000, Start: registry.Keys{Person: 10, Household: 20, Org: 30, Employment: 40, Disability: 50, BankAccount: 60}}
	a, _ := load(t, cfg)
	b, _ := load(t, cfg)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("two runs with seed 42 differ:\n%.2000s", diff)
	}
	cfg.Seed = 43
	c, _ := load(t, cfg)
	if cmp.Equal(a, c) {
		t.Error("seeds 42 and 43 give the same population")
	}
	if got := a[0].Organisations[0].ID; got != 30 {
		t.Errorf("first organisation key %d, want the start key 30", got)
	}
	if got := a[1].Persons[0].ID; got != 10 {
		t.Errorf("first person key %d, want the start key 10", got)
	}
}

// keysOf collects the identifiers of a run that must never repeat.
func keysOf(bulks []*registry.Bulk) map[string]bool {
	seen := map[string]bool{}
	for _, b := range bulks {
		for _, p := range b.Persons {
			seen[fmt.Sprint("person ", p.ID)] = true
			seen["id "+string(p.IDNumber)] = true
			if p.Phone != "" {
				seen["phone "+p.Phone] = true
			}
		}
		for _, h := range b.Households {
			seen[fmt.Sprint("household ", h.ID)] = true
		}
		for _, o := range b.Organisations {
			seen[fmt.Sprint("org ", o.ID)] = true
			seen["uscc "+string(o.USCC)] = true
		}
		for _, e := range b.Employment {
			seen[fmt.Sprint("employment ", e.ID)] = true
		}
		for _, d := range b.Disabilities {
			seen[fmt.Sprint("disability ", d.ID)] = true
		}
		for _, a := range b.BankAccounts {
			seen[fmt.Sprint("account ", a.ID)] = true
			seen["account number "+a.AccountNo] = true
		}
	}
	return seen
}

// next returns the keys after those a run used.
func next(bulks []*registry.Bulk, k registry.Keys) registry.Keys {
	for _, b := range bulks {
		for _, p := range b.Persons {
			k.Person = max(k.Person, p.ID+1)
		}
		for _, h := range b.Households {
			k.Household = max(k.Household, h.ID+1)
		}
		for _, o := range b.Organisations {
			k.Org = max(k.Org, o.ID+1)
		}
		for _, e := range b.Employment {
			k.Employment = max(k.Employment, e.ID+1)
		}
		for _, d := range b.Disabilities {
			k.Disability = max(k.Disability, d.ID+1)
		}
		for _, a := range b.BankAccounts {
			k.BankAccount = max(k.BankAccount, a.ID+1)
		}
	}
	return k
}

func TestLaterRunsDoNotCollide(t *testing.T) {
	// A demo-sized run, a bigger one with the same seed, then a tiny one:
	// the worst case for the sequence tiling of idseq.go.
	start := registry.Keys{Person: 1, Household: 1, Org: 1, Employment: 1, Disability: 1, BankAccount: 1}
	seen := map[string]bool{}
	for i, n := range []int{2000, 30_000, 300} {
		bulks, _ := load(t, synth.Config{Persons: n, Seed: 1, Today: today, BatchSize: 10_000, Start: start})
		keys := keysOf(bulks)
		dups := 0
		for k := range keys {
			if seen[k] {
				dups++
				if dups <= 5 {
					t.Errorf("run %d (%d persons): %s was used by an earlier run", i+1, n, k)
				}
			}
			seen[k] = true
		}
		start = next(bulks, start)
	}
}

func TestSmallRuns(t *testing.T) {
	for _, n := range []int{1, 2, 7, 60} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			bulks, sum := load(t, synth.Config{Persons: n, Seed: int64(n), Today: today, BatchSize: 25})
			got := 0
			for _, b := range bulks {
				got += len(b.Persons)
			}
			if got != n || sum.Persons != n || sum.Organisations != 5 {
				t.Errorf("got %d persons (summary %d) and %d organisations, want %d and 5", got, sum.Persons, sum.Organisations, n)
			}
		})
	}
}

func TestGenerateStops(t *testing.T) {
	tr := tree(t)
	cfg := synth.Config{Persons: 10_000, Seed: 1, Today: today, BatchSize: 1000}
	boom := errors.New("boom")
	calls := 0
	_, err := synth.Generate(context.Background(), cfg, tr, func(context.Context, *registry.Bulk) error {
		calls++
		if calls == 3 {
			return boom
		}
		return nil
	}, nil)
	if !errors.Is(err, boom) || calls != 3 {
		t.Errorf("Generate returned %v after %d emits, want boom after 3", err, calls)
	}

	ctx, cancel := context.WithCancel(context.Background())
	calls = 0
	_, err = synth.Generate(ctx, cfg, tr, func(context.Context, *registry.Bulk) error {
		calls++
		if calls == 2 {
			cancel()
		}
		return nil
	}, nil)
	if !errors.Is(err, context.Canceled) || calls > 3 {
		t.Errorf("Generate returned %v after %d emits, want context.Canceled soon after the cancel", err, calls)
	}
}

func TestConfigErrors(t *testing.T) {
	tr := tree(t)
	discard := func(context.Context, *registry.Bulk) error { return nil }
	for _, tc := range []struct {
		name string
		cfg  synth.Config
		tree *region.Tree
	}{
		{"no persons", synth.Config{Today: today}, tr},
		{"no today", synth.Config{Persons: 10}, tr},
		{"no tree", synth.Config{Persons: 10, Today: today}, nil},
		{"too many persons over all runs", synth.Config{Persons: 1000, Today: today, Start: registry.Keys{Person: 19_999_500}}, tr},
	} {
		if _, err := synth.Generate(context.Background(), tc.cfg, tc.tree, discard, nil); err == nil {
			t.Errorf("%s: Generate succeeded", tc.name)
		}
	}
}

func BenchmarkGenerate(b *testing.B) {
	tr := tree(b)
	const n = 200_000
	cfg := synth.Config{Persons: n, Seed: 1, Today: today}
	discard := func(context.Context, *registry.Bulk) error { return nil }
	b.ReportAllocs()
	for b.Loop() {
		if _, err := synth.Generate(context.Background(), cfg, tr, discard, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "persons/s")
}
