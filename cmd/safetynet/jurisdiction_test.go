package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"safetynet/internal/ids"
	"safetynet/internal/period"
)

// TestSecondJurisdictionBinary builds the binary and runs it for another
// prefecture, Shaoguan in Guangdong (testdata/shaoguan: a region file of
// three districts and its own policy layer over the built-in national
// one), with no code change: the database gets Shaoguan's tree, users and
// reports default to it, a person registers there and not in Changji, and
// the home region decides what is a transfer out of the jurisdiction.
func TestSecondJurisdictionBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "safetynet")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	build := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	site := []string{"--region-file", abs("testdata/shaoguan/regions.csv"), "--home-region", "440200",
		"--time-zone", "Asia/Shanghai", "--policies", abs("testdata/shaoguan/policies")}
	db := filepath.Join(dir, "shaoguan.db")
	// sn runs the binary for Shaoguan with stdin and returns its output
	// and whether it succeeded.
	sn := func(stdin string, args ...string) (stdout, stderr string, ok bool) {
		t.Helper()
		cmd := exec.Command(bin, append(append([]string{}, site...), args...)...)
		cmd.Env = append(os.Environ(), "SAFETYNET_LOG=json")
		cmd.Stdin = strings.NewReader(stdin)
		var o, e bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &e
		err := cmd.Run()
		return o.String(), e.String(), err == nil
	}
	must := func(stdin string, args ...string) string {
		t.Helper()
		out, errOut, ok := sn(stdin, args...)
		if !ok {
			t.Fatalf("safetynet %s: failed\n%s%s", strings.Join(args, " "), out, errOut)
		}
		return out
	}

	must("", "migrate", "--db", db)
	// The users' scope defaults to the home region.
	must("admin-password-1\n", "user", "add", "--db", db, "--username", "admin", "--role", "admin", "--temporary=false")
	must("caseworker-pw-1\n", "user", "add", "--db", db, "--username", "cw.wujiang", "--role", "caseworker", "--scope", "440203", "--temporary=false")
	if out := must("", "user", "list", "--db", db); !regexp.MustCompile(`admin\s.*440200`).MatchString(out) {
		t.Errorf("user list: the admin's scope is not the home region 440200:\n%s", out)
	}

	// The server, on Shaoguan's tree.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := exec.CommandContext(ctx, bin, append(append([]string{}, site...), "serve", "--db", db, "--addr", "127.0.0.1:0")...)
	srv.Env = os.Environ()
	stdout, err := srv.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var srvErr bytes.Buffer
	srv.Stderr = &srvErr
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		srv.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { srv.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			srv.Process.Kill()
			<-done
		}
	}()
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := serveRE.FindStringSubmatch(sc.Text()); m != nil {
				urlc <- "http://" + m[1]
			}
		}
		close(urlc)
	}()
	var base string
	select {
	case u, ok := <-urlc:
		if !ok {
			t.Fatalf("serve ended before serving:\n%s", srvErr.String())
		}
		base = u
	case <-time.After(60 * time.Second):
		t.Fatalf("serve did not start:\n%s", srvErr.String())
	}

	call := func(method, path, token string, body any) (int, map[string]any) {
		t.Helper()
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, err := http.NewRequest(method, base+path, rd)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var v map[string]any
		json.NewDecoder(resp.Body).Decode(&v)
		return resp.StatusCode, v
	}
	st, login := call("POST", "/api/v1/login", "", map[string]string{"username": "admin", "password": "admin-password-1"})
	if st != http.StatusOK {
		t.Fatalf("login: %d %v", st, login)
	}
	token, _ := login["token"].(string)

	if st, n := call("GET", "/api/v1/regions/440200", token, nil); st != http.StatusOK || n["name_zh"] != "韶关市" {
		t.Errorf("GET /api/v1/regions/440200 = %d %v, want 韶关市", st, n)
	}
	if st, _ := call("GET", "/api/v1/regions/652300", token, nil); st != http.StatusNotFound {
		t.Errorf("GET /api/v1/regions/652300 (Changji) = %d, want 404: not in this jurisdiction", st)
	}
	id, err := ids.MakeResidentID("440203", period.MustDate(1980, time.May, 17), 7)
	if err != nil {
		t.Fatal(err)
	}
	person := map[string]any{"id_number": id, "name": "李娜", "ethnicity": "han", "hukou_type": "urban",
		"region_code": "440203001001", "phone": "13812345678"}
	st, p := call("POST", "/api/v1/persons", token, person)
	if st != http.StatusCreated {
		t.Fatalf("POST /api/v1/persons in 440203001001: %d %v", st, p)
	}
	pid := strconv.FormatInt(int64(p["id"].(float64)), 10)
	other, _ := ids.MakeResidentID("652301", period.MustDate(1980, time.May, 17), 8)
	person["id_number"], person["region_code"] = other, "652301001001"
	if st, _ := call("POST", "/api/v1/persons", token, person); st != http.StatusUnprocessableEntity {
		t.Errorf("POST /api/v1/persons in Changji 652301001001 = %d, want 422: not a region of this jurisdiction", st)
	}

	// A move to another district of Shaoguan is no transfer; a move to
	// Changji is one (refused here only because there is no balance).
	_, errOut, ok := sn("", "accounts", "transfer-out", "--db", db, "--person", pid, "--to", "440204", "--on", "2026-01-05")
	if ok || !strings.Contains(errOut, "440204 is inside 韶关市") {
		t.Errorf("transfer-out to 440204 (in Shaoguan): ok=%v, want refused as inside 韶关市:\n%s", ok, errOut)
	}
	_, errOut, ok = sn("", "accounts", "transfer-out", "--db", db, "--person", pid, "--to", "652301", "--on", "2026-01-05")
	if ok || strings.Contains(errOut, "is inside") || !strings.Contains(errOut, "no balance") {
		t.Errorf("transfer-out to 652301 (Changji): ok=%v, want refused for no balance only:\n%s", ok, errOut)
	}
}

