package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/assistance"
	"safetynet/internal/fault"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/screening"
)

// screenChunk is how many persons or households the screening reads hand
// the engine at a time.
const screenChunk = 65_536

// idSet reads a set of ids.
func (db *DB) idSet(ctx context.Context, query string, args ...any) (map[int64]bool, error) {
	out := map[int64]bool{}
	if err := eachRow(ctx, db, db.r, "read ids", func(rows *sql.Rows) error {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		out[id] = true
		return nil
	}, query, args...); err != nil {
		return nil, err
	}
	return out, nil
}

// edgeHouseholds returns the households whose latest classification up to
// m is layer.
func (db *DB) layerHouseholds(ctx context.Context, m period.Month, layer assistance.Layer) (map[int64]bool, error) {
	return db.idSet(ctx, `SELECT c.household_id FROM classifications c WHERE c.layer = ? AND c.period <= ?
		AND c.period = (SELECT MAX(c2.period) FROM classifications c2 WHERE c2.household_id = c.household_id AND c2.period <= ?)`,
		string(layer), m.String(), m.String())
}

// PersonBasis implements screening.Store: the persons are streamed in key
// order with their household; the disability, 低保, 特困, 低保-edge and
// work-injury facts, few beside them, are read first into maps.
func (db *DB) PersonBasis(ctx context.Context, m period.Month, code region.Code, fn func([]screening.PersonBasis) error) error {
	return db.personBasis(ctx, m, code, nil, fn)
}

// PersonBasisOf implements screening.Store.
func (db *DB) PersonBasisOf(ctx context.Context, m period.Month, code region.Code, ids []registry.PersonID, fn func([]screening.PersonBasis) error) error {
	if len(ids) == 0 {
		return nil
	}
	return db.personBasis(ctx, m, code, ids, fn)
}

// personBasis streams the persons of the region (those of ids only, when
// given) with what the allowances read.
func (db *DB) personBasis(ctx context.Context, m period.Month, code region.Code, ids []registry.PersonID, fn func([]screening.PersonBasis) error) error {
	type dis struct {
		grade int
		kind  registry.DisabilityKind
	}
	disabled := map[registry.PersonID]dis{}
	if err := eachRow(ctx, db, db.r, "screening basis", func(rows *sql.Rows) error {
		var id registry.PersonID
		var d dis
		if err := rows.Scan(&id, &d.grade, &d.kind); err != nil {
			return fmt.Errorf("scan disability: %w", err)
		}
		if cur, ok := disabled[id]; !ok || d.grade < cur.grade {
			disabled[id] = d
		}
		return nil
	}, `SELECT person_id, grade, kind FROM disabilities WHERE issued <= ? AND (revoked IS NULL OR revoked >= ?)`, m.Last(), m.First()); err != nil {
		return err
	}
	dibao, err := db.idSet(ctx, "SELECT household_id FROM assistance_awards WHERE programme = 'dibao' AND status = 'active'")
	if err != nil {
		return fmt.Errorf("screening basis: %w", err)
	}
	tekun, err := db.idSet(ctx, "SELECT person_id FROM assistance_awards WHERE programme = 'tekun' AND status = 'active'")
	if err != nil {
		return fmt.Errorf("screening basis: %w", err)
	}
	edge, err := db.layerHouseholds(ctx, m, assistance.LayerDibaoEdge)
	if err != nil {
		return fmt.Errorf("screening basis: %w", err)
	}
	nursing, err := db.idSet(ctx, "SELECT person_id FROM work_injuries WHERE nursing <> '' AND allowance = 'open'")
	if err != nil {
		return fmt.Errorf("screening basis: %w", err)
	}
	out := make([]screening.PersonBasis, 0, screenChunk)
	intern := newInterner()
	read := func(extra string, extraArgs []any) error {
		var w where
		w.add("(p.death_date IS NULL OR p.death_date >= ?)", m.First())
		col := "p.region_code"
		if extra == "" {
			col = db.keyOrderRegion(col, code)
		}
		w.region(col, code)
		if extra != "" {
			w.add(extra, extraArgs...)
		}
		rows, err := db.r.QueryContext(ctx, db.q(`SELECT p.id, COALESCE(hm.household_id, 0), p.region_code, p.birth_date, p.death_date, p.hukou_region
			FROM persons p LEFT JOIN household_members hm ON hm.person_id = p.id`+w.sql()+` ORDER BY p.id`), w.args...)
		if err != nil {
			return fmt.Errorf("screening basis: %w", err)
		}
		defer rows.Close()
		var regionRaw, hukouRaw sql.RawBytes
		for rows.Next() {
			var b screening.PersonBasis
			if err := rows.Scan(&b.PersonID, &b.HouseholdID, &regionRaw, &b.BirthDate, &b.Death, &hukouRaw); err != nil {
				return fmt.Errorf("scan screening basis: %w", err)
			}
			b.RegionCode = region.Code(intern(regionRaw))
			b.HukouLocal = db.juris.Contains(region.Code(intern(hukouRaw)))
			if d, ok := disabled[b.PersonID]; ok {
				b.DisabilityGrade, b.DisabilityKind = d.grade, d.kind
			}
			b.InDibao, b.InEdge = dibao[int64(b.HouseholdID)], edge[int64(b.HouseholdID)]
			b.Tekun, b.InjuryNursing = tekun[int64(b.PersonID)], nursing[int64(b.PersonID)]
			out = append(out, b)
			if len(out) == screenChunk {
				if err := fn(out); err != nil {
					return err
				}
				out = make([]screening.PersonBasis, 0, screenChunk)
			}
		}
		return rows.Err()
	}
	if ids == nil {
		if err := read("", nil); err != nil {
			return err
		}
	} else {
		for lo := 0; lo < len(ids); lo += 500 {
			hi := min(lo+500, len(ids))
			args := make([]any, 0, hi-lo)
			for _, id := range ids[lo:hi] {
				args = append(args, int64(id))
			}
			if err := read("p.id IN (?"+strings.Repeat(", ?", hi-lo-1)+")", args); err != nil {
				return err
			}
		}
	}
	if len(out) > 0 {
		return fn(out)
	}
	return nil
}

