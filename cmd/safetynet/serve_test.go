package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

var serveRE = regexp.MustCompile(`serving http://([0-9.:]+)`)

// TestServeTimeouts runs `safetynet serve` with short timeouts: a client
// that stalls in its body and an idle keep-alive connection are both cut
// off.
func TestServeTimeouts(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	db := migratedDB(t, "serve.db")
	go func() {
		done <- run(ctx, []string{"safetynet", "serve", "--addr", "127.0.0.1:0", "--db", db, "--read-timeout", "300ms", "--idle-timeout", "300ms"},
			func(string) string { return "" }, strings.NewReader(""), out, &syncBuffer{})
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	var addr string
	for deadline := time.Now().Add(60 * time.Second); addr == ""; {
		if m := serveRE.FindStringSubmatch(out.String()); m != nil {
			addr = m[1]
			break
		}
		select {
		case err := <-done:
			done <- err
			t.Fatalf("serve ended before serving: %v\n%s", err, out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	closedAfter := func(t *testing.T, conn net.Conn) string {
		t.Helper()
		conn.SetReadDeadline(time.Now().Add(20 * time.Second))
		got, err := io.ReadAll(conn)
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Fatalf("serve kept the connection open; read %q", got)
		}
		return string(got)
	}
	t.Run("stalled body", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
		if got := closedAfter(t, conn); !strings.HasPrefix(got, "HTTP/1.1 408") {
			t.Errorf("answer to a stalled body %q, want 408", got)
		}
	})
	t.Run("idle connection", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /healthz: %d", resp.StatusCode)
		}
		if rest := closedAfter(t, conn); rest != "" {
			t.Errorf("idle connection got %q, want it closed", rest)
		}
	})
}

// TestServeFlags: a malformed trusted proxy, base URL or timeout stops
// serve with an error before it serves anything.
func TestServeFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--trusted-proxy", "not-an-address"},
		{"--base-url", "safetynet.example.org"},
		{"--read-timeout", "0s"},
		{"--id-searches-per-hour", "0"},
	} {
		db := migratedDB(t, "serve.db")
		err := run(context.Background(), append([]string{"safetynet", "serve", "--addr", "127.0.0.1:0", "--db", db}, args...),
			func(string) string { return "" }, strings.NewReader(""), &syncBuffer{}, &syncBuffer{})
		if err == nil {
			t.Errorf("serve %v: no error", args)
		}
	}
}
