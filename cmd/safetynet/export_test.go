package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"safetynet/internal/assistance"
	"safetynet/internal/sqlstore/sqlstoretest"
	"safetynet/policies"
)

// catalogueTable is the embedded catalogue as the export must write it.
func catalogueTable(t *testing.T) [][]string {
	t.Helper()
	cat, err := assistance.LoadCatalogue(policies.FS, "changji/catalogue.yaml")
	if err != nil {
		t.Fatal(err)
	}
	header, rows := assistance.CatalogueTable(cat.Items(assistance.CatalogueFilter{}))
	return append([][]string{header}, rows...)
}

// readXLSXFile reads the only sheet of the workbook at path.
func readXLSXFile(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer f.Close()
	if sheets := f.GetSheetList(); len(sheets) != 1 || sheets[0] != "联助清单" {
		t.Fatalf("sheets of %s = %v, want one, 联助清单", path, sheets)
	}
	rows, err := f.GetRows("联助清单")
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// readCSVFile reads a CSV file that must start with a UTF-8 byte-order
// mark.
func readCSVFile(t *testing.T, path string) [][]string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	body, ok := bytes.CutPrefix(raw, []byte("\ufeff"))
	if !ok {
		t.Fatalf("%s does not start with a UTF-8 byte-order mark", path)
	}
	recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return recs
}

func TestExportCatalogue(t *testing.T) {
	want := catalogueTable(t)
	tests := []struct {
		name string
		args []string // "DIR" is replaced by a fresh folder
		file string   // the file written, under DIR
		read func(*testing.T, string) [][]string
	}{
		{"xlsx to a named file", []string{"--out", "DIR/清单.xlsx"}, "清单.xlsx", readXLSXFile},
		{"csv by --format", []string{"--format", "csv", "--out", "DIR/list.txt"}, "list.txt", readCSVFile},
		{"csv by the file's extension", []string{"--out", "DIR/list.CSV"}, "list.CSV", readCSVFile},
		{"xlsx by --format whatever the extension", []string{"--format", "xlsx", "--out", "DIR/list.csv"}, "list.csv", readXLSXFile},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			args := []string{"export", "catalogue"}
			for _, a := range tt.args {
				args = append(args, strings.ReplaceAll(a, "DIR", dir))
			}
			out, errOut, err := runCLI(t, args...)
			if err != nil {
				t.Fatalf("%v: %v\n%s", args, err, errOut)
			}
			path := filepath.Join(dir, tt.file)
			if wantOut := fmt.Sprintf("wrote %d assistance items to %s\n", len(want)-1, path); out != wantOut {
				t.Errorf("stdout = %q, want %q", out, wantOut)
			}
			if diff := cmp.Diff(want, tt.read(t, path)); diff != "" {
				t.Errorf("%s read back (-want +got):\n%s", path, diff)
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 1 {
				t.Errorf("the folder holds %d files, want only %s (no temporary file left)", len(entries), tt.file)
			}
		})
	}
}

// TestExportCatalogueDefaultName runs in a fresh working folder, so it
// cannot run in parallel.
func TestExportCatalogueDefaultName(t *testing.T) {
	tests := []struct {
		name string
		args []string
		file string
		read func(*testing.T, string) [][]string
	}{
		{"xlsx", nil, "lianzhu-qingdan.xlsx", readXLSXFile},
		{"csv", []string{"--format", "csv"}, "lianzhu-qingdan.csv", readCSVFile},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			if _, errOut, err := runCLI(t, append([]string{"export", "catalogue"}, tt.args...)...); err != nil {
				t.Fatalf("export catalogue %v: %v\n%s", tt.args, err, errOut)
			}
			if diff := cmp.Diff(catalogueTable(t), tt.read(t, tt.file)); diff != "" {
				t.Errorf("%s read back (-want +got):\n%s", tt.file, diff)
			}
		})
	}
}