// ChangedPersons implements screening.Store.
func (db *DB) ChangedPersons(ctx context.Context, after int64) ([]registry.PersonID, int64, error) {
	var last int64
	if err := db.r.QueryRowContext(ctx, "SELECT COALESCE(MAX(seq), 0) FROM audit_events").Scan(&last); err != nil {
		return nil, 0, fmt.Errorf("changed persons: %w", err)
	}
	changed, err := queryAll(ctx, db, db.r, "changed persons", scanOne[registry.PersonID], `SELECT d.person_id FROM audit_events a JOIN disabilities d ON CAST(d.id AS TEXT) = a.entity_id
			WHERE a.seq > ? AND a.seq <= ? AND a.action = 'disability.create'
		UNION SELECT p.id FROM audit_events a JOIN persons p ON CAST(p.id AS TEXT) = a.entity_id
			WHERE a.seq > ? AND a.seq <= ? AND a.action = 'person.death'
		UNION SELECT hm.person_id FROM audit_events a JOIN assistance_cases c ON CAST(c.id AS TEXT) = a.entity_id
			JOIN household_members hm ON hm.household_id = c.household_id
			WHERE a.seq > ? AND a.seq <= ? AND a.action = 'case.change' AND a.entity_kind = 'case' AND c.programme = 'dibao' AND c.award_id <> 0
		ORDER BY 1`, after, last, after, last, after, last)
	if err != nil {
		return nil, 0, err
	}
	return changed, last, nil
}

// TurningPersons implements screening.Store.
func (db *DB) TurningPersons(ctx context.Context, age int, m period.Month, code region.Code) ([]registry.PersonID, error) {
	born := period.NewMonth(m.Year()-age, m.MonthOfYear())
	var w where
	w.add("birth_date >= ? AND birth_date <= ?", born.First(), born.Last())
	w.add("(death_date IS NULL OR death_date >= ?)", m.First())
	w.region("region_code", code)
	return queryAll(ctx, db, db.r, fmt.Sprintf("persons turning %d in %s", age, m), func(rows scanner) (registry.PersonID, error) {
		var id registry.PersonID
		err := rows.Scan(&id)
		return id, err
	}, "SELECT id FROM persons"+w.sql()+" ORDER BY id", w.args...)
}

// ScreeningCursor implements screening.Store.
func (db *DB) ScreeningCursor(ctx context.Context) (int64, error) {
	var seq int64
	err := db.r.QueryRowContext(ctx, "SELECT seq FROM screening_cursor WHERE name = 'events'").Scan(&seq)
	if errNoRows(err) {
		return 0, nil
	}
	return seq, err
}

