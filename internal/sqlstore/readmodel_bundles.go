package sqlstore

import (
	"context"

	"safetynet/internal/insurance"
	"safetynet/internal/registry"
)

// LatestDeathSettlement implements insurance.DeathStore: the person's
// latest settlement, whatever its status, read by the index
// death_settlements_person_latest.
func (db *DB) LatestDeathSettlement(ctx context.Context, person registry.PersonID) (*insurance.DeathSettlement, error) {
	return queryOne(ctx, db, db.r, "death settlement of person", person, scanDeath,
		"SELECT "+deathColumns+" FROM death_settlements WHERE person_id = ? ORDER BY id DESC LIMIT 1", int64(person))
}
