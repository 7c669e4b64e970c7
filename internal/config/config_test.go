package config

import (
	"encoding/base64"
	"errors"
	"flag"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

func load(t *testing.T, vars map[string]string, args []string, settings ...Setting) (*Config, []string, error) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return Load(fs, args, func(k string) string { return vars[k] }, settings...)
}

var key32 = base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))

func TestDefaults(t *testing.T) {
	cfg, _, err := load(t, nil, nil, MaxAgents, BrowserIdleTimeout)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MaxAgents != 5 || cfg.BrowserIdleTimeout != 600*time.Second || cfg.PageLoadTimeout != 30*time.Second ||
		cfg.Listen != ":8080" || cfg.Browser != "local" || cfg.SecretKeyID != "k1" || cfg.LogFormat != "text" {
		t.Fatalf("defaults: %+v", cfg)
	}
}

func TestPrecedenceFlagOverEnvOverDefault(t *testing.T) {
	vars := map[string]string{"ARGUS_MAX_AGENTS": "3"}
	cfg, _, err := load(t, vars, nil, MaxAgents)
	if err != nil || cfg.MaxAgents != 3 {
		t.Fatalf("env: %v %v", cfg, err)
	}
	cfg, rest, err := load(t, vars, []string{"run", "--max-agents", "2", "tests/"}, MaxAgents)
	if err != nil || cfg.MaxAgents != 2 {
		t.Fatalf("flag: %v %v", cfg, err)
	}
	if strings.Join(rest, " ") != "run tests/" {
		t.Fatalf("positional arguments around flags: %q", rest)
	}
	_, rest, _ = load(t, nil, []string{"a", "--", "--max-agents", "b"}, MaxAgents)
	if strings.Join(rest, " ") != "a --max-agents b" {
		t.Fatalf("after --: %q", rest)
	}
}

func TestSecretKey(t *testing.T) {
	cfg, _, err := load(t, map[string]string{"ARGUS_SECRET_KEY": key32}, nil, SecretKey)
	if err != nil || len(cfg.SecretKey) != 32 {
		t.Fatalf("valid key: %v", err)
	}
	for name, bad := range map[string]string{
		"missing":   "",
		"short":     base64.StdEncoding.EncodeToString([]byte("too short")),
		"not b64":   "this is not base64!!",
		"too long":  base64.StdEncoding.EncodeToString(make([]byte, 64)),
		"hex of 32": strings.Repeat("ab", 32),
	} {
		_, _, err := load(t, map[string]string{"ARGUS_SECRET_KEY": bad}, nil, SecretKey)
		var cerr *Error
		if !errors.As(err, &cerr) || cerr.Env != "ARGUS_SECRET_KEY" {
			t.Errorf("%s: got %v", name, err)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, "ARGUS_SECRET_KEY") || !strings.Contains(msg, "openssl rand -base64 32") {
			t.Errorf("%s: message does not say what a valid value looks like: %s", name, msg)
		}
		if bad != "" && strings.Contains(msg, bad) {
			t.Errorf("%s: message echoes the secret value", name)
		}
	}
	_, _, err = load(t, map[string]string{"ARGUS_SECRET_KEY": base64.StdEncoding.EncodeToString(make([]byte, 16))}, nil, SecretKey)
	if err == nil || !strings.Contains(err.Error(), "exactly 32 bytes, got 16") {
		t.Fatalf("short key message: %v", err)
	}
}