// SetScreeningCursor implements screening.Store.
func (db *DB) SetScreeningCursor(ctx context.Context, seq int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO screening_cursor (name, seq) VALUES ('events', ?)
			ON CONFLICT (name) DO UPDATE SET seq = excluded.seq`), seq); err != nil {
			return fmt.Errorf("screening cursor: %w", err)
		}
		return nil
	})
}

// ScreenedAwards implements screening.Store: the columns read all come
// before the stored decision, so its overflow pages are not read.
func (db *DB) ScreenedAwards(ctx context.Context, programme string, once bool, m period.Month, code region.Code) ([]*assistance.Award, error) {
	var w where
	w.add("programme = ?", programme)
	if once {
		// case_id = 0: the one-offs screened, not granted on a case (and
		// the partial index of those).
		w.add("status = 'granted' AND kind = 'once' AND case_id = 0 AND start_month = ?", m.String())
	} else {
		w.add("status = 'active'")
	}
	w.region("region_code", code)
	return queryAll(ctx, db, db.r, fmt.Sprintf("awards of %s", programme), func(rows scanner) (*assistance.Award, error) {
		a := &assistance.Award{}
		err := rows.Scan(&a.ID, &a.Programme, &a.Kind, &a.HouseholdID, &a.PersonID, &a.RegionCode, &a.Amount, &a.Start, &a.Status)
		return a, err
	}, `SELECT id, programme, kind, household_id, person_id, region_code, amount, start_month, status
		FROM assistance_awards`+w.sql(), w.args...)
}

// ScreenableCount implements screening.Store: counted from the region
// indexes alone, so fast, it is an upper bound: the tests (not the tested
// households; tests after m too), the households, the persons (the dead
// too).
func (db *DB) ScreenableCount(ctx context.Context, entity string, m period.Month, code region.Code) (int, error) {
	table := "households"
	switch entity {
	case "person":
		table = "persons"
	case "test":
		table = "means_tests"
	}
	var w where
	w.region("region_code", code)
	var n int
	if err := db.r.QueryRowContext(ctx, db.q("SELECT COUNT(*) FROM "+table+w.sql()), w.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count for screening: %w", err)
	}
	return n, nil
}

// CreateScreeningRuns implements screening.Store.
func (db *DB) CreateScreeningRuns(ctx context.Context, runs []*screening.Run, job *screening.Job) error {
	var raced *screening.Run
	err := db.tx(ctx, func(tx *sql.Tx) error {
		for _, r := range runs {
			if err := db.insertScreeningRun(ctx, tx, r); err != nil {
				if errors.Is(err, errOpenRunRace) {
					raced = r
				}
				return err
			}
		}
		if job != nil {
			return db.updateScreeningJob(ctx, tx, job)
		}
		return nil
	})
	if raced != nil {
		// Another transaction proposed the run at the same time: name it.
		if id, _, lerr := db.openScreeningRun(ctx, db.r, raced); lerr == nil && id != 0 {
			return fault.Wrap(fault.Conflict, err, "screening run %d of %s for %s in %s was proposed at the same time and waits for a decision",
				id, raced.Programme, raced.Period, raced.Region)
		}
	}
	return err
}

// errOpenRunRace is the index of open runs refusing a run that another
// transaction proposed at the same time.
var errOpenRunRace = errors.New("an undecided run of the programme, month and region was proposed at the same time")

// queryRower is a transaction or a pool.
type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// openScreeningRun returns the undecided run (not superseded) of r's
// programme, month and region, and its status ("under review" when some
// of its items are reviewed); 0 when there is none.
func (db *DB) openScreeningRun(ctx context.Context, q queryRower, r *screening.Run) (screening.RunID, string, error) {
	var id screening.RunID
	var status string
	var reviewed int
	err := q.QueryRowContext(ctx, db.q(`SELECT id, status, (SELECT COUNT(*) FROM screening_items i WHERE i.run_id = screening_runs.id AND i.reviewed_by <> 0)
		FROM screening_runs WHERE programme = ? AND period = ? AND region_code = ?
		AND status IN ('proposed', 'reviewed') AND superseded_by = 0`), r.Programme, r.Period.String(), string(r.Region)).Scan(&id, &status, &reviewed)
	if err == nil && status == string(screening.RunProposed) && reviewed > 0 {
		status = "under review"
	}
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", nil
	}
	if err != nil {
		return 0, "", fmt.Errorf("open screening run of %s: %w", r.Programme, err)
	}
	return id, status, nil
}

// insertScreeningRun inserts r with its items, audited, superseding the
// open run of its programme, month and region when nobody reviewed it and
// r is whole; Conflict naming the open run otherwise. The index of open
// runs refuses a second one whatever happens at the same time.
func (db *DB) insertScreeningRun(ctx context.Context, tx *sql.Tx, r *screening.Run) error {
	open, status, err := db.openScreeningRun(ctx, tx, r)
	if err != nil {
		return err
	}
	if open != 0 {
		if r.Partial || status != string(screening.RunProposed) {
			return fault.Errorf(fault.Conflict, "screening run %d of %s for %s in %s is %s and waits for a decision: decide it before screening again",
				open, r.Programme, r.Period, r.Region, status)
		}
		// Taken out of the open runs before the new one goes in; pointed
		// at it after.
		res, err := tx.ExecContext(ctx, db.q(`UPDATE screening_runs SET superseded_by = -1 WHERE id = ? AND status = 'proposed' AND superseded_by = 0
			AND NOT EXISTS (SELECT 1 FROM screening_items i WHERE i.run_id = screening_runs.id AND i.reviewed_by <> 0)`), int64(open))
		if err != nil {
			return fmt.Errorf("supersede screening run %d: %w", open, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return fault.Errorf(fault.Conflict, "screening run %d of %s for %s in %s was superseded or reviewed at the same time", open, r.Programme, r.Period, r.Region)
		}
	}
	err = tx.QueryRowContext(ctx, db.q(`INSERT INTO screening_runs (programme, period, region_code, status, evaluated, eligible, new_awards,
		changed, stopped, amount, policy_version, created_by, created_at, job_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		r.Programme, r.Period.String(), string(r.Region), string(r.Status), r.Evaluated, r.Eligible, r.NewAwards, r.Changed, r.Stopped,
		int64(r.Amount), r.PolicyVersion, r.CreatedBy, db.ts(r.CreatedAt), int64(r.JobID)).Scan(&r.ID)
	if err != nil {
		err = mapErr(err)
		if fault.CodeOf(err) == fault.Conflict {
			if strings.Contains(err.Error(), "job_id") || strings.Contains(err.Error(), "screening_runs_job") {
				return fault.Errorf(fault.Conflict, "screening job %d has its %s run already", r.JobID, r.Programme)
			}
			return fault.Wrap(fault.Conflict, errOpenRunRace, "a screening run of %s for %s in %s was proposed at the same time", r.Programme, r.Period, r.Region)
		}
		return fmt.Errorf("insert screening run: %w", err)
	}
	if open != 0 {
		if _, err := tx.ExecContext(ctx, db.q(`UPDATE screening_runs SET superseded_by = ? WHERE id = ?`), int64(r.ID), int64(open)); err != nil {
			return fmt.Errorf("supersede screening run %d: %w", open, err)
		}
		r.Supersedes = open
		if err := db.audited(ctx, tx, "screening.supersede", "screening_run", open, string(r.Region),
			map[string]any{"programme": r.Programme, "period": r.Period, "superseded_by": r.ID},
			[]string{"superseded_by=" + strconv.FormatInt(int64(r.ID), 10)}); err != nil {
			return err
		}
	}
	ins := db.newInserter(tx, "screening_items", "run_id", "seq", "change", "household_id", "person_id", "region_code", "amount",
		"old_amount", "award_id", "reason", "accepted")
	for _, it := range r.Items {
		if err := ins.add(ctx, int64(r.ID), it.Seq, string(it.Change), int64(it.HouseholdID), int64(it.PersonID), string(it.RegionCode),
			int64(it.Amount), int64(it.OldAmount), int64(it.AwardID), it.Reason, db.boolv(it.Accepted)); err != nil {
			return err
		}
	}
	if err := ins.flush(ctx); err != nil {
		return err
	}
	return db.audited(ctx, tx, "screening.propose", "screening_run", r.ID, string(r.Region),
		map[string]any{"programme": r.Programme, "period": r.Period, "evaluated": r.Evaluated, "eligible": r.Eligible,
			"new": r.NewAwards, "changed": r.Changed, "stopped": r.Stopped, "amount": r.Amount, "job": r.JobID},
		[]string{"programme=" + r.Programme, "period=" + r.Period.String(), "new=" + strconv.Itoa(r.NewAwards),
			"changed=" + strconv.Itoa(r.Changed), "stopped=" + strconv.Itoa(r.Stopped)})
}

