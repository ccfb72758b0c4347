package httpapi_test

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	// The generated client's runtime: required here so that go.mod keeps
	// the version the client in TestOpenAPIClientCompiles builds with.
	_ "github.com/oapi-codegen/runtime"
)

// TestOpenAPIClientCompiles generates a Go client from the OpenAPI 3.0
// rendering with oapi-codegen (a tool of go.mod) and builds it.
func TestOpenAPIClientCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the Go tool chain")
	}
	t.Parallel()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	b := setup(t)
	r := b.do(t, "GET", "/api/v1/openapi-3.0.json", "", nil).want(t, http.StatusOK)
	for _, e := range lintErrors(r.body) {
		t.Errorf("openapi-3.0.json: %s", e)
	}

	// Inside this module, so that the build uses its go.mod and go.sum.
	dir, err := os.MkdirTemp(".", "generated-client-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	spec := filepath.Join(dir, "openapi.json")
	if err := os.WriteFile(spec, r.body, 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command(gobin, args...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %v: %v\n%s", args, err, out)
		}
	}
	run("tool", "oapi-codegen", "-generate", "types,client", "-package", "client",
		"-o", filepath.Join(dir, "client.go"), spec)
	run("build", "./"+filepath.ToSlash(dir))
}
