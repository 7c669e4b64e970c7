package local

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// dirPrefix starts the name of every session directory in Config.TempDir.
const dirPrefix = "argus-browser-"

// ownerlessGrace is how old a session directory without an owner file must
// be before the reaper treats it as orphaned. The owner file is written
// right after the directory is created, so a young ownerless directory is
// one being set up; an old one was left by a process killed in between, or
// by an Argus that did not write owner files.
const ownerlessGrace = 10 * time.Minute

// ReapResult counts what one reaping removed.
type ReapResult struct {
	// Sessions is how many orphaned session directories were removed.
	Sessions int
	// Processes is how many chromedriver and Chromium processes were
	// killed.
	Processes int
}

// The worker's periodic reap job (jobs) calls any provider with this method.
var _ interface {
	Reap(context.Context) (int, error)
} = (*Provider)(nil)

// Reap removes the browsers of dead Argus processes on this host and
// returns how many sessions it removed. It implements the reaper a worker's
// periodic reap job looks for; see ReapOrphans.
func (p *Provider) Reap(ctx context.Context) (int, error) {
	r, err := p.ReapOrphans(ctx)
	return r.Sessions, err
}

// ReapOrphans finds the session directories in Config.TempDir whose owner
// process is dead (crashed or SIGKILLed: its own Close never ran), kills
// every chromedriver and Chromium process of those sessions with SIGKILL,
// and removes the directories.
//
// Sessions of live processes, this one or another Argus on the same host
// sharing TempDir, are never touched: the owner file names the process by
// PID and start time, so a reused PID does not keep an orphan alive nor
// make a live session look orphaned.
//
// The provider runs it in New and every Config.ReapInterval.
func (p *Provider) ReapOrphans(ctx context.Context) (ReapResult, error) {
	var res ReapResult
	dirs, err := orphanDirs(p.cfg.TempDir, time.Now())
	if err != nil {
		return res, fmt.Errorf("local browser provider: reap: %w", err)
	}
	var errs []error
	for _, dir := range dirs {
		if err := ctx.Err(); err != nil {
			errs = append(errs, context.Cause(ctx))
			break
		}
		n, err := reapDir(ctx, dir)
		res.Processes += n
		if err != nil {
			errs = append(errs, err)
			continue
		}
		res.Sessions++
		p.logger.Warn("reaped the browser of a dead process", "dir", dir, "processes", n)
	}
	if err := errors.Join(errs...); err != nil {
		return res, fmt.Errorf("local browser provider: reap: %w", err)
	}
	return res, nil
}

// orphanDirs lists the session directories in tempDir whose owner is dead.
func orphanDirs(tempDir string, now time.Time) ([]string, error) {
	entries, err := os.ReadDir(tempDir)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", tempDir, err)
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), dirPrefix) {
			continue
		}
		dir := filepath.Join(tempDir, e.Name())
		o, err := readOwner(dir)
		switch {
		case errors.Is(err, errNoOwner):
			info, err := e.Info()
			if err != nil || now.Sub(info.ModTime()) < ownerlessGrace {
				continue
			}
		case err != nil:
			// Unreadable or malformed: not provably ours, so not touched.
			continue
		case o.alive():
			continue
		}
		out = append(out, dir)
	}
	return out, nil
}