const screeningJobColumns = `id, period, region_code, status, phase, done, total, summary, attempts, error, created_by, created_at,
	updated_at, finished_at, lease_owner, lease_until, heartbeat_at`

func scanScreeningJob(row scanner) (*screening.Job, error) {
	j := &screening.Job{}
	var summary string
	var until, beat int64
	if err := row.Scan(&j.ID, &j.Period, &j.Region, &j.Status, &j.Phase, &j.Done, &j.Total, &summary, &j.Attempts, &j.Error, &j.CreatedBy,
		timeCol{&j.CreatedAt}, timeCol{&j.UpdatedAt}, timeCol{&j.FinishedAt}, &j.LeaseOwner, &until, &beat); err != nil {
		return nil, err
	}
	j.LeaseUntil, j.HeartbeatAt = fromMillis(until), fromMillis(beat)
	if summary != "" {
		j.Classification = &screening.JobClassification{}
		if err := json.Unmarshal([]byte(summary), j.Classification); err != nil {
			return nil, fmt.Errorf("screening job %d summary: %w", j.ID, err)
		}
	}
	return j, nil
}

// millis is t in unix milliseconds, 0 for the zero time: how the leases
// are stored, compared as numbers by both engines.
func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMillis is the time of ms unix milliseconds, zero for 0.
func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// StartScreeningJob implements screening.Store. Two starts at once on
// PostgreSQL meet at the index of running jobs: the second reads the
// first's job.
func (db *DB) StartScreeningJob(ctx context.Context, j *screening.Job) (bool, error) {
	for try := 0; ; try++ {
		resumed, err := db.startScreeningJob(ctx, j)
		if fault.CodeOf(err) == fault.Conflict && try == 0 {
			continue
		}
		return resumed, err
	}
}

