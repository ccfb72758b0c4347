package auth

import (
	"context"
	"testing"

	"safetynet/internal/fault"
	"safetynet/internal/region"
)

func TestRolePermissions(t *testing.T) {
	tests := []struct {
		role Role
		perm Permission
		want bool
	}{
		{RoleAdmin, PermPII, true},
		{RoleCaseworker, PermRegistryWrite, true},
		{RoleCaseworker, PermPII, false},
		{RoleCaseworker, PermApprove, false},
		{RoleApprover, PermApprove, true},
		{RoleApprover, PermRegistryWrite, false},
		{RoleAuditor, PermAuditRead, true},
		{RoleAuditor, PermRegistryWrite, false},
		{RoleAnalyst, PermPII, false},
		{Role("boss"), PermRegistryRead, false},
	}
	for _, tt := range tests {
		if got := tt.role.Has(tt.perm); got != tt.want {
			t.Errorf("%s.Has(%s) = %v, want %v", tt.role, tt.perm, got, tt.want)
		}
	}
}

func TestScope(t *testing.T) {
	county := Principal{Username: "cw", Role: RoleCaseworker, Scope: "652301"}
	tests := []struct {
		filter region.Code
		want   region.Code
		code   fault.Code
	}{
		{"", "652301", ""},
		{"652301", "652301", ""},
		{"652301001", "652301001", ""},
		{"652302", "", fault.Forbidden},
		{"652300", "", fault.Forbidden},
	}
	for _, tt := range tests {
		got, err := ScopeFilter(county, tt.filter)
		if got != tt.want || fault.CodeOf(err) != tt.code {
			t.Errorf("ScopeFilter(652301, %q) = %q, %v; want %q, %q", tt.filter, got, err, tt.want, tt.code)
		}
	}
	ctx := WithPrincipal(context.Background(), county)
	if _, err := RequireIn(ctx, PermRegistryWrite, "652302001001"); fault.CodeOf(err) != fault.Forbidden {
		t.Errorf("RequireIn(other county) = %v, want forbidden", err)
	}
	if _, err := RequireIn(ctx, PermRegistryWrite, "652301001001"); err != nil {
		t.Errorf("RequireIn(own village) = %v", err)
	}
	if _, err := Require(context.Background(), PermRegistryRead); fault.CodeOf(err) != fault.Unauthenticated {
		t.Errorf("Require(no principal) = %v, want unauthenticated", err)
	}
}

func TestRequireSelfOr(t *testing.T) {
	citizen := WithPrincipal(context.Background(), Principal{Username: "zhang", Role: RoleCitizen, Scope: "652301", PersonID: 7})
	staff := WithPrincipal(context.Background(), Principal{Username: "cw", Role: RoleCaseworker, Scope: "652301"})
	tests := []struct {
		name   string
		ctx    context.Context
		person int64
		code   region.Code
		want   fault.Code
	}{
		{"citizen reads own record", citizen, 7, "652302001001", ""},
		{"citizen reads another's record", citizen, 8, "652301001001", fault.Forbidden},
		{"staff in scope", staff, 8, "652301001001", ""},
		{"staff out of scope", staff, 8, "652302001001", fault.Forbidden},
		{"nobody signed in", context.Background(), 7, "652301", fault.Unauthenticated},
	}
	for _, tt := range tests {
		if _, err := RequireSelfOr(tt.ctx, PermRegistryRead, tt.person, tt.code); fault.CodeOf(err) != tt.want {
			t.Errorf("%s: RequireSelfOr = %v, want %q", tt.name, err, tt.want)
		}
	}
	if RoleCitizen.Has(PermRegistryRead) {
		t.Error("a citizen may read the registry")
	}
}

func TestValidateUsername(t *testing.T) {
	for in, ok := range map[string]bool{"cw.changji": true, "a_b-c9": true, "ab": false, "Admin": false, "张三": false, "x y z": false} {
		if got := ValidateUsername(in) == ""; got != ok {
			t.Errorf("ValidateUsername(%q) ok = %v, want %v", in, got, ok)
		}
	}
}

// TestPrincipalSystem tells a system process, which registers accounts as
// confirmed, from a signed-in user, whose account changes wait for a
// second user.
func TestPrincipalSystem(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    Principal
		want bool
	}{
		{"operator command", SystemPrincipal("gen", "652300"), true},
		{"seeding maker", Principal{UserID: -1, Username: "system:assistance-caseworker", Role: RoleAdmin}, true},
		{"signed-in admin", Principal{UserID: 1, Username: "admin", Role: RoleAdmin}, false},
		{"user named like the system", Principal{UserID: 7, Username: "system:gen", Role: RoleCaseworker}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.p.System(); got != tc.want {
				t.Errorf("%+v.System() = %v, want %v", tc.p, got, tc.want)
			}
		})
	}
}
