package pgcluster

import (
	"net/url"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
)

// keptDir is a place for a persistent cluster. t.TempDir and its parent are 0700, out of
// the postgres user's reach when the tests run as root.
func keptDir(t *testing.T) string {
	t.Helper()
	parent := t.TempDir()
	for _, d := range []string{parent, filepath.Dir(parent)} {
		if err := os.Chmod(d, 0o711); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(parent, "pg")
}

// A data directory the postgres user cannot reach is refused with the way
// out, before anything is created.
func TestPersistentUnreachableDir(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("only root hands the cluster to the postgres user")
	}
	dir := filepath.Join(t.TempDir(), "pg") // the 0700 parent
	_, err := Start(t.Context(), Config{Dir: dir, Persistent: true})
	if err == nil || !strings.Contains(err.Error(), "cannot enter") {
		t.Fatalf("Start under a 0700 directory: %v", err)
	}
}

func startKept(t *testing.T, dir string) *Cluster {
	t.Helper()
	c, err := Start(t.Context(), Config{Dir: dir, Persistent: true, Install: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Stop() })
	return c
}

func exec1(t *testing.T, c *Cluster, sql string) {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), c.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	if _, err := conn.Exec(t.Context(), sql); err != nil {
		t.Fatal(err)
	}
}

func count(t *testing.T, c *Cluster) int {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), c.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	var n int
	if err := conn.QueryRow(t.Context(), `SELECT count(*) FROM kept`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A persistent cluster survives Stop and the next Start finds its data, on
// the same port, without running initdb again.
func TestPersistentRestartKeepsData(t *testing.T) {
	t.Parallel()
	dir := keptDir(t)
	c := startKept(t, dir)
	exec1(t, c, `CREATE TABLE kept (v int); INSERT INTO kept VALUES (1), (2)`)
	port := c.Port()
	version, err := os.Stat(filepath.Join(dir, "data", "PG_VERSION"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "postmaster.pid")); !os.IsNotExist(err) {
		t.Fatalf("server not shut down cleanly: postmaster.pid %v", err)
	}

	c2 := startKept(t, dir)
	if n := count(t, c2); n != 2 {
		t.Fatalf("%d rows after a restart, want 2", n)
	}
	if c2.Port() != port {
		t.Errorf("port %d after a restart, want the stored %d", c2.Port(), port)
	}
	again, err := os.Stat(filepath.Join(dir, "data", "PG_VERSION"))
	if err != nil || !again.ModTime().Equal(version.ModTime()) {
		t.Errorf("initdb ran again: PG_VERSION %v → %v (%v)", version.ModTime(), again.ModTime(), err)
	}
	if os.Geteuid() == 0 {
		pg, err := user.Lookup("postgres")
		if err != nil {
			t.Fatal(err)
		}
		info, err := os.Stat(filepath.Join(dir, "data"))
		if err != nil {
			t.Fatal(err)
		}
		if uid := info.Sys().(*syscall.Stat_t).Uid; strconv.Itoa(int(uid)) != pg.Uid {
			t.Errorf("data directory owned by uid %d, want postgres (%s)", uid, pg.Uid)
		}
	}
}

// Over TCP the persistent cluster wants its password: any local user can
// reach 127.0.0.1.
func TestPersistentNeedsPassword(t *testing.T) {
	t.Parallel()
	c := startKept(t, keptDir(t))
	u, err := url.Parse(c.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := u.User.Password(); !ok {
		t.Fatalf("URL %s carries no password", u.Redacted())
	}
	u.User = url.User(u.User.Username())
	conn, err := pgx.Connect(t.Context(), u.String())
	if err == nil {
		conn.Close(t.Context())
		t.Fatal("connected without the password")
	}
	st, err := os.Stat(filepath.Join(c.Dir(), stateFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("state file: %v %v", st.Mode(), err)
	}
}

// A second process may not use the directory while the first does.
func TestPersistentRefusesSecondUser(t *testing.T) {
	t.Parallel()
	dir := keptDir(t)
	startKept(t, dir)
	_, err := Start(t.Context(), Config{Dir: dir, Persistent: true})
	if err == nil || !strings.Contains(err.Error(), "in use by another argus process") {
		t.Fatalf("second Start: %v", err)
	}
}

// An argus that died (kill -9) leaves its server running and its lock
// dropped; the next Start takes the server over and keeps the data.
func TestPersistentTakesOverOrphan(t *testing.T) {
	t.Parallel()
	dir := keptDir(t)
	c := startKept(t, dir)
	exec1(t, c, `CREATE TABLE kept (v int); INSERT INTO kept VALUES (1)`)
	c.releaseLock() // what the kernel does when the process dies
	c.stopped = true

	c2 := startKept(t, dir)
	if n := count(t, c2); n != 1 {
		t.Fatalf("%d rows after taking over, want 1", n)
	}
}

// A postmaster.pid naming a live process that is not this cluster's server
// (a reused pid after a container restart) is removed instead of
// blocking the start.
func TestPersistentStalePIDFile(t *testing.T) {
	t.Parallel()
	dir := keptDir(t)
	c := startKept(t, dir)
	exec1(t, c, `CREATE TABLE kept (v int)`)
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	pidPath := filepath.Join(dir, "data", "postmaster.pid")
	stale := strconv.Itoa(os.Getpid()) + "\n" + filepath.Join(dir, "data") + "\n"
	if err := os.WriteFile(pidPath, []byte(stale), 0o600); err != nil {
		t.Fatal(err)
	}
	c2 := startKept(t, dir)
	if n := count(t, c2); n != 0 {
		t.Fatalf("%d rows, want the empty table back", n)
	}
}

// EnsureDatabase creates a database once and is harmless to repeat.
func TestEnsureDatabase(t *testing.T) {
	t.Parallel()
	c := startKept(t, keptDir(t))
	for range 2 {
		if err := c.EnsureDatabase(t.Context(), "argus"); err != nil {
			t.Fatal(err)
		}
	}
	conn, err := pgx.Connect(t.Context(), c.URL("argus"))
	if err != nil {
		t.Fatal(err)
	}
	conn.Close(t.Context())
}