func (db *DB) startScreeningJob(ctx context.Context, j *screening.Job) (bool, error) {
	resumed := false
	err := db.tx(ctx, func(tx *sql.Tx) error {
		cur, err := scanScreeningJob(tx.QueryRowContext(ctx, db.q(`SELECT `+screeningJobColumns+` FROM screening_jobs
			WHERE period = ? AND region_code = ? AND status = 'running'`), j.Period.String(), string(j.Region)))
		switch {
		case err == nil:
			*j, resumed = *cur, true
			return nil
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("running screening job: %w", err)
		}
		if err := tx.QueryRowContext(ctx, db.q(`INSERT INTO screening_jobs (period, region_code, status, phase, attempts, created_by,
			created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`), j.Period.String(), string(j.Region), string(j.Status), j.Phase,
			j.Attempts, j.CreatedBy, db.ts(j.CreatedAt), db.ts(j.UpdatedAt)).Scan(&j.ID); err != nil {
			return fmt.Errorf("insert screening job: %w", mapErr(err))
		}
		return db.audited(ctx, tx, "screening.start", "screening_job", j.ID, string(j.Region), map[string]any{"period": j.Period}, nil)
	})
	return resumed, err
}

// ClaimScreeningJob implements screening.Store: one UPDATE that matches
// only a running job whose lease is free, expired or gone's, so that of
// workers claiming at once one gets the row.
func (db *DB) ClaimScreeningJob(ctx context.Context, j *screening.Job, owner, gone string, now, until time.Time) (bool, error) {
	claimed := false
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var attempts int
		err := tx.QueryRowContext(ctx, db.q(`UPDATE screening_jobs SET lease_owner = ?, lease_until = ?, heartbeat_at = ?, attempts = attempts + 1,
			updated_at = ? WHERE id = ? AND status = 'running' AND (lease_owner = '' OR lease_until < ? OR lease_owner = ?) RETURNING attempts`),
			owner, millis(until), millis(now), db.ts(now), int64(j.ID), millis(now), gone).Scan(&attempts)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("claim screening job %d: %w", j.ID, err)
		}
		from := j.LeaseOwner
		claimed, j.Attempts, j.LeaseOwner, j.LeaseUntil, j.HeartbeatAt, j.UpdatedAt = true, attempts, owner, until, now, now
		return db.audited(ctx, tx, "screening.claim", "screening_job", j.ID, string(j.Region),
			map[string]any{"period": j.Period, "phase": j.Phase, "attempts": attempts, "owner": owner, "from": from}, nil)
	})
	return claimed, err
}

// ReleaseScreeningJob implements screening.Store.
func (db *DB) ReleaseScreeningJob(ctx context.Context, id screening.JobID, owner string) error {
	_, err := db.w.ExecContext(ctx, db.q(`UPDATE screening_jobs SET lease_owner = '', lease_until = 0 WHERE id = ? AND lease_owner = ?`), int64(id), owner)
	if err != nil {
		return fmt.Errorf("release screening job %d: %w", id, err)
	}
	return nil
}

// RunningScreeningJobs implements screening.Store.
func (db *DB) RunningScreeningJobs(ctx context.Context) ([]*screening.Job, error) {
	return queryAll(ctx, db, db.r, "running screening jobs", scanScreeningJob, `SELECT `+screeningJobColumns+` FROM screening_jobs WHERE status = 'running' ORDER BY id`)
}

