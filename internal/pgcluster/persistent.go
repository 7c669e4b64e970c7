package pgcluster

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// stateFile keeps what a persistent cluster must remember between starts
// that PostgreSQL does not: the port it listens on (so URLs stay the same)
// and the superuser's password. It is readable by the owner only and is
// never handed to the postgres user.
const stateFile = "cluster.json"

// lockFile is held (flock) by the process using a persistent cluster. The
// kernel drops the lock when that process dies, so a held lock means a
// live user, and a free lock with a running server means an orphan.
const lockFile = "argus.lock"

type state struct {
	Port     int    `json:"port"`
	Password string `json:"password"`
}

func startPersistent(ctx context.Context, cfg Config) (*Cluster, error) {
	if cfg.Dir == "" {
		return nil, errors.New("a persistent PostgreSQL cluster needs a directory")
	}
	dir, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("cluster directory %s: %w", cfg.Dir, err)
	}
	// Parents made here must let the postgres user pass (root runs), but
	// not list: they may hold other secrets (ARGUS_DATA_DIR's key).
	if err := os.MkdirAll(filepath.Dir(dir), 0o711); err != nil {
		return nil, fmt.Errorf("cluster directory: %w", err)
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("cluster directory: %w", err)
	}
	c := &Cluster{cfg: cfg, dir: dir}
	if err := c.acquireLock(); err != nil {
		return nil, err
	}
	if err := c.startKept(ctx); err != nil {
		c.releaseLock()
		return nil, err
	}
	return c, nil
}

func (c *Cluster) startKept(ctx context.Context) error {
	if os.Geteuid() == 0 {
		var err error
		if c.runAs, err = postgresUser(); err != nil {
			return err
		}
		if err := reachable(c.dir); err != nil {
			return err
		}
	} else if err := ownedByUs(c.dataDir()); err != nil {
		return err
	}
	st, err := c.loadState()
	if err != nil {
		return err
	}
	c.password = st.Password
	started := time.Now()
	fresh := false
	if _, err := os.Stat(filepath.Join(c.dataDir(), "PG_VERSION")); errors.Is(err, fs.ErrNotExist) {
		if err := c.handOver(); err != nil {
			return err
		}
		if err := c.initdbWithPassword(ctx); err != nil {
			return err
		}
		fresh = true
	} else if err != nil {
		return fmt.Errorf("cluster directory: %w", err)
	}
	// A cluster made by a non-root run and now started as root (or copied
	// in) must belong to the postgres user, which PostgreSQL insists on.
	if err := c.handOver(); err != nil {
		return err
	}
	if err := c.clearStalePID(ctx); err != nil {
		return err
	}
	port := st.Port
	if port != 0 && !portFree(port) {
		c.cfg.Logger.Warn("the embedded PostgreSQL's port is taken; choosing another", "port", port)
		port = 0
	}
	if err := c.serve(ctx, port); err != nil {
		return err
	}
	if c.port != st.Port {
		st.Port = c.port
		if err := c.saveState(st); err != nil {
			_ = c.stopPersistent()
			return err
		}
	}
	c.cfg.Logger.Info("embedded PostgreSQL started", "dir", c.dir, "port", c.port, "new", fresh,
		"took", time.Since(started).Round(time.Millisecond))
	return nil
}

// initdbWithPassword creates the data directory with password
// authentication over TCP. The unix socket stays trusted: it lives in the
// cluster directory, which only the postgres user (and root) may enter.
func (c *Cluster) initdbWithPassword(ctx context.Context) error {
	pw, err := os.CreateTemp(c.dir, "pwfile-")
	if err != nil {
		return fmt.Errorf("password file: %w", err)
	}
	defer os.Remove(pw.Name())
	_, err = pw.WriteString(c.password + "\n")
	if cerr := pw.Close(); err == nil {
		err = cerr
	}
	if err == nil && c.runAs != nil {
		err = os.Chown(pw.Name(), int(c.runAs.Uid), int(c.runAs.Gid))
	}
	if err != nil {
		return fmt.Errorf("password file: %w", err)
	}
	return c.initdb(ctx, "--auth-local=trust", "--auth-host=scram-sha-256", "--pwfile="+pw.Name())
}

func (c *Cluster) loadState() (state, error) {
	var st state
	path := filepath.Join(c.dir, stateFile)
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if _, verr := os.Stat(filepath.Join(c.dataDir(), "PG_VERSION")); verr == nil {
			return st, fmt.Errorf("%s holds a PostgreSQL cluster but not its %s (port and password); restore the file or remove the directory to start afresh", c.dir, stateFile)
		}
		buf := make([]byte, 24)
		if _, err := rand.Read(buf); err != nil {
			return st, err
		}
		st.Password = base64.RawURLEncoding.EncodeToString(buf)
		return st, c.saveState(st)
	case err != nil:
		return st, fmt.Errorf("read %s: %w", path, err)
	}
	if err := json.Unmarshal(b, &st); err != nil || st.Password == "" {
		return st, fmt.Errorf("%s is damaged (%v); restore it or remove the directory to start afresh", path, err)
	}
	return st, nil
}

// saveState writes the state file atomically, so a crash leaves the old or
// the new one, never half of it.
func (c *Cluster) saveState(st state) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	tmp := filepath.Join(c.dir, stateFile+".new")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("write %s: %w", stateFile, err)
	}
	if err := os.Rename(tmp, filepath.Join(c.dir, stateFile)); err != nil {
		return fmt.Errorf("write %s: %w", stateFile, err)
	}
	return nil
}

