package sqlstore

import (
	"context"
	"strconv"

	"safetynet/internal/insurance"
	"safetynet/internal/registry"
)

// CertificationsOf implements insurance.CertificationReader: the person's
// latest certifications on its index (person_id, certified_on).
func (db *DB) CertificationsOf(ctx context.Context, person registry.PersonID, limit int) ([]insurance.Certification, error) {
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	return orEmpty(queryAll(ctx, db, db.r, "certifications", func(sc scanner) (insurance.Certification, error) {
		var c insurance.Certification
		err := sc.Scan(&c.ID, &c.PersonID, &c.RegionCode, &c.Date, &c.Method, &c.Note, &c.CreatedBy, timeCol{&c.CreatedAt})
		return c, err
	}, `SELECT id, person_id, region_code, certified_on, method, note, created_by, created_at FROM certifications
		WHERE person_id = ? ORDER BY certified_on DESC, id DESC LIMIT `+strconv.Itoa(limit), int64(person)))
}
