package browsertest

import (
	"bufio"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

var portRE = regexp.MustCompile(`started successfully on port (\d+)`)

// StartChromedriver starts a plain chromedriver on a free loopback port for
// the test and returns its endpoint; it skips the test when chromedriver is
// not installed. The process (and the browsers it started) is killed when
// the test ends.
//
// Given --port=0, chromedriver takes a free IPv4 port and then binds the
// same port on ::1, where another program's socket may hold it; it exits
// then ("bind() failed: Address already in use"), and a new one, with
// another port, starts fine. So does the local provider.
func StartChromedriver(tb testing.TB) string {
	tb.Helper()
	path, err := exec.LookPath("chromedriver")
	if err != nil {
		tb.Skip("chromedriver not installed")
	}
	const attempts = 3
	var exits []string
	for range attempts {
		endpoint, exit := startChromedriver(tb, path)
		if exit == "" {
			return endpoint
		}
		exits = append(exits, exit)
	}
	tb.Fatalf("chromedriver exited before listening, %d times: %s", attempts, strings.Join(exits, "; "))
	return ""
}

// startChromedriver starts one chromedriver and returns its endpoint, or
// why it exited before listening.
func startChromedriver(tb testing.TB, path string) (endpoint, exit string) {
	tb.Helper()
	cmd := exec.Command(path, "--port=0")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start chromedriver: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	tb.Cleanup(func() {
		select {
		case <-exited:
			// Its group may be empty and its id reused: nothing to signal.
		default:
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	})
	portc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := portRE.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case portc <- m[1]:
				default:
				}
			}
		}
	}()
	timer := time.NewTimer(20 * time.Second)
	defer timer.Stop()
	select {
	case p := <-portc:
		return "http://127.0.0.1:" + p, ""
	case <-exited:
		return "", fmt.Sprintf("%v: %s", cmd.ProcessState, strings.TrimSpace(stderr.String()))
	case <-timer.C:
		tb.Fatal("chromedriver did not listen within 20 s")
	}
	return "", ""
}

// ChromiumPath returns the Chromium executable on PATH, skipping the test
// when there is none.
func ChromiumPath(tb testing.TB) string {
	tb.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	tb.Skip("chromium not installed")
	return ""
}