// UpdateScreeningJob implements screening.Store.
func (db *DB) UpdateScreeningJob(ctx context.Context, j *screening.Job) error {
	return db.tx(ctx, func(tx *sql.Tx) error { return db.updateScreeningJob(ctx, tx, j) })
}

// updateScreeningJob stores j's progress as its lease holder: the lease is
// renewed (to j.LeaseUntil) while the job runs and let go when it ends;
// Conflict when another worker holds it now.
func (db *DB) updateScreeningJob(ctx context.Context, tx *sql.Tx, j *screening.Job) error {
	summary := ""
	if j.Classification != nil {
		b, err := json.Marshal(j.Classification)
		if err != nil {
			return err
		}
		summary = string(b)
	}
	var finished any
	if !j.FinishedAt.IsZero() {
		finished = db.ts(j.FinishedAt)
	}
	owner, until := j.LeaseOwner, millis(j.LeaseUntil)
	if j.Status != screening.JobRunning {
		owner, until = "", 0
	}
	res, err := tx.ExecContext(ctx, db.q(`UPDATE screening_jobs SET status = ?, phase = ?, done = ?, total = ?, summary = ?, error = ?,
		updated_at = ?, finished_at = ?, lease_owner = ?, lease_until = ?, heartbeat_at = ? WHERE id = ? AND lease_owner = ?`),
		string(j.Status), j.Phase, j.Done, j.Total, summary, j.Error, db.ts(j.UpdatedAt), finished, owner, until, millis(j.UpdatedAt),
		int64(j.ID), j.LeaseOwner)
	if err != nil {
		return fmt.Errorf("update screening job %d: %w", j.ID, mapErr(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fault.Wrap(fault.Conflict, screening.ErrLeaseLost, "screening job %d is no longer held by %s: another worker took it up", j.ID, j.LeaseOwner)
	}
	if j.Status != screening.JobRunning {
		return db.audited(ctx, tx, "screening."+string(j.Status), "screening_job", j.ID, string(j.Region),
			map[string]any{"period": j.Period, "phase": j.Phase, "error": j.Error}, nil)
	}
	return nil
}

// ScreeningJob implements screening.Store.
func (db *DB) ScreeningJob(ctx context.Context, id screening.JobID) (*screening.Job, error) {
	j, err := scanScreeningJob(db.r.QueryRowContext(ctx, db.q(`SELECT `+screeningJobColumns+` FROM screening_jobs WHERE id = ?`), int64(id)))
	if err != nil {
		return nil, notFound(err, "screening job", id)
	}
	if j.RunIDs, err = orEmpty(queryAll(ctx, db, db.r, fmt.Sprintf("runs of screening job %d", id), scanOne[screening.RunID],
		`SELECT id FROM screening_runs WHERE job_id = ? ORDER BY id`, int64(id))); err != nil {
		return nil, err
	}
	return j, nil
}

// awardedHouseholds returns the households with an active award of the
// programme: a household award (低保) or a member's (特困).
func (db *DB) awardedHouseholds(ctx context.Context, programme string) (map[int64]bool, error) {
	out, err := db.idSet(ctx, `SELECT household_id FROM assistance_awards WHERE programme = ? AND status = 'active' AND household_id <> 0`, programme)
	if err != nil {
		return nil, err
	}
	members, err := db.idSet(ctx, `SELECT hm.household_id FROM assistance_awards a JOIN household_members hm ON hm.person_id = a.person_id
		WHERE a.programme = ? AND a.status = 'active'`, programme)
	for id := range members {
		out[id] = true
	}
	return out, err
}

// UnservedHouseholds implements screening.Store: the few classified
// households are read with the sets of households served (their awards,
// the 特困 persons' households, the open cases), each one query.
func (db *DB) UnservedHouseholds(ctx context.Context, m period.Month, code region.Code) (map[assistance.Layer]int, error) {
	out := map[assistance.Layer]int{}
	for _, layer := range []assistance.Layer{assistance.LayerTekun, assistance.LayerDibao} {
		var w where
		w.add("period = ?", m.String())
		w.add("layer = ?", string(layer))
		w.region("region_code", code)
		classified, err := db.idSet(ctx, "SELECT household_id FROM classifications"+w.sql(), w.args...)
		if err != nil {
			return nil, fmt.Errorf("unserved households of %s: %w", m, err)
		}
		awarded, err := db.awardedHouseholds(ctx, string(layer))
		if err != nil {
			return nil, fmt.Errorf("unserved households of %s: %w", m, err)
		}
		open, err := db.idSet(ctx, `SELECT household_id FROM assistance_cases WHERE programme = ?
			AND status IN ('applied', 'investigated', 'notice', 'proposed', 'granted')`, string(layer))
		if err != nil {
			return nil, fmt.Errorf("unserved households of %s: %w", m, err)
		}
		for id := range classified {
			if awarded[id] || open[id] {
				delete(classified, id)
			}
		}
		if len(classified) > 0 {
			out[layer] = len(classified)
		}
	}
	return out, nil
}

// ScreeningRun implements screening.Store.
func (db *DB) ScreeningRun(ctx context.Context, id screening.RunID) (*screening.Run, error) {
	r := &screening.Run{}
	err := db.r.QueryRowContext(ctx, db.q(`SELECT id, programme, period, region_code, `+runStatus+`, evaluated, eligible, new_awards, changed, stopped,
		amount, policy_version, created_by, created_at, reviewed_by, reviewed_at, decided_by, decided_at, reason, job_id, superseded_by,
		COALESCE((SELECT MAX(o.id) FROM screening_runs o WHERE o.superseded_by = screening_runs.id), 0) FROM screening_runs WHERE id = ?`), int64(id)).Scan(
		&r.ID, &r.Programme, &r.Period, &r.Region, &r.Status, &r.Evaluated, &r.Eligible, &r.NewAwards, &r.Changed, &r.Stopped, &r.Amount,
		&r.PolicyVersion, &r.CreatedBy, timeCol{&r.CreatedAt}, &r.ReviewedBy, timeCol{&r.ReviewedAt}, &r.DecidedBy, timeCol{&r.DecidedAt}, &r.Reason,
		&r.JobID, &r.SupersededBy, &r.Supersedes)
	if err != nil {
		return nil, notFound(err, "screening run", id)
	}
	if err := eachRow(ctx, db, db.r, "screening items", func(rows *sql.Rows) error {
		var it screening.Item
		var accepted int64
		if err := rows.Scan(&it.Seq, &it.Change, &it.HouseholdID, &it.PersonID, &it.RegionCode, &it.Amount, &it.OldAmount, &it.AwardID, &it.Reason,
			&accepted, &it.Note, &it.ReviewedBy); err != nil {
			return fmt.Errorf("scan screening item: %w", err)
		}
		it.Accepted = accepted != 0
		r.Items = append(r.Items, it)
		return nil
	}, `SELECT seq, change, household_id, person_id, region_code, amount, old_amount, award_id, reason,
		`+bit("accepted")+`, note, reviewed_by FROM screening_items WHERE run_id = ? ORDER BY seq`, int64(id)); err != nil {
		return nil, err
	}
	return r, nil
}

// DecideScreeningRun implements screening.Store.
func (db *DB) DecideScreeningRun(ctx context.Context, r *screening.Run, create, update []*assistance.Award) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.q(`UPDATE screening_runs SET status = ?, decided_by = ?, decided_at = ?, reason = ?
			WHERE id = ? AND status IN ('proposed', 'reviewed') AND superseded_by = 0`), string(r.Status), r.DecidedBy, db.ts(r.DecidedAt), r.Reason, int64(r.ID))
		if err != nil {
			return fmt.Errorf("decide screening run %d: %w", r.ID, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return fault.Errorf(fault.Conflict, "screening run %d was decided or superseded already", r.ID)
		}
		for _, a := range create {
			if err := db.insertAssistAward(ctx, tx, a); err != nil {
				return err
			}
		}
		for _, a := range update {
			if err := db.updateAssistAward(ctx, tx, a); err != nil {
				return err
			}
		}
		return db.audited(ctx, tx, "screening."+string(r.Status), "screening_run", r.ID, string(r.Region),
			map[string]any{"status": r.Status, "created": len(create), "updated": len(update), "reason": r.Reason},
			[]string{"status=" + string(r.Status), "created=" + strconv.Itoa(len(create)), "updated=" + strconv.Itoa(len(update))})
	})
}

