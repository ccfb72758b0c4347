// The read models of the console's screening and payment pages: the
// registered names of the persons and household heads a page lists, by
// primary key, for the rows a service has already read and checked in the
// caller's scope (names only: no read of a person's file is recorded for
// a name in a list, as none is for a payee's name on a batch); and the
// wider runs whose items of a county wait for its review.

package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/screening"
)

// ScreeningRunsToReviewIn returns, newest first, at most limit proposed
// runs made for a region wider than code (the prefecture's run, seen from
// a county) that have items in code's subtree not yet reviewed: the runs
// whose part a caseworker of code reviews. The caller reads each run
// through the screening service, which checks the scope.
func (db *DB) ScreeningRunsToReviewIn(ctx context.Context, code region.Code, limit int) ([]screening.RunID, error) {
	var wider []any
	for c := code.Parent(); c != ""; c = c.Parent() {
		wider = append(wider, string(c))
	}
	if len(wider) == 0 || limit <= 0 {
		return nil, nil
	}
	lo, hi := code.Range()
	args := append(wider, lo, hi, limit)
	rows, err := db.r.QueryContext(ctx, db.q(`SELECT r.id FROM screening_runs r
		WHERE r.region_code IN (?`+strings.Repeat(", ?", len(wider)-1)+`) AND r.status = 'proposed' AND r.superseded_by = 0
			AND EXISTS (SELECT 1 FROM screening_items i WHERE i.run_id = r.id AND i.region_code >= ? AND i.region_code < ? AND i.reviewed_by = 0)
		ORDER BY r.id DESC LIMIT ?`), args...)
	if err != nil {
		return nil, fmt.Errorf("screening runs to review in %s: %w", code, err)
	}
	defer rows.Close()
	var out []screening.RunID
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("scan screening run: %w", err)
		}
		out = append(out, screening.RunID(id))
	}
	return out, rows.Err()
}

// namesChunk bounds the keys of one IN list.
const namesChunk = 500

// PersonNames returns the registered names of the persons ids, by id; an
// id with no person is left out.
func (db *DB) PersonNames(ctx context.Context, ids []registry.PersonID) (map[registry.PersonID]string, error) {
	keys := make([]int64, len(ids))
	for i, id := range ids {
		keys[i] = int64(id)
	}
	out := make(map[registry.PersonID]string, len(ids))
	err := db.namesByKey(ctx, "SELECT id, name FROM persons WHERE id IN ", keys, func(k int64, name string) { out[registry.PersonID(k)] = name })
	return out, err
}

// HouseholdHeadNames returns the registered names of the heads of the
// households ids, by household; a household with no head is left out.
func (db *DB) HouseholdHeadNames(ctx context.Context, ids []registry.HouseholdID) (map[registry.HouseholdID]string, error) {
	keys := make([]int64, len(ids))
	for i, id := range ids {
		keys[i] = int64(id)
	}
	out := make(map[registry.HouseholdID]string, len(ids))
	err := db.namesByKey(ctx, `SELECT hm.household_id, p.name FROM household_members hm JOIN persons p ON p.id = hm.person_id
		WHERE hm.relation = 'head' AND hm.household_id IN `, keys, func(k int64, name string) { out[registry.HouseholdID(k)] = name })
	return out, err
}

// namesByKey runs query (ending in "IN ") over keys, a chunk at a time,
// handing each row's key and name to put.
func (db *DB) namesByKey(ctx context.Context, query string, keys []int64, put func(int64, string)) error {
	seen := make(map[int64]bool, len(keys))
	uniq := keys[:0:0]
	for _, k := range keys {
		if k > 0 && !seen[k] {
			seen[k] = true
			uniq = append(uniq, k)
		}
	}
	for lo := 0; lo < len(uniq); lo += namesChunk {
		chunk := uniq[lo:min(lo+namesChunk, len(uniq))]
		args := make([]any, len(chunk))
		for i, k := range chunk {
			args[i] = k
		}
		rows, err := db.r.QueryContext(ctx, db.q(query+"(?"+strings.Repeat(", ?", len(chunk)-1)+")"), args...)
		if err != nil {
			return fmt.Errorf("names: %w", err)
		}
		for rows.Next() {
			var k int64
			var name string
			if err := rows.Scan(&k, &name); err != nil {
				rows.Close()
				return fmt.Errorf("scan name: %w", err)
			}
			put(k, name)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("names: %w", err)
		}
	}
	return nil
}
