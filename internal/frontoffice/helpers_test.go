package frontoffice_test

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"testing"

	"safetynet/internal/auth"
	"safetynet/internal/frontoffice"
	"safetynet/internal/frontoffice/execute"
	"safetynet/internal/insurance"
	"safetynet/internal/matters"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

func registryID(id int64) registry.PersonID { return registry.PersonID(id) }

func executeRequest(a *frontoffice.Application, m matters.Matter) execute.Request {
	return execute.Request{ApplicationNo: a.No, Matter: m, Person: a.PersonID, Organisation: a.OrganisationID, Form: a.Form}
}

func (o *office) mustOffice(t *testing.T) *matters.Office {
	t.Helper()
	off, err := o.fo.Office()
	if err != nil {
		t.Fatal(err)
	}
	return off
}

// user creates a user with one post and returns it acting there.
func (o *office) user(t *testing.T, name string, role auth.Role, scope region.Code) context.Context {
	t.Helper()
	u, err := o.a.Auth.CreateUser(o.pb.Ctx, auth.NewUser{Username: name, DisplayName: name, Password: "a-long-password-1", Role: role, Scope: scope})
	if err != nil {
		t.Fatal(err)
	}
	p, err := o.a.Auth.ActAs(context.Background(), u.ID, u.LivePosts()[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return auth.WithPrincipal(context.Background(), p)
}

// enrolments are the person's enrolments.
func (o *office) enrolments(t *testing.T, p registry.PersonID) []*insurance.Enrolment {
	t.Helper()
	es, err := o.a.Insurance.Enrolments(o.pb.Ctx, insurance.EnrolmentFilter{PersonID: p})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// notices are the messages queued for application no, in order.
func (o *office) notices(t *testing.T, no string) []string {
	t.Helper()
	var out []string
	for i := 0; ; i++ {
		var m string
		err := o.pb.DB.QueryRowRaw(context.Background(), "SELECT message FROM notices WHERE ref LIKE ? ORDER BY id LIMIT 1 OFFSET "+strconv.Itoa(i),
			"application/"+no+"/%").Scan(&m)
		if errors.Is(err, sql.ErrNoRows) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
}
