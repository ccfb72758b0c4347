package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"safetynet/internal/fault"
	"safetynet/internal/frontoffice/ratings"
	"safetynet/internal/period"
)

var _ ratings.Store = (*DB)(nil)

// QueueRatingFollowUpsOpen counts the follow-ups of poor ratings (差评整改)
// waiting for the point head's answer.
const QueueRatingFollowUpsOpen QueueKey = "rating_follow_ups_open"

func init() {
	// The ratings' kind of work is kept here, beside its table, rather
	// than in the shared list of readmodel_queue.go.
	queueCounts[QueueRatingFollowUpsOpen] = struct {
		from, region, cond string
		asOf               int
	}{"rating_follow_ups", "region_code", "status = 'open'", 0}
}

// ratingCols are the columns scanRating reads.
const ratingCols = `r.id, r.application_no, r.matter_id, r.department, r.point_id, r.point_region, r.channel, r.rated_via,
	r.clerk_user_id, r.region_code, r.level, r.comment, r.person_id, r.organisation_id, r.rated_on, r.recorded_by,
	r.recorded_by_name, r.created_at, f.id`

// scanRating scans a row of ratingCols.
func scanRating(sc scanner) (*ratings.Rating, error) {
	r := &ratings.Rating{}
	var person, org, fu sql.NullInt64
	err := sc.Scan(&r.ID, &r.ApplicationNo, &r.MatterID, &r.Department, &r.PointID, &r.PointRegion, &r.Channel, &r.RatedVia,
		&r.ClerkUserID, &r.RegionCode, &r.Level, &r.Comment, &person, &org, &r.RatedOn, &r.RecordedBy,
		&r.RecordedByName, timeCol{&r.CreatedAt}, &fu)
	r.PersonID, r.OrganisationID, r.FollowUpID = person.Int64, org.Int64, fu.Int64
	return r, err
}

// followUpCols are the columns scanFollowUp reads.
const followUpCols = `id, rating_id, application_no, region_code, point_id, matter_id, level, opened_on, due_on, due_pending_year,
	status, measures, contact, contacted_on, answered_by, answered_by_name, answered_at, closed_by, closed_by_name, closed_at,
	close_note, created_at, updated_at, version`

// scanFollowUp scans a row of followUpCols.
func scanFollowUp(sc scanner) (*ratings.FollowUp, error) {
	f := &ratings.FollowUp{}
	err := sc.Scan(&f.ID, &f.RatingID, &f.ApplicationNo, &f.RegionCode, &f.PointID, &f.MatterID, &f.Level, &f.OpenedOn, &f.DueOn,
		&f.DuePendingYear, &f.Status, &f.Measures, &f.Contact, &f.ContactedOn, &f.AnsweredBy, &f.AnsweredByName, timeCol{&f.AnsweredAt},
		&f.ClosedBy, &f.ClosedByName, timeCol{&f.ClosedAt}, &f.CloseNote, timeCol{&f.CreatedAt}, timeCol{&f.UpdatedAt}, &f.Version)
	return f, err
}

// followUpFields are the audit fields of a follow-up's state: no text
// the applicant or the head wrote.
func followUpFields(f *ratings.FollowUp) []string {
	return []string{"application_no=" + f.ApplicationNo, "point_id=" + f.PointID, "status=" + string(f.Status),
		"level=" + strconv.Itoa(int(f.Level)), "due_on=" + f.DueOn.String()}
}

// CreateRating implements ratings.Store.
func (db *DB) CreateRating(ctx context.Context, r *ratings.Rating, f *ratings.FollowUp) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		at := db.now()
		err := tx.QueryRowContext(ctx, db.q(`INSERT INTO ratings (application_no, matter_id, department, point_id, point_region,
			channel, rated_via, clerk_user_id, region_code, level, comment, person_id, organisation_id, rated_on, recorded_by,
			recorded_by_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			r.ApplicationNo, r.MatterID, r.Department, r.PointID, string(r.PointRegion), string(r.Channel), string(r.RatedVia),
			r.ClerkUserID, string(r.RegionCode), int(r.Level), r.Comment, nullID(r.PersonID), nullID(r.OrganisationID), r.RatedOn,
			r.RecordedBy, r.RecordedByName, db.ts(at)).Scan(&r.ID)
		if err != nil {
			return fmt.Errorf("save rating of %s: %w", r.ApplicationNo, mapErr(err))
		}
		r.CreatedAt = at
		if err := db.audited(ctx, tx, "ratings.rated", "rating", r.ID, string(r.PointRegion), r,
			[]string{"application_no=" + r.ApplicationNo, "matter_id=" + r.MatterID, "point_id=" + r.PointID,
				"level=" + strconv.Itoa(int(r.Level)), "rated_via=" + string(r.RatedVia)}); err != nil {
			return err
		}
		if f == nil {
			return nil
		}
		f.RatingID = r.ID
		err = tx.QueryRowContext(ctx, db.q(`INSERT INTO rating_follow_ups (rating_id, application_no, region_code, point_id, matter_id,
			level, opened_on, due_on, due_pending_year, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			f.RatingID, f.ApplicationNo, string(f.RegionCode), f.PointID, f.MatterID, int(f.Level), f.OpenedOn, f.DueOn,
			f.DuePendingYear, string(f.Status), db.ts(at), db.ts(at)).Scan(&f.ID)
		if err != nil {
			return fmt.Errorf("open the follow-up of %s: %w", r.ApplicationNo, mapErr(err))
		}
		f.CreatedAt, f.UpdatedAt, f.Version, r.FollowUpID = at, at, 1, f.ID
		return db.audited(ctx, tx, "ratings.follow_up_opened", "rating_follow_up", f.ID, string(f.RegionCode), f, followUpFields(f))
	})
}

