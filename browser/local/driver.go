package local

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// driver is one chromedriver process with its process group and its
// per-session directory.
type driver struct {
	cmd    *exec.Cmd
	pgid   int
	port   int
	dir    string
	exited chan struct{} // closed when chromedriver has been reaped
}

var portLine = regexp.MustCompile(`started successfully on port (\d+)`)

// errDriverExited: chromedriver ended before it said where it listens.
// Given --port=0 it takes a free IPv4 port, then binds the same port on
// ::1, where another socket may hold it, and exits ("bind() failed:
// Address already in use"); a new chromedriver gets another port.
var errDriverExited = errors.New("chromedriver exited before listening")

// driverStartAttempts bounds the chromedrivers started for one session
// when they exit before listening.
const driverStartAttempts = 3

// startDriverRetrying is startDriver, again with a fresh session directory
// when chromedriver exits before listening.
func startDriverRetrying(ctx context.Context, cfg Config) (*driver, error) {
	var err error
	for range driverStartAttempts {
		var d *driver
		if d, err = startDriver(ctx, cfg); err == nil || !errors.Is(err, errDriverExited) || ctx.Err() != nil {
			return d, err
		}
	}
	return nil, fmt.Errorf("%w (%d times)", err, driverStartAttempts)
}

// startDriver creates the session directory and starts chromedriver on a
// free loopback port, waiting until it listens.
func startDriver(ctx context.Context, cfg Config) (_ *driver, err error) {
	dir, err := os.MkdirTemp(cfg.TempDir, "argus-browser-")
	if err != nil {
		return nil, fmt.Errorf("create session directory: %w", err)
	}
	defer func() {
		if err != nil {
			_ = os.RemoveAll(dir)
		}
	}()
	// The owner file goes first: until it is there, other processes'
	// reapers leave the directory alone, and from then on they can tell
	// whether this process still lives.
	me, err := self()
	if err != nil {
		return nil, fmt.Errorf("create session directory: %w", err)
	}
	if err := writeOwner(dir, me); err != nil {
		return nil, fmt.Errorf("create session directory: %w", err)
	}
	for _, sub := range []string{"home", "tmp", "profile"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o700); err != nil {
			return nil, fmt.Errorf("create session directory: %w", err)
		}
	}
	// --port=0 lets the kernel pick a free port, which chromedriver then
	// reports; probing for a free port first would race with other
	// sessions starting at the same time.
	cmd := exec.Command(cfg.ChromedriverPath, "--port=0")
	cmd.Env = sessionEnv(dir)
	cmd.Dir = dir
	// Its own process group, which Chromium inherits, lets kill end the
	// whole browser at once. Pdeathsig kills chromedriver when this process
	// dies; see spawn.go for why it is safe here. Chromium does not die
	// with chromedriver: the reaper takes care of it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("start chromedriver: %w", err)
	}
	// chromedriver's own messages can name page URLs; they are not kept.
	cmd.Stderr = io.Discard
	if err := startOnSpawnThread(cmd); err != nil {
		return nil, fmt.Errorf("start chromedriver: %w", err)
	}
	d := &driver{cmd: cmd, pgid: cmd.Process.Pid, dir: dir, exited: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(d.exited)
	}()
	portc := make(chan int, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		found := false
		for sc.Scan() {
			if found {
				continue
			}
			if m := portLine.FindStringSubmatch(sc.Text()); m != nil {
				p, _ := strconv.Atoi(m[1])
				portc <- p
				found = true
			}
		}
	}()
	timer := time.NewTimer(cfg.StartTimeout)
	defer timer.Stop()
	select {
	case d.port = <-portc:
		return d, nil
	case <-d.exited:
		err = fmt.Errorf("%w: %v", errDriverExited, cmd.ProcessState)
	case <-timer.C:
		err = fmt.Errorf("chromedriver did not listen within %s", cfg.StartTimeout)
	case <-ctx.Done():
		err = fmt.Errorf("start chromedriver: %w", context.Cause(ctx))
	}
	d.kill(context.Background())
	return nil, err
}

// sessionEnv is the environment for chromedriver and Chromium: HOME,
// TMPDIR and the XDG directories point into the session directory, so
// everything the browser writes is removed with it.
func sessionEnv(dir string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "HOME", "TMPDIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_RUNTIME_DIR":
			continue
		}
		env = append(env, kv)
	}
	home := filepath.Join(dir, "home")
	return append(env,
		"HOME="+home,
		"TMPDIR="+filepath.Join(dir, "tmp"),
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_CACHE_HOME="+filepath.Join(home, ".cache"),
		"XDG_DATA_HOME="+filepath.Join(home, ".local", "share"),
	)
}

func (d *driver) endpoint() string { return "http://127.0.0.1:" + strconv.Itoa(d.port) }

func (d *driver) profileDir() string { return filepath.Join(d.dir, "profile") }

// kill ends the whole process group (chromedriver, Chromium and its
// helpers) and removes the session directory. SIGTERM first gives
// Chromium a moment to exit on its own; whatever is left gets SIGKILL.
func (d *driver) kill(ctx context.Context) error {
	_ = syscall.Kill(-d.pgid, syscall.SIGTERM)
	grace := time.NewTimer(500 * time.Millisecond)
	select {
	case <-d.exited:
	case <-grace.C:
	case <-ctx.Done():
	}
	grace.Stop()
	// Once chromedriver was waited for and its group is empty, the group id
	// (its pid) is free for the kernel to hand to a new process, perhaps
	// another session's chromedriver: signal the group only while something
	// is in it.
	if groupAlive(d.pgid) {
		if err := syscall.Kill(-d.pgid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
			return fmt.Errorf("kill browser process group %d: %w", d.pgid, err)
		}
	}
	select {
	case <-d.exited:
	case <-ctx.Done():
		return fmt.Errorf("wait for chromedriver to exit: %w", context.Cause(ctx))
	}
	// Chromium's processes are reparented when chromedriver dies; wait
	// until the group is gone so nothing writes into the directory while
	// it is removed.
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for groupAlive(d.pgid) {
		select {
		case <-tick.C:
		case <-ctx.Done():
			return fmt.Errorf("browser processes of group %d still running: %w", d.pgid, context.Cause(ctx))
		}
	}
	if err := os.RemoveAll(d.dir); err != nil {
		return fmt.Errorf("remove session directory: %w", err)
	}
	return nil
}

// groupAlive reports whether any non-zombie process is left in the group.
// Zombies are ignored: they hold no files and their reaping is up to
// whoever inherited them.
func groupAlive(pgid int) bool {
	if err := syscall.Kill(-pgid, 0); errors.Is(err, syscall.ESRCH) {
		return false
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return true
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// Fields after the parenthesised command name: state ppid pgrp ...
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) < 3 || f[0] == "Z" {
			continue
		}
		if g, _ := strconv.Atoi(f[2]); g == pgid && pid > 0 {
			return true
		}
	}
	return false
}
