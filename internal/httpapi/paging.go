package httpapi

import (
	"cmp"
	"slices"

	"safetynet/internal/registry"
)

// keyPage pages a list computed whole (a report, not a table read by key):
// it sorts recs by key and returns those with a key above page.After, at
// most page.Limit, for newList. The key encodes the record's identity as
// one integer, so that ?after= works as for the lists read by key.
func keyPage[D any](recs []D, page registry.Page, key func(D) int64) []D {
	slices.SortStableFunc(recs, func(a, b D) int { return cmp.Compare(key(a), key(b)) })
	i, _ := slices.BinarySearchFunc(recs, page.After, func(d D, after int64) int {
		if key(d) <= after {
			return -1
		}
		return 1
	})
	recs = recs[i:]
	if len(recs) > page.Limit {
		recs = recs[:page.Limit]
	}
	return recs
}

// wholePage pages a list read whole in a stable order (a catalogue, a
// report, a person's few records): an item's key is its position from 1,
// so ?after= is the position of the previous page's last item. page is
// query.page's, its Limit the page's size and one more.
func wholePage[D, T any](recs []D, page registry.Page, conv func(D) T) listResponse[T] {
	type at struct {
		pos int64
		rec D
	}
	start := int(min(page.After, int64(len(recs))))
	end := min(start+page.Limit, len(recs))
	xs := make([]at, 0, end-start)
	for i := start; i < end; i++ {
		xs = append(xs, at{int64(i + 1), recs[i]})
	}
	return newList(xs, page.Limit, func(x at) int64 { return x.pos }, func(x at) T { return conv(x.rec) })
}