// ReviewScreeningItems implements screening.Store: the run's row is
// written first, so that reviews of one run at once (two counties) wait
// for each other and the last one sees every item reviewed.
func (db *DB) ReviewScreeningItems(ctx context.Context, r *screening.Run, items []screening.Item, by int64, at time.Time) (screening.RunStatus, error) {
	status := screening.RunProposed
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.q(`UPDATE screening_runs SET status = status WHERE id = ? AND status = 'proposed' AND superseded_by = 0`), int64(r.ID))
		if err != nil {
			return fmt.Errorf("review screening run %d: %w", r.ID, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return fault.Errorf(fault.Conflict, "screening run %d is no longer proposed (reviewed, decided or superseded)", r.ID)
		}
		left := 0
		stmt, err := tx.PrepareContext(ctx, db.q("UPDATE screening_items SET accepted = ?, note = ?, reviewed_by = ? WHERE run_id = ? AND seq = ? AND reviewed_by = 0"))
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, it := range items {
			if !it.Accepted {
				left++
			}
			res, err := stmt.ExecContext(ctx, db.boolv(it.Accepted), it.Note, by, int64(r.ID), it.Seq)
			if err != nil {
				return fmt.Errorf("review item %d of screening run %d: %w", it.Seq, r.ID, err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n != 1 {
				return fault.Errorf(fault.Conflict, "item %d of screening run %d was reviewed already", it.Seq, r.ID)
			}
		}
		var pending int
		if err := tx.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM screening_items WHERE run_id = ? AND reviewed_by = 0`), int64(r.ID)).Scan(&pending); err != nil {
			return fmt.Errorf("items of screening run %d to review: %w", r.ID, err)
		}
		if pending == 0 {
			status = screening.RunReviewed
			if _, err := tx.ExecContext(ctx, db.q(`UPDATE screening_runs SET status = 'reviewed', reviewed_by = ?, reviewed_at = ? WHERE id = ?`),
				by, db.ts(at), int64(r.ID)); err != nil {
				return fmt.Errorf("review screening run %d: %w", r.ID, err)
			}
		}
		return db.audited(ctx, tx, "screening.review", "screening_run", r.ID, string(r.Region),
			map[string]any{"items": len(items), "left_out": left, "pending": pending, "status": status},
			[]string{"items=" + strconv.Itoa(len(items)), "left_out=" + strconv.Itoa(left), "pending=" + strconv.Itoa(pending)})
	})
	return status, err
}

// ---- reports

// beneficiary counts persons for person awards and households (negated,
// so the two never meet) for household awards.
const beneficiary = "CASE WHEN person_id <> 0 THEN person_id ELSE -household_id END"

// ReportRows implements assistance.Store.
func (db *DB) ReportRows(ctx context.Context, from, to period.Month, code region.Code) ([]assistance.ReportRow, error) {
	var w where
	w.add("period >= ? AND period <= ?", from.String(), to.String())
	w.region("region_code", code)
	return orEmpty(queryAll(ctx, db, db.r, "assistance report", func(rows scanner) (assistance.ReportRow, error) {
		var r assistance.ReportRow
		err := rows.Scan(&r.Period, &r.Programme, &r.County, &r.Layer, &r.Beneficiaries, &r.Lines, &r.Amount)
		return r, err
	}, `SELECT period, programme, SUBSTR(region_code, 1, 6), layer, COUNT(DISTINCT `+beneficiary+`),
		COUNT(*), SUM(amount) FROM assistance_lines`+w.sql()+` GROUP BY period, programme, SUBSTR(region_code, 1, 6), layer`, w.args...))
}

// ReportTotals implements assistance.Store.
func (db *DB) ReportTotals(ctx context.Context, from, to period.Month, code region.Code, groups map[string][]string) ([]assistance.ReportRow, error) {
	var w where
	w.add("period >= ? AND period <= ?", from.String(), to.String())
	w.region("region_code", code)
	// Each programme, then each group, with the distinct beneficiaries of
	// the range and of its last month.
	sum := `COUNT(DISTINCT ` + beneficiary + `), COUNT(DISTINCT CASE WHEN period = ? THEN ` + beneficiary + ` END), COUNT(*), COALESCE(SUM(amount), 0)`
	args := append([]any{to.String()}, w.args...)
	out := []assistance.ReportRow{}
	scan := func(query string, args []any, name string) error {
		if err := eachRow(ctx, db, db.r, "assistance report totals", func(rows *sql.Rows) error {
			r := assistance.ReportRow{Programme: name}
			dest := []any{&r.Beneficiaries, &r.LastMonth, &r.Lines, &r.Amount}
			if name == "" {
				dest = append([]any{&r.Programme}, dest...)
			}
			if err := rows.Scan(dest...); err != nil {
				return fmt.Errorf("scan report total: %w", err)
			}
			out = append(out, r)
			return nil
		}, query, args...); err != nil {
			return err
		}
		return nil
	}
	if err := scan(`SELECT programme, `+sum+` FROM assistance_lines`+w.sql()+` GROUP BY programme`, args, ""); err != nil {
		return nil, err
	}
	for name, progs := range groups {
		q := `SELECT ` + sum + ` FROM assistance_lines` + w.sql() + ` AND programme IN (?` + strings.Repeat(", ?", len(progs)-1) + `)`
		if err := scan(q, append(append([]any{}, args...), toAny(progs)...), name); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