func TestExportCatalogueToStdout(t *testing.T) {
	out, errOut, err := runCLI(t, "export", "catalogue", "--format", "csv", "--out", "-")
	if err != nil {
		t.Fatalf("export catalogue to stdout: %v\n%s", err, errOut)
	}
	path := filepath.Join(t.TempDir(), "stdout.csv")
	if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(catalogueTable(t), readCSVFile(t, path)); diff != "" {
		t.Errorf("stdout read back (-want +got):\n%s", diff)
	}
}

func TestExportUsage(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"no subcommand", []string{"export"}, "Usage: safetynet export WHAT"},
		{"unknown subcommand", []string{"export", "persons"}, `unknown command "persons"`},
		{"unknown format", []string{"export", "catalogue", "--format", "ods"}, `--format "ods": want xlsx or csv`},
		{"an argument", []string{"export", "catalogue", filepath.Join(dir, "x.xlsx")}, `unexpected argument "` + filepath.Join(dir, "x.xlsx") + `"`},
		{"a folder that does not exist", []string{"export", "catalogue", "--out", filepath.Join(dir, "no", "x.xlsx")}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, err := runCLI(t, tt.args...)
			if err == nil {
				t.Fatalf("%v: no error", tt.args)
			}
			if tt.wantErr == "" {
				if !strings.Contains(err.Error(), "export catalogue") {
					t.Errorf("%v: error %q, want it to name the operation", tt.args, err)
				}
				return
			}
			if exitStatus(err) != 2 || !strings.Contains(errOut+err.Error(), tt.wantErr) {
				t.Errorf("%v: error %v, stderr %q; want exit status 2 and %q", tt.args, err, errOut, tt.wantErr)
			}
		})
	}
	if entries, err := os.ReadDir(dir); err != nil || len(entries) != 0 {
		t.Errorf("a failed export wrote %d files (%v)", len(entries), err)
	}
}

// TestServeLoadsCatalogue builds the server as serve and demo do and reads
// the catalogue from it, signed out.
func TestServeLoadsCatalogue(t *testing.T) {
	db := sqlstoretest.Open(t)
	h, _, err := newHandler(defaultEnv(), testApp(t, db), slog.New(slog.DiscardHandler), serverConfig{})
	if err != nil {
		t.Fatalf("newHandler: %v", err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/api/v1/assistance-items?layer=dibao_edge")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v1/assistance-items = %d, want 200", resp.StatusCode)
	}
}

func TestLoadCatalogueErrors(t *testing.T) {
	pk, err := loadPolicies(defaultEnv(), "")
	if err != nil {
		t.Fatal(err)
	}
	good, err := fs.ReadFile(policies.FS, "changji/catalogue.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		old, new string
		want     string // after the folder
	}{
		{"an unknown category", "category: special_housing", "category: housing", `changji/catalogue.yaml:%d: public_rental_housing: category: unknown category "housing"`},
		{"an unknown programme", "programme: heating_assistance", "programme: heating", `changji/catalogue.yaml:%d: heating_assistance: programme: unknown programme "heating"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			i := bytes.Index(good, []byte(tt.old))
			if i < 0 {
				t.Fatalf("the catalogue has no %q", tt.old)
			}
			line := bytes.Count(good[:i], []byte("\n")) + 1
			bad := bytes.Replace(good, []byte(tt.old), []byte(tt.new), 1)
			if err := os.MkdirAll(filepath.Join(dir, "changji"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "changji/catalogue.yaml"), bad, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := loadCatalogue(defaultEnv(), dir, pk)
			want := filepath.Join(dir, fmt.Sprintf(tt.want, line))
			if err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Errorf("loadCatalogue = %v, want %s…", err, want)
			}
		})
	}
	if _, err := loadCatalogue(defaultEnv(), t.TempDir(), pk); err == nil || !strings.Contains(err.Error(), "load the catalogue of assistance items from") {
		t.Errorf("loadCatalogue of a folder without one = %v, want an error naming the operation", err)
	}
}
