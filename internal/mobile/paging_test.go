package mobile

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"safetynet/internal/matters"
	"safetynet/internal/region"
	"safetynet/policies"
)

// TestPointsPageAtATime lists a township's points three at a time: each
// page holds at most three, the pages together hold every point once, and
// the last page offers no next.
func TestPointsPageAtATime(t *testing.T) {
	tree, err := region.Default()
	if err != nil {
		t.Fatal(err)
	}
	off, err := matters.LoadOffice(policies.FS, "changji", tree)
	if err != nil {
		t.Fatal(err)
	}
	site, err := New(slog.New(slog.DiscardHandler), Deps{Office: off, Tree: tree, Home: "652300", PageSize: 3})
	if err != nil {
		t.Fatal(err)
	}
	const township = "652301001"
	want := len(off.Points.List(matters.PointFilter{Region: township})) + 1 // and the county's hall
	point := regexp.MustCompile(`href="/m/points/([^"]+)"`)
	seen := map[string]bool{}
	for page := 1; ; page++ {
		rec := httptest.NewRecorder()
		site.ServeHTTP(rec, httptest.NewRequest("GET", "/m/points?township="+township+"&page="+strconv.Itoa(page), nil))
		body, _ := io.ReadAll(rec.Body)
		if rec.Code != 200 {
			t.Fatalf("page %d: %d", page, rec.Code)
		}
		ids := point.FindAllStringSubmatch(string(body), -1)
		if len(ids) == 0 || len(ids) > 3 {
			t.Fatalf("page %d lists %d points; want 1..3", page, len(ids))
		}
		for _, m := range ids {
			if seen[m[1]] {
				t.Errorf("%s listed twice", m[1])
			}
			seen[m[1]] = true
		}
		if !strings.Contains(string(body), `data-testid="next"`) {
			break
		}
		if page > 9 {
			t.Fatal("more than nine pages")
		}
	}
	if len(seen) != want {
		t.Errorf("the pages list %d points; want %d", len(seen), want)
	}
}