func TestOldSecretKeys(t *testing.T) {
	cfg, _, err := load(t, map[string]string{"ARGUS_OLD_SECRET_KEYS": "k0=" + key32 + ", old-2=" + key32}, nil, OldSecretKeys)
	if err != nil || len(cfg.OldSecretKeys) != 2 || len(cfg.OldSecretKeys["old-2"]) != 32 {
		t.Fatalf("old keys: %v %v", cfg, err)
	}
	for _, bad := range []string{"k0", "k0=short", "bad id!=" + key32} {
		if _, _, err := load(t, map[string]string{"ARGUS_OLD_SECRET_KEYS": bad}, nil, OldSecretKeys); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestMalformedValuesNameTheVariable(t *testing.T) {
	for env, bad := range map[string]string{
		"DATABASE_URL":               "mysql://x",
		"ARGUS_MAX_AGENTS":           "0",
		"ARGUS_BROWSER":              "firefox",
		"ARGUS_BROWSER_IDLE_TIMEOUT": "10",
		"ARGUS_LOG_LEVEL":            "loud",
		"ARGUS_LOG_FORMAT":           "xml",
		"ARGUS_PUBLIC_URL":           "example.com",
		"ARGUS_MODEL":                "gemini",
		"ARGUS_LISTEN":               "8080",
	} {
		var setting Setting
		for _, s := range All {
			if s.Env == env {
				setting = s
			}
		}
		_, _, err := load(t, map[string]string{env: bad}, nil, setting)
		if err == nil || !strings.HasPrefix(err.Error(), env+" ") || !strings.Contains(err.Error(), "for example") {
			t.Errorf("%s=%q: %v", env, bad, err)
		}
	}
}

func TestGridNeedsURL(t *testing.T) {
	_, _, err := load(t, map[string]string{"ARGUS_BROWSER": "grid"}, nil, Browser, GridURL)
	if err == nil || !strings.Contains(err.Error(), "ARGUS_GRID_URL") {
		t.Fatalf("grid without URL: %v", err)
	}
	cfg, _, err := load(t, map[string]string{"ARGUS_BROWSER": "grid", "ARGUS_GRID_URL": "http://127.0.0.1:4444"}, nil, Browser, GridURL)
	if err != nil || cfg.GridURL == "" {
		t.Fatalf("grid with URL: %v", err)
	}
}

func TestEverySettingDocumented(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range All {
		if s.Env == "" || s.Flag == "" || s.Usage == "" || s.apply == nil {
			t.Errorf("setting %+v is incomplete", s)
		}
		if seen[s.Env] || seen[s.Flag] {
			t.Errorf("duplicate setting %s / %s", s.Env, s.Flag)
		}
		seen[s.Env], seen[s.Flag] = true, true
	}
}

// The README's configuration table is the user's reference: every setting
// must be there with its real default.
func TestREADMEDocumentsEverySetting(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range All {
		row := "| `" + s.Env + "` | `--" + s.Flag + "` | "
		i := strings.Index(string(readme), row)
		if i < 0 {
			t.Errorf("README configuration table lacks %s (--%s)", s.Env, s.Flag)
			continue
		}
		if s.Default != "" && !strings.HasPrefix(string(readme[i+len(row):]), "`"+s.Default+"`") {
			t.Errorf("README gives the wrong default for %s; the code says %q", s.Env, s.Default)
		}
	}
}

func TestRescueAfterMustExceedJobTimeout(t *testing.T) {
	cfg, _, err := load(t, nil, nil, JobTimeout, RescueAfter)
	if err != nil || cfg.JobTimeout != 30*time.Minute || cfg.RescueAfter != 35*time.Minute {
		t.Fatalf("defaults: %v %v", cfg, err)
	}
	_, _, err = load(t, map[string]string{"ARGUS_JOB_TIMEOUT": "1h"}, nil, JobTimeout, RescueAfter)
	if err == nil || !strings.HasPrefix(err.Error(), "ARGUS_RESCUE_AFTER ") {
		t.Fatalf("rescue before the job timeout: %v", err)
	}
}

func TestLoggerMasksSecretSettings(t *testing.T) {
	key := "c2VjcmV0LWtleS1vZi1leGFjdGx5LTMyLWJ5dGVzISE="
	env := map[string]string{
		"DATABASE_URL":     "postgres://argus:hunter2-db-pass@db.internal:5432/argus",
		"ARGUS_SECRET_KEY": key,
	}
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	cfg, _, err := Load(fs, nil, func(k string) string { return env[k] }, DatabaseURL, SecretKey)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	cfg.Logger(&out).Info("connecting", "url", env["DATABASE_URL"], "password", "hunter2-db-pass", "key", key)
	for _, secret := range []string{"hunter2-db-pass", key} {
		if strings.Contains(out.String(), secret) {
			t.Errorf("log shows %q:\n%s", secret, out.String())
		}
	}
	if !strings.Contains(out.String(), "connecting") {
		t.Errorf("log line lost: %s", out.String())
	}
}