// reapDir kills every process of one orphaned session and removes its
// directory. It returns how many processes it killed.
func reapDir(ctx context.Context, dir string) (int, error) {
	killed := map[int]bool{}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	// Kill, then look again: a process may fork between the scan and the
	// kill (a zygote starting a renderer). Once nothing is left the
	// directory can go without anything writing into it.
	for {
		procs := sessionProcesses(dir)
		if len(procs) == 0 {
			break
		}
		stuck := 0
		for _, pid := range procs {
			switch err := syscall.Kill(pid, syscall.SIGKILL); {
			case err == nil:
				killed[pid] = true
			case errors.Is(err, syscall.EPERM):
				stuck++
			}
		}
		if stuck == len(procs) {
			return len(killed), fmt.Errorf("processes of %s belong to another user; not removed", dir)
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return len(killed), fmt.Errorf("processes of %s still running: %w", dir, context.Cause(ctx))
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return len(killed), fmt.Errorf("remove %s: %w", dir, err)
	}
	return len(killed), nil
}

// proc is one process as the reaper sees it.
type proc struct {
	pid int
	procStat
}

// sessionProcesses lists the live (not zombie) processes of the session
// in dir: those whose command line, working directory or environment
// points into dir (chromedriver runs in dir with HOME and TMPDIR inside
// it; Chromium gets --user-data-dir inside it), plus their process groups
// and descendants. The groups and descendants catch Chromium's sandboxed
// helpers, whose cwd and environment the kernel does not show to other
// processes.
func sessionProcesses(dir string) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	me := os.Getpid()
	myGroup := syscall.Getpgrp()
	var all []proc
	children := map[int][]int{}
	members := map[int][]int{}
	var seeds []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid <= 1 || pid == me {
			continue
		}
		st, err := readStat(pid)
		if err != nil || st.state == 'Z' || st.state == 'X' {
			continue
		}
		all = append(all, proc{pid: pid, procStat: st})
		children[st.ppid] = append(children[st.ppid], pid)
		members[st.pgid] = append(members[st.pgid], pid)
		if isBrowser(pid) && pointsInto(pid, dir) {
			seeds = append(seeds, pid)
		}
	}
	group := map[int]int{}
	for _, p := range all {
		group[p.pid] = p.pgid
	}
	found := map[int]bool{}
	queue := append([]int(nil), seeds...)
	for len(queue) > 0 {
		pid := queue[0]
		queue = queue[1:]
		if found[pid] {
			continue
		}
		found[pid] = true
		queue = append(queue, children[pid]...)
		// Chromedriver leads its own group (Setpgid), which Chromium and
		// its helpers inherit. Never this process's group, nor a group
		// that cannot be a session's.
		if g := group[pid]; g > 1 && g != myGroup {
			queue = append(queue, members[g]...)
		}
	}
	out := make([]int, 0, len(found))
	for pid := range found {
		out = append(out, pid)
	}
	return out
}

// pointsInto reports whether process pid's command line, working directory
// or environment names a path inside dir.
func pointsInto(pid int, dir string) bool {
	base := "/proc/" + strconv.Itoa(pid)
	inside := []byte(dir + "/")
	if b, err := os.ReadFile(base + "/cmdline"); err == nil && bytes.Contains(b, inside) {
		return true
	}
	if cwd, err := os.Readlink(base + "/cwd"); err == nil && (cwd == dir || strings.HasPrefix(cwd, dir+"/")) {
		return true
	}
	if b, err := os.ReadFile(base + "/environ"); err == nil && bytes.Contains(b, inside) {
		return true
	}
	return false
}

// isBrowser reports whether pid runs chromedriver or Chromium (chromium,
// chrome, chrome_crashpad_handler, headless_shell …), by its command name
// or argv[0]. Only such processes seed a session's process set, so a shell
// that happens to sit in a session directory is never killed.
func isBrowser(pid int) bool {
	base := "/proc/" + strconv.Itoa(pid)
	names := make([]string, 0, 2)
	if b, err := os.ReadFile(base + "/comm"); err == nil {
		names = append(names, strings.TrimSpace(string(b)))
	}
	if b, err := os.ReadFile(base + "/cmdline"); err == nil {
		argv0, _, _ := bytes.Cut(b, []byte{0})
		names = append(names, filepath.Base(string(argv0)))
	}
	for _, n := range names {
		n = strings.ToLower(n)
		if strings.Contains(n, "chrom") || strings.Contains(n, "headless_shell") {
			return true
		}
	}
	return false
}