// TestSiteOptionsRefused: a home region not in the tree, a zone that is
// not an IANA name and a region file without a home region stop the
// command with an error that names the option.
func TestSiteOptionsRefused(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--home-region", "440200", "version"}, `home region "440200" is not in the region tree`},
		{[]string{"--home-region", "6523", "version"}, "home region:"},
		{[]string{"--time-zone", "China/Changji", "version"}, `time zone "China/Changji": not an IANA time zone name`},
		{[]string{"--region-file", "testdata/shaoguan/regions.csv", "version"}, "home region: required with a region file"},
		{[]string{"--region-file", "testdata/shaoguan/regions.csv", "--home-region", "652300", "version"}, `home region "652300" is not in the region tree`},
		{[]string{"--policies", "testdata/no-such-folder", "version"}, "--policies testdata/no-such-folder: not a folder"},
		{[]string{"--no-such-option", "version"}, "flag provided but not defined"},
	} {
		var out, errOut bytes.Buffer
		err := run(context.Background(), append([]string{"safetynet"}, tc.args...), func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("safetynet %s = %v, want an error with %q", strings.Join(tc.args, " "), err, tc.want)
		}
	}
	// The environment gives the same options; the command line wins.
	env := map[string]string{"SAFETYNET_HOME_REGION": "440200"}
	if err := run(context.Background(), []string{"safetynet", "version"}, func(k string) string { return env[k] }, strings.NewReader(""), io.Discard, io.Discard); err == nil {
		t.Error("SAFETYNET_HOME_REGION=440200 with the Changji tree: no error")
	}
	if err := run(context.Background(), []string{"safetynet", "--home-region", "652301", "version"}, func(k string) string { return env[k] }, strings.NewReader(""), io.Discard, io.Discard); err != nil {
		t.Errorf("--home-region 652301 over SAFETYNET_HOME_REGION=440200: %v", err)
	}
}
