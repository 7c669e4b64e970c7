package local

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// ownerFile names the file in each session directory that says which
// process owns the directory's browser. The reaper of any Argus process on
// the host reads it to tell a crashed owner's browser from a live one's.
const ownerFile = "owner"

// owner identifies a process across PID reuse: a PID names a process only
// together with the start time the kernel recorded for it.
type owner struct {
	pid   int
	start uint64 // field 22 of /proc/<pid>/stat: clock ticks after boot
}

// self is the owner record of this process, read once: it never changes.
var self = sync.OnceValues(func() (owner, error) {
	pid := os.Getpid()
	start, err := startTime(pid)
	return owner{pid: pid, start: start}, err
})

func (o owner) String() string { return strconv.Itoa(o.pid) + " " + strconv.FormatUint(o.start, 10) }

// writeOwner records o in dir. The file is written under a temporary name
// and renamed, so a reader sees either no owner file or a whole one.
func writeOwner(dir string, o owner) error {
	tmp := filepath.Join(dir, ownerFile+".tmp")
	if err := os.WriteFile(tmp, []byte(o.String()+"\n"), 0o600); err != nil {
		return fmt.Errorf("write owner file: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, ownerFile)); err != nil {
		return fmt.Errorf("write owner file: %w", err)
	}
	return nil
}

// errNoOwner means a session directory has no owner file (yet).
var errNoOwner = errors.New("no owner file")

func readOwner(dir string) (owner, error) {
	b, err := os.ReadFile(filepath.Join(dir, ownerFile))
	if errors.Is(err, os.ErrNotExist) {
		return owner{}, errNoOwner
	}
	if err != nil {
		return owner{}, err
	}
	return parseOwner(string(b))
}

func parseOwner(s string) (owner, error) {
	f := strings.Fields(s)
	if len(f) != 2 {
		return owner{}, fmt.Errorf("owner file %q: want \"pid start\"", s)
	}
	pid, err := strconv.Atoi(f[0])
	if err != nil || pid <= 0 {
		return owner{}, fmt.Errorf("owner file %q: bad pid", s)
	}
	start, err := strconv.ParseUint(f[1], 10, 64)
	if err != nil {
		return owner{}, fmt.Errorf("owner file %q: bad start time", s)
	}
	return owner{pid: pid, start: start}, nil
}

// alive reports whether the owner process still runs. A zombie is dead:
// it will never close its browsers. A PID now held by a process with a
// different start time is a different process.
func (o owner) alive() bool {
	st, err := readStat(o.pid)
	if err != nil {
		return false
	}
	return st.state != 'Z' && st.state != 'X' && st.start == o.start
}

// procStat is the part of /proc/<pid>/stat the reaper needs.
type procStat struct {
	state byte
	ppid  int
	pgid  int
	start uint64
}

func readStat(pid int) (procStat, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return procStat{}, err
	}
	return parseStat(string(b))
}

// parseStat parses /proc/<pid>/stat. The command name (field 2) is in
// parentheses and may itself hold spaces and parentheses, so fields are
// counted from the last ')'.
func parseStat(s string) (procStat, error) {
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return procStat{}, errors.New("stat: no command name")
	}
	f := strings.Fields(s[i+1:])
	// f[0] is field 3 (state); field n is f[n-3].
	if len(f) < 20 || len(f[0]) != 1 {
		return procStat{}, errors.New("stat: too few fields")
	}
	ppid, err1 := strconv.Atoi(f[1])
	pgid, err2 := strconv.Atoi(f[2])
	start, err3 := strconv.ParseUint(f[19], 10, 64)
	if err := errors.Join(err1, err2, err3); err != nil {
		return procStat{}, fmt.Errorf("stat: %w", err)
	}
	return procStat{state: f[0][0], ppid: ppid, pgid: pgid, start: start}, nil
}

func startTime(pid int) (uint64, error) {
	st, err := readStat(pid)
	if err != nil {
		return 0, fmt.Errorf("read start time of process %d: %w", pid, err)
	}
	return st.start, nil
}
