package sqlstore_test

import (
	"context"
	"testing"

	"safetynet/internal/app"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// testBundle is what each subtest works with.
type testBundle struct {
	db  *sqlstore.DB
	app *app.App // every service, on the fixture's clock
	svc *registry.Service
	ctx context.Context // acting as the prefecture administrator
}

func setup(t *testing.T, open func(testing.TB) *sqlstore.DB) testBundle {
	t.Helper()
	r := sqlstoretest.NewRegistry(t, open)
	return testBundle{db: r.DB, app: r.App, svc: r.Svc, ctx: r.Ctx}
}
