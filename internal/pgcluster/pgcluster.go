// Package pgcluster starts a PostgreSQL cluster of its own, for tests and
// local use, without touching any system service.
//
// Start finds Debian's PostgreSQL binaries (installing the postgresql package
// with apt-get when they are missing and the process is root), runs initdb,
// starts the server listening on a unix socket in the same directory and on
// a loopback port, and creates the extensions Argus needs. PostgreSQL refuses
// to run as root, so when the caller is root the server runs as the
// "postgres" system user.
//
// By default the cluster is throwaway: it lives in a temporary directory,
// trades durability for speed, and Stop removes it. With Config.Persistent
// it is the embedded database of `argus serve`: it stays in Config.Dir, is
// reused by the next Start, keeps its port, wants a password over TCP, and
// Stop shuts it down cleanly (see persistent.go).
package pgcluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Extensions are created in the template1 database, so every database made
// afterwards has them.
var Extensions = []string{"pgcrypto", "citext", "pg_trgm"}

// Config describes the cluster to start. The zero value is valid.
type Config struct {
	// BinDir holds initdb, pg_ctl and postgres. Default: $ARGUS_PG_BIN, else
	// the newest /usr/lib/postgresql/<version>/bin, else the directory of
	// initdb on PATH.
	BinDir string

	// Dir is where the cluster lives; Stop removes it unless Persistent.
	// Default: a new temporary directory. Required with Persistent.
	Dir string

	// Persistent keeps the cluster in Dir across restarts: Start reuses the
	// cluster it finds there (initdb only when there is none), keeps the
	// port chosen the first time when it is still free, requires the
	// password kept in Dir for TCP connections, leaves fsync on, and Stop
	// shuts the server down cleanly and removes nothing. Only one process
	// may use Dir at a time. Default false: a throwaway cluster.
	Persistent bool

	// Install runs `apt-get install postgresql` when no binaries are found
	// and the process is root. Default false.
	Install bool

	// Superuser is the name of the cluster's superuser. Default "argus".
	Superuser string

	// Logger receives progress messages. Default: discard.
	Logger *slog.Logger

	// Output receives apt-get's output when installing. Default: discard.
	Output io.Writer
}

func (c Config) withDefaults() Config {
	if c.Superuser == "" {
		c.Superuser = "argus"
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Output == nil {
		c.Output = io.Discard
	}
	return c
}

// Cluster is a running throwaway PostgreSQL server.
type Cluster struct {
	cfg     Config
	dir     string
	ownsDir bool
	port    int
	runAs   *syscall.Credential
	stopped bool

	// Set in persistent mode only.
	password string
	lock     *os.File
}

// Start initialises and starts a new cluster. The caller must call Stop.
func Start(ctx context.Context, cfg Config) (*Cluster, error) {
	cfg = cfg.withDefaults()
	bin, err := FindBinDir(cfg.BinDir)
	if err != nil && cfg.Install && os.Geteuid() == 0 {
		cfg.Logger.Info("PostgreSQL not found; installing Debian's postgresql package")
		if ierr := aptInstall(ctx, cfg.Output); ierr != nil {
			return nil, fmt.Errorf("install postgresql: %w", ierr)
		}
		bin, err = FindBinDir(cfg.BinDir)
	}
	if err != nil {
		return nil, err
	}
	cfg.BinDir = bin

	if cfg.Persistent {
		return startPersistent(ctx, cfg)
	}
	c := &Cluster{cfg: cfg, dir: cfg.Dir}
	if c.dir == "" {
		if c.dir, err = os.MkdirTemp("", "argus-pg-"); err != nil {
			return nil, fmt.Errorf("temporary directory: %w", err)
		}
		c.ownsDir = true
	}
	if os.Geteuid() == 0 {
		if c.runAs, err = postgresUser(); err != nil {
			c.removeDir()
			return nil, err
		}
		if err := os.Chown(c.dir, int(c.runAs.Uid), int(c.runAs.Gid)); err != nil {
			c.removeDir()
			return nil, fmt.Errorf("hand %s to the postgres user: %w", c.dir, err)
		}
	}
	started := time.Now()
	if err := c.initdb(ctx, "--auth=trust", "--no-sync"); err != nil {
		c.removeDir()
		return nil, err
	}
	if err := c.serve(ctx, 0); err != nil {
		c.removeDir()
		return nil, err
	}
	c.cfg.Logger.Info("throwaway PostgreSQL started", "dir", c.dir, "port", c.port, "took", time.Since(started).Round(time.Millisecond))
	return c, nil
}

func (c *Cluster) dataDir() string { return filepath.Join(c.dir, "data") }

// initdb creates the cluster's data directory.
func (c *Cluster) initdb(ctx context.Context, auth ...string) error {
	args := append([]string{"-D", c.dataDir(), "-U", c.cfg.Superuser, "-E", "UTF8", "--locale=C.UTF-8"}, auth...)
	if out, err := c.run(ctx, "initdb", args...); err != nil {
		return fmt.Errorf("initdb: %w\n%s", err, out)
	}
	return nil
}

// serve starts the server on port, or on a free port when port is 0 or
// taken, and creates the extensions.
func (c *Cluster) serve(ctx context.Context, port int) error {
	// A free port can be taken by someone else between choosing and
	// binding it; try a few.
	var lastErr error
	for range 5 {
		if port == 0 {
			p, err := freePort()
			if err != nil {
				return err
			}
			port = p
		}
		opts := strings.Join(append([]string{
			"-c listen_addresses=127.0.0.1",
			"-c port=" + strconv.Itoa(port),
			"-c unix_socket_directories=" + socketDir(c.dir, port),
		}, c.tuning()...), " ")
		out, err := c.run(ctx, "pg_ctl", "-D", c.dataDir(), "-w", "-t", "60", "-o", opts,
			"-l", filepath.Join(c.dir, "server.log"), "start")
		if err == nil {
			c.port = port
			break
		}
		log, _ := os.ReadFile(filepath.Join(c.dir, "server.log"))
		lastErr = fmt.Errorf("pg_ctl start: %w\n%s\n%s", err, out, tail(log, 4000))
		if !bytes.Contains(log, []byte("Address already in use")) {
			return lastErr
		}
		port = 0
	}
	if c.port == 0 {
		return lastErr
	}
	if err := c.createExtensions(ctx); err != nil {
		_ = c.Stop()
		return err
	}
	return nil
}

// tuning is the server configuration of the mode.
func (c *Cluster) tuning() []string {
	if c.cfg.Persistent {
		return nil // PostgreSQL's defaults: durable
	}
	return []string{
		// Durability is pointless for a throwaway cluster and costs
		// most of the test time.
		"-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off",
		"-c max_connections=400", "-c shared_buffers=128MB",
	}
}

// socketDir is where the server puts its unix socket: the cluster
// directory, unless the socket's path would exceed the 107 bytes a unix
// socket address holds; then TCP only.
func socketDir(dir string, port int) string {
	if len(dir)+len("/.s.PGSQL.")+len(strconv.Itoa(port)) > 107 {
		return "''"
	}
	return dir
}

// tail keeps the end of a long server log for an error message.
func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

func (c *Cluster) createExtensions(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, c.URL("template1"))
	if err != nil {
		return fmt.Errorf("connect to new cluster: %w", err)
	}
	defer conn.Close(ctx)
	for _, ext := range Extensions {
		if _, err := conn.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS "+pgx.Identifier{ext}.Sanitize()); err != nil {
			return fmt.Errorf("create extension %s: %w (is postgresql-contrib installed?)", ext, err)
		}
	}
	return nil
}