func (c *Cluster) acquireLock() error {
	f, err := os.OpenFile(filepath.Join(c.dir, lockFile), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("lock the cluster directory: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(f.Name())
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return fmt.Errorf("the embedded PostgreSQL in %s is in use by another argus process (pid %s); stop it, or give this one another data directory", c.dir, strings.TrimSpace(string(holder)))
		}
		return fmt.Errorf("lock the cluster directory: %w", err)
	}
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	c.lock = f
	return nil
}

func (c *Cluster) releaseLock() {
	if c.lock != nil {
		_ = c.lock.Close() // closing drops the flock
		c.lock = nil
	}
}

// clearStalePID deals with a postmaster.pid left behind. We hold the lock,
// so no live argus uses this cluster: a server still running on it is the
// orphan of one that died, and is shut down so this process can start it
// with its own settings. A pid file naming a process that is not a
// postmaster of this data directory (the pid was reused, as happens after a
// container restart) is removed, since PostgreSQL would refuse to start.
func (c *Cluster) clearStalePID(ctx context.Context) error {
	pidPath := filepath.Join(c.dataDir(), "postmaster.pid")
	b, err := os.ReadFile(pidPath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", pidPath, err)
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, _ := strconv.Atoi(strings.TrimSpace(first))
	if pid > 0 && c.isOurPostmaster(pid) {
		c.cfg.Logger.Warn("stopping an embedded PostgreSQL left running by a previous argus", "pid", pid)
		if out, err := c.run(ctx, "pg_ctl", "-D", c.dataDir(), "-m", "fast", "-w", "-t", "60", "stop"); err != nil {
			return fmt.Errorf("stop the PostgreSQL left running on %s: %w\n%s", c.dataDir(), err, out)
		}
		return nil
	}
	c.cfg.Logger.Info("removing a stale postmaster.pid", "pid", pid)
	if err := os.Remove(pidPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove stale %s: %w", pidPath, err)
	}
	return nil
}

// isOurPostmaster reports whether pid is a running postgres whose command
// line names this cluster's data directory (pg_ctl starts it with -D).
func (c *Cluster) isOurPostmaster(pid int) bool {
	cmdline, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
	if err != nil {
		return false
	}
	args := bytes.Split(bytes.TrimRight(cmdline, "\x00"), []byte{0})
	if len(args) == 0 || filepath.Base(string(args[0])) != "postgres" {
		return false
	}
	for i := 0; i+1 < len(args); i++ {
		if string(args[i]) == "-D" && filepath.Clean(string(args[i+1])) == c.dataDir() {
			return true
		}
	}
	return false
}

// handOver gives the cluster directory, the data directory and the server
// log to the postgres user when we run as root; the state and lock files
// stay ours.
func (c *Cluster) handOver() error {
	if c.runAs == nil {
		return nil
	}
	uid, gid := int(c.runAs.Uid), int(c.runAs.Gid)
	if err := os.Chown(c.dir, uid, gid); err != nil {
		return fmt.Errorf("hand %s to the postgres user: %w", c.dir, err)
	}
	if err := os.Chmod(c.dir, 0o700); err != nil {
		return fmt.Errorf("restrict %s: %w", c.dir, err)
	}
	for _, root := range []string{c.dataDir(), filepath.Join(c.dir, "server.log")} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			if st, ok := info.Sys().(*syscall.Stat_t); ok && int(st.Uid) == uid && int(st.Gid) == gid {
				return nil
			}
			return os.Lchown(path, uid, gid)
		})
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("hand %s to the postgres user: %w", root, err)
		}
	}
	return nil
}

// reachable checks that the postgres user can walk down to dir: PostgreSQL
// runs as that user, and a data directory under root's 0700 home (the
// usual ./data of a root shell) is out of its reach.
func reachable(dir string) error {
	for p := filepath.Dir(dir); ; p = filepath.Dir(p) {
		info, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("cluster directory: %w", err)
		}
		if info.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("PostgreSQL runs as the postgres user, which cannot enter %s (mode %s): choose a data directory outside it (e.g. ARGUS_DATA_DIR=/var/lib/argus), or give others search permission (chmod o+x %s)", p, info.Mode().Perm(), p)
		}
		if p == filepath.Dir(p) {
			return nil
		}
	}
}

// ownedByUs refuses, with a way out, a data directory a root run handed to
// the postgres user when we are not root: PostgreSQL would refuse it with a
// less helpful message.
func ownedByUs(data string) error {
	info, err := os.Stat(data)
	if err != nil {
		return nil // none yet
	}
	if st, ok := info.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Geteuid() {
		return fmt.Errorf("the embedded PostgreSQL in %s belongs to uid %d (an earlier run as root?): run argus as that user or root, or chown -R the directory to yourself", filepath.Dir(data), st.Uid)
	}
	return nil
}

// stopPersistent shuts the server down cleanly (fast mode: sessions are
// ended, everything is written out) and releases the directory.
func (c *Cluster) stopPersistent() error {
	defer c.releaseLock()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if out, err := c.run(ctx, "pg_ctl", "-D", c.dataDir(), "-m", "fast", "-w", "-t", "60", "stop"); err != nil {
		return fmt.Errorf("pg_ctl stop: %w\n%s", err, out)
	}
	c.cfg.Logger.Info("embedded PostgreSQL stopped", "dir", c.dir)
	return nil
}

// EnsureDatabase creates database name when it does not exist yet.
func (c *Cluster) EnsureDatabase(ctx context.Context, name string) error {
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return fmt.Errorf("connect to the cluster: %w", err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return fmt.Errorf("look for database %s: %w", name, err)
	}
	if exists {
		return nil
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

func portFree(port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	l.Close()
	return true
}
