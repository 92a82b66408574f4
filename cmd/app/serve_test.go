package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestServeConfigErrorsAreOneLine(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"nothing set", nil, nil, "app serve: GITHUB_APP_ID is required (the App's numeric id, on its settings page)\n"},
		{"flag overrides env", map[string]string{"GITHUB_APP_ID": "1"}, []string{"-app-id", "x1"}, "app serve: GITHUB_APP_ID must be a positive integer, got \"x1\"\n"},
		{"no key", map[string]string{"GITHUB_APP_ID": "1"}, nil, "app serve: GITHUB_PRIVATE_KEY or GITHUB_PRIVATE_KEY_PATH is required (the App's private key, PEM)\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stderr bytes.Buffer
			code := runServe(context.Background(), c.args, envOf(c.env), &stderr)
			if code != exitUsage || stderr.String() != c.want {
				t.Fatalf("exit %d, stderr %q; want %d, %q", code, stderr.String(), exitUsage, c.want)
			}
		})
	}
}

func testPEM(t *testing.T) string {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}))
}

// TestServeStartsAndStops runs the real wiring (ghclient, queue on SQLite,
// routes) and stops it as SIGTERM would.
func TestServeStartsAndStops(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close()
	env := map[string]string{
		"GITHUB_APP_ID":         "1",
		"GITHUB_PRIVATE_KEY":    testPEM(t),
		"GITHUB_WEBHOOK_SECRET": "s",
		"PRODREADY_DB_PATH":     filepath.Join(t.TempDir(), "p.db"),
		"PORT":                  strconv.Itoa(port),
	}
	ctx, cancel := context.WithCancel(context.Background())
	var logs bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- runServe(ctx, []string{"-shutdown-timeout", "5s"}, envOf(env), &logs) }()

	url := "http://127.0.0.1:" + strconv.Itoa(port) + "/healthz"
	ok := false
	for range 200 {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			ok = resp.StatusCode == 200
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Fatalf("exit %d; logs:\n%s", code, logs.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
	if !ok {
		t.Fatalf("/healthz never answered 200; logs:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), "PRIVATE KEY") || strings.Contains(logs.String(), `"s"`) {
		t.Fatalf("logs leak the key or secret:\n%s", logs.String())
	}
}

func TestManifest(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := runManifest([]string{"-url", "https://review.example.com/"}, &out, &errOut); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var m struct {
		Name           string
		URL            string
		HookAttributes struct{ URL string } `json:"hook_attributes"`
		RedirectURL    string               `json:"redirect_url"`
		DefaultEvents  []string             `json:"default_events"`
		DefaultPerms   map[string]string    `json:"default_permissions"`
		Public         *bool
	}
	if err := json.Unmarshal(out.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	if m.Name != "prodready" || m.URL != "https://review.example.com/" || m.HookAttributes.URL != "https://review.example.com/webhook" ||
		m.RedirectURL != "https://review.example.com/" || m.Public == nil || *m.Public ||
		strings.Join(m.DefaultEvents, ",") != "pull_request,check_suite,check_run" ||
		len(m.DefaultPerms) != 4 || m.DefaultPerms["checks"] != "write" || m.DefaultPerms["pull_requests"] != "read" ||
		m.DefaultPerms["contents"] != "read" || m.DefaultPerms["metadata"] != "read" {
		t.Fatalf("manifest %s", out.String())
	}
	errOut.Reset()
	if code := runManifest(nil, &out, &errOut); code != exitUsage || errOut.String() != "app manifest: -url is required\n" {
		t.Fatalf("without -url: %d %q", code, errOut.String())
	}
}

func TestMigrate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	env := envOf(map[string]string{"PRODREADY_DB_PATH": path})
	var out, errOut bytes.Buffer
	if code := runMigrate(context.Background(), nil, env, &out, &errOut); code != exitOK || !strings.Contains(out.String(), "applied River migrations") {
		t.Fatalf("first run: %d %q %q", code, out.String(), errOut.String())
	}
	out.Reset()
	if code := runMigrate(context.Background(), nil, env, &out, &errOut); code != exitOK || !strings.Contains(out.String(), "already up to date") {
		t.Fatalf("second run: %d %q %q", code, out.String(), errOut.String())
	}
	errOut.Reset()
	bad := envOf(map[string]string{"DATABASE_URL": "mysql://u:secretpw@h/db"})
	if code := runMigrate(context.Background(), nil, bad, &out, &errOut); code != exitUsage || strings.Contains(errOut.String(), "secretpw") {
		t.Fatalf("bad URL: %d %q", code, errOut.String())
	}
}
