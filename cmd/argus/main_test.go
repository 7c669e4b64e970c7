package main

import (
	"bytes"
	"context"
	"maps"
	"strings"
	"testing"

	"github.com/argusqa/argus/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type result struct {
	code           int
	stdout, stderr string
}

// argus runs the command in-process with the given environment.
func argus(t *testing.T, vars map[string]string, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{
		stdin:  strings.NewReader(stdin),
		stdout: &out,
		stderr: &errOut,
		getenv: func(k string) string { return vars[k] },
	}
	code := run(context.Background(), args, e)
	return result{code, out.String(), errOut.String()}
}

func TestUsageAndUnknownCommands(t *testing.T) {
	if r := argus(t, nil, ""); r.code != exitUsage || !strings.Contains(r.stdout, "migrate") {
		t.Fatalf("no command: %+v", r)
	}
	if r := argus(t, nil, "", "help"); r.code != exitOK {
		t.Fatalf("help: %+v", r)
	}
	if r := argus(t, nil, "", "frobnicate"); r.code != exitUsage || !strings.Contains(r.stderr, `unknown command "frobnicate"`) {
		t.Fatalf("unknown command: %+v", r)
	}
	if r := argus(t, nil, "", "version"); r.code != exitOK || !strings.HasPrefix(r.stdout, "argus ") {
		t.Fatalf("version: %+v", r)
	}
}

func TestMigrateNeedsAValidDatabaseURL(t *testing.T) {
	r := argus(t, nil, "", "migrate", "up")
	if r.code != exitUsage || !strings.Contains(r.stderr, "DATABASE_URL") || !strings.Contains(r.stderr, "postgres://") {
		t.Fatalf("missing DATABASE_URL: %+v", r)
	}
	r = argus(t, map[string]string{"DATABASE_URL": "mysql://root@localhost/db"}, "", "migrate", "up")
	if r.code != exitUsage || !strings.Contains(r.stderr, "must be a postgres://") {
		t.Fatalf("wrong scheme: %+v", r)
	}
	// A database on another machine needs TLS; the check comes before any
	// connection is tried, so nothing leaves this machine here.
	remote := map[string]string{"DATABASE_URL": "postgres://argus:pw@db.internal:5432/argus?sslmode=disable"}
	for _, cmd := range [][]string{{"migrate", "status"}, {"worker"}, {"serve"}, {"admin", "create-tenant", "--name", "Acme"}} {
		vars := maps.Clone(remote)
		vars["ARGUS_SECRET_KEY"] = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
		r = argus(t, vars, "", cmd...)
		if r.code != exitUsage || !strings.Contains(r.stderr, "sslmode=require") || strings.Contains(r.stderr, ":pw@") {
			t.Errorf("%v to a remote database without TLS: %+v", cmd, r)
		}
	}
	r = argus(t, nil, "", "migrate", "sideways", "--database-url", pgtest.Empty(t))
	if r.code != exitUsage || !strings.Contains(r.stderr, "unknown migrate action") {
		t.Fatalf("unknown action: %+v", r)
	}
}

func TestMigrateUpTwiceStatusDown(t *testing.T) {
	vars := map[string]string{"DATABASE_URL": pgtest.Empty(t), "ARGUS_LOG_LEVEL": "warn"}
	r := argus(t, vars, "", "migrate", "status")
	if r.code != exitOK || !strings.Contains(r.stdout, "pending") || !strings.Contains(r.stdout, "argus migrate up") {
		t.Fatalf("status before: %+v", r)
	}
	r = argus(t, vars, "", "migrate", "up")
	if r.code != exitOK || !strings.Contains(r.stdout, "applied 0001_foundation") {
		t.Fatalf("first up: %+v", r)
	}
	r = argus(t, vars, "", "migrate", "up")
	if r.code != exitOK || !strings.Contains(r.stdout, "up to date") {
		t.Fatalf("second up: %+v", r)
	}
	r = argus(t, vars, "", "migrate", "status")
	if r.code != exitOK || strings.Contains(r.stdout, "pending") {
		t.Fatalf("status after: %+v", r)
	}
	if r := argus(t, vars, "", "migrate", "down", "zero"); r.code != exitUsage {
		t.Fatalf("down zero: %+v", r)
	}
	r = argus(t, vars, "", "migrate", "down", "all")
	if r.code != exitOK || !strings.Contains(r.stdout, "reverted 0001_foundation") {
		t.Fatalf("down all: %+v", r)
	}
	if r := argus(t, vars, "", "migrate", "up"); r.code != exitOK {
		t.Fatalf("up after down: %+v", r)
	}
}

func TestAdminBootstrap(t *testing.T) {
	vars := map[string]string{"DATABASE_URL": pgtest.MigratedURL(t)}
	r := argus(t, vars, "", "admin", "create-tenant", "--name", "Acme Corp")
	if r.code != exitOK || !strings.Contains(r.stdout, "slug acme-corp") {
		t.Fatalf("create-tenant: %+v", r)
	}
	if r := argus(t, vars, "", "admin", "create-tenant", "--name", "Acme Corp"); r.code != exitUsage || !strings.Contains(r.stderr, "already exists") {
		t.Fatalf("duplicate tenant: %+v", r)
	}

	r = argus(t, vars, "a long enough password\n", "admin", "create-user", "--tenant", "acme-corp", "--email", "ada@example.com", "--password-stdin")
	if r.code != exitOK || !strings.Contains(r.stdout, "ada@example.com is now admin of acme-corp") || strings.Contains(r.stdout, "password:") {
		t.Fatalf("create-user with stdin password: %+v", r)
	}
	r = argus(t, vars, "", "admin", "create-user", "--tenant", "acme-corp", "--email", "bob@example.com", "--role", "member")
	if r.code != exitOK || !strings.Contains(r.stdout, "password: ") {
		t.Fatalf("create-user with generated password: %+v", r)
	}
	if r := argus(t, vars, "", "admin", "create-user", "--tenant", "nope", "--email", "c@example.com"); r.code != exitUsage || !strings.Contains(r.stderr, "not found") {
		t.Fatalf("unknown tenant: %+v", r)
	}
	if r := argus(t, vars, "", "admin", "create-user", "--tenant", "acme-corp", "--email", "c@example.com", "--role", "owner"); r.code != exitUsage {
		t.Fatalf("bad role: %+v", r)
	}
	if r := argus(t, vars, "short\n", "admin", "create-user", "--tenant", "acme-corp", "--email", "c@example.com", "--password-stdin"); r.code != exitUsage || !strings.Contains(r.stderr, "password must be") {
		t.Fatalf("short password: %+v", r)
	}

	r = argus(t, vars, "", "admin", "create-key", "--tenant", "acme-corp", "--name", "github-actions", "--expires", "90d")
	key := strings.TrimSpace(r.stdout)
	if r.code != exitOK || !strings.HasPrefix(key, "argus_") || strings.Count(r.stdout, "\n") != 1 || !strings.Contains(r.stderr, "shown once") {
		t.Fatalf("create-key: %+v", r)
	}
	for _, bad := range []string{"0d", "tomorrow", "2001-01-01"} {
		if r := argus(t, vars, "", "admin", "create-key", "--tenant", "acme-corp", "--name", "x", "--expires", bad); r.code != exitUsage {
			t.Errorf("--expires %s: %+v", bad, r)
		}
	}
	if r := argus(t, vars, "", "admin", "explode"); r.code != exitUsage {
		t.Fatalf("unknown admin action: %+v", r)
	}
}