// RatingByApplication implements ratings.Store.
func (db *DB) RatingByApplication(ctx context.Context, applicationNo string) (*ratings.Rating, error) {
	return queryOne(ctx, db, db.r, "rating of application", applicationNo, scanRating,
		`SELECT `+ratingCols+` FROM ratings r LEFT JOIN rating_follow_ups f ON f.rating_id = r.id WHERE r.application_no = ?`, applicationNo)
}

// RatingFollowUp implements ratings.Store.
func (db *DB) RatingFollowUp(ctx context.Context, id int64) (*ratings.FollowUp, error) {
	return queryOne(ctx, db, db.r, "rating follow-up", id, scanFollowUp, `SELECT `+followUpCols+` FROM rating_follow_ups WHERE id = ?`, id)
}

// RatingFollowUps implements ratings.Store: a range on region_code (its
// index, with the status), after the key.
func (db *DB) RatingFollowUps(ctx context.Context, f ratings.FollowUpFilter) ([]*ratings.FollowUp, error) {
	var w where
	w.region("region_code", f.Region)
	w.text("status", string(f.Status))
	if f.Overdue {
		w.add("status <> 'closed' AND due_on < ?", f.Today)
	}
	if f.AnsweredBy > 0 {
		w.add("answered_by = ?", f.AnsweredBy)
	}
	if f.After > 0 {
		w.add("id > ?", f.After)
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	return orEmpty(queryAll(ctx, db, db.r, "rating follow-ups", scanFollowUp,
		`SELECT `+followUpCols+` FROM rating_follow_ups`+w.sql()+` ORDER BY id LIMIT `+strconv.Itoa(limit), w.args...))
}

// UpdateRatingFollowUp implements ratings.Store.
func (db *DB) UpdateRatingFollowUp(ctx context.Context, f *ratings.FollowUp, action string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		at := db.now()
		res, err := tx.ExecContext(ctx, db.q(`UPDATE rating_follow_ups SET status = ?, measures = ?, contact = ?, contacted_on = ?,
			answered_by = ?, answered_by_name = ?, answered_at = ?, closed_by = ?, closed_by_name = ?, closed_at = ?, close_note = ?,
			updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`),
			string(f.Status), f.Measures, f.Contact, f.ContactedOn, f.AnsweredBy, f.AnsweredByName, db.tsOrNil(f.AnsweredAt),
			f.ClosedBy, f.ClosedByName, db.tsOrNil(f.ClosedAt), f.CloseNote, db.ts(at), f.ID, f.Version)
		if err != nil {
			return fmt.Errorf("save follow-up %d: %w", f.ID, mapErr(err))
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fault.Errorf(fault.Conflict, "follow-up %d has changed since it was read: reload it", f.ID)
		}
		f.UpdatedAt, f.Version = at, f.Version+1
		return db.audited(ctx, tx, action, "rating_follow_up", f.ID, string(f.RegionCode), f, followUpFields(f))
	})
}

// ratingKeys are the grouping columns of RatingCounts.
var ratingKeys = map[ratings.By]string{
	ratings.ByMatter:     "r.matter_id",
	ratings.ByPoint:      "r.point_id",
	ratings.ByClerk:      "CAST(r.clerk_user_id AS TEXT)",
	ratings.ByDepartment: "r.department",
}

// RatingCounts implements ratings.Store: one grouped read of the ratings
// given in the dates at points in the region (a range on point_region
// with rated_on, their index), with their follow-ups by the rating's
// unique key.
func (db *DB) RatingCounts(ctx context.Context, f ratings.Filter, today period.Date) ([]ratings.Count, error) {
	key, ok := ratingKeys[f.By]
	if !ok {
		return nil, fault.Errorf(fault.Invalid, "no grouping %q", f.By)
	}
	var w where
	w.region("r.point_region", f.Region)
	w.add("r.rated_on >= ? AND r.rated_on <= ?", f.From, f.To)
	args := append([]any{today}, w.args...)
	return orEmpty(queryAll(ctx, db, db.r, "count ratings", func(sc scanner) (ratings.Count, error) {
		var c ratings.Count
		err := sc.Scan(&c.Key, &c.Levels[0], &c.Levels[1], &c.Levels[2], &c.Levels[3], &c.Levels[4],
			&c.FollowUpsOpen, &c.FollowUpsClosed, &c.FollowUpsOverdue)
		return c, err
	}, `SELECT `+key+`,
		COUNT(CASE WHEN r.level = 1 THEN 1 END), COUNT(CASE WHEN r.level = 2 THEN 1 END), COUNT(CASE WHEN r.level = 3 THEN 1 END),
		COUNT(CASE WHEN r.level = 4 THEN 1 END), COUNT(CASE WHEN r.level = 5 THEN 1 END),
		COUNT(CASE WHEN f.status <> 'closed' THEN 1 END), COUNT(CASE WHEN f.status = 'closed' THEN 1 END),
		COUNT(CASE WHEN f.status <> 'closed' AND f.due_on < ? THEN 1 END)
		FROM ratings r LEFT JOIN rating_follow_ups f ON f.rating_id = r.id`+w.sql()+`
		GROUP BY `+key+` ORDER BY `+key, args...))
}
