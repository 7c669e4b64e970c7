package local

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

func TestOwnerAlive(t *testing.T) {
	me, err := self()
	if err != nil {
		t.Fatal(err)
	}
	if !me.alive() {
		t.Fatal("this process is not alive")
	}
	// The same PID with another start time is a later process that reused
	// the PID: the recorded owner is dead.
	if (owner{pid: me.pid, start: me.start + 1}).alive() {
		t.Error("a reused PID counts as the owner")
	}
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	if (owner{pid: cmd.Process.Pid, start: me.start}).alive() {
		t.Error("an exited process counts as alive")
	}
}

func TestOwnerFileRoundTrip(t *testing.T) {
	dir := t.TempDir()
	if _, err := readOwner(dir); err != errNoOwner {
		t.Fatalf("readOwner of an empty directory: %v", err)
	}
	want := owner{pid: 42, start: 123456789}
	if err := writeOwner(dir, want); err != nil {
		t.Fatal(err)
	}
	got, err := readOwner(dir)
	if err != nil || got != want {
		t.Fatalf("readOwner = %v, %v; want %v", got, err, want)
	}
	if _, err := os.Stat(filepath.Join(dir, ownerFile+".tmp")); !os.IsNotExist(err) {
		t.Errorf("temporary owner file left: %v", err)
	}
}

// TestOrphanDirs: only session directories of dead owners, and ownerless
// ones past the grace period, are orphans.
func TestOrphanDirs(t *testing.T) {
	tmp := t.TempDir()
	me, _ := self()
	mk := func(name string, o *owner) string {
		d := filepath.Join(tmp, name)
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
		if o != nil {
			if err := writeOwner(d, *o); err != nil {
				t.Fatal(err)
			}
		}
		return d
	}
	mk(dirPrefix+"live", &me)
	dead := mk(dirPrefix+"dead", &owner{pid: me.pid, start: me.start + 1})
	mk(dirPrefix+"young", nil)
	old := mk(dirPrefix+"old", nil)
	mk("other-dead", &owner{pid: me.pid, start: me.start + 1})
	bad := mk(dirPrefix+"bad", nil)
	if err := os.WriteFile(filepath.Join(bad, ownerFile), []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := os.Chtimes(old, now, now.Add(-ownerlessGrace-time.Minute)); err != nil {
		t.Fatal(err)
	}
	got, err := orphanDirs(tmp, now)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{dead: true, old: true}
	if len(got) != len(want) {
		t.Fatalf("orphanDirs = %v, want %v", got, want)
	}
	for _, d := range got {
		if !want[d] {
			t.Errorf("orphanDirs = %v, want %v", got, want)
		}
	}
}

func TestParseStat(t *testing.T) {
	line := "1234 (a) b (c)) S 1 1234 1234 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 3 0 98765 1000 10\n"
	st, err := parseStat(line)
	if err != nil {
		t.Fatal(err)
	}
	if want := (procStat{state: 'S', ppid: 1, pgid: 1234, start: 98765}); st != want {
		t.Fatalf("parseStat = %+v, want %+v", st, want)
	}
	for _, bad := range []string{"", "1 (x) S 1 2", "1 x S", "1 (x) S a b c d e f g h i j k l m n o p q r s t"} {
		if _, err := parseStat(bad); err == nil {
			t.Errorf("parseStat(%q) accepted", bad)
		}
	}
}

func FuzzParseStat(f *testing.F) {
	f.Add("1234 (a) b (c)) S 1 1234 1234 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 3 0 98765 1000 10\n")
	f.Add("1 (x) Z")
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = parseStat(s)
	})
}

func FuzzParseOwner(f *testing.F) {
	f.Add("42 123\n")
	f.Add("-1 x")
	f.Fuzz(func(t *testing.T, s string) {
		o, err := parseOwner(s)
		if err != nil {
			return
		}
		back, err := parseOwner(o.String())
		if err != nil || back != o {
			t.Fatalf("round trip of %q: %v, %v", s, back, err)
		}
	})
}