// URL returns a connection URL for database db as the cluster's superuser,
// over TCP on loopback.
func (c *Cluster) URL(db string) string {
	user := url.User(c.cfg.Superuser)
	if c.password != "" {
		user = url.UserPassword(c.cfg.Superuser, c.password)
	}
	u := url.URL{
		Scheme:   "postgres",
		User:     user,
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(c.port)),
		Path:     "/" + db,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// Dir is the cluster's directory (data, socket and server log).
func (c *Cluster) Dir() string { return c.dir }

// Port is the loopback TCP port the server listens on.
func (c *Cluster) Port() int { return c.port }

// Stop shuts the server down immediately and removes its directory; a
// persistent cluster is shut down cleanly and kept.
func (c *Cluster) Stop() error {
	if c.stopped {
		return nil
	}
	c.stopped = true
	if c.cfg.Persistent {
		return c.stopPersistent()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := c.run(ctx, "pg_ctl", "-D", c.dataDir(), "-m", "immediate", "-w", "stop")
	c.removeDir()
	if err != nil {
		return fmt.Errorf("pg_ctl stop: %w\n%s", err, out)
	}
	return nil
}

func (c *Cluster) removeDir() {
	if c.ownsDir {
		_ = os.RemoveAll(c.dir)
	}
}

func (c *Cluster) run(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(c.cfg.BinDir, name), args...)
	cmd.Dir = c.dir
	if c.runAs != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.runAs}
		cmd.Env = append(os.Environ(), "HOME="+c.dir)
	}
	// The server started by pg_ctl inherits our output descriptors; with a
	// pipe, Run would wait for it to exit. A file has no such reader.
	f, err := os.CreateTemp("", "argus-pg-out-")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	cmd.Stdout, cmd.Stderr = f, f
	err = cmd.Run()
	out, _ := os.ReadFile(f.Name())
	return out, err
}

// FindBinDir locates the PostgreSQL server binaries (see Config.BinDir).
func FindBinDir(explicit string) (string, error) {
	candidates := []string{explicit, os.Getenv("ARGUS_PG_BIN")}
	versions, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(versions, func(a, b string) int {
		return versionOf(b) - versionOf(a)
	})
	candidates = append(candidates, versions...)
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		candidates = append(candidates, filepath.Dir(p))
	}
	for _, dir := range candidates {
		if dir == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err == nil {
			return dir, nil
		}
	}
	return "", errors.New("PostgreSQL binaries not found: install them with `apt-get install postgresql` " +
		"(or set ARGUS_PG_BIN to the directory holding initdb and pg_ctl), or give a DATABASE_URL")
}

func versionOf(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

func postgresUser() (*syscall.Credential, error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL will not run as root and there is no postgres user: %w", err)
	}
	uid, _ := strconv.ParseUint(u.Uid, 10, 32)
	gid, _ := strconv.ParseUint(u.Gid, 10, 32)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func aptInstall(ctx context.Context, out io.Writer) error {
	env := append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	for _, args := range [][]string{
		{"update", "-q"},
		{"install", "-y", "-q", "--no-install-recommends", "postgresql", "postgresql-contrib"},
	} {
		cmd := exec.CommandContext(ctx, "apt-get", args...)
		cmd.Env = env
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("apt-get %s: %w", args[0], err)
		}
	}
	return nil
}
