// Command chaos is `make chaos`: fault tests on real parts (processes
// killed, providers failing, receivers down), each one line of a table.
// The tests live beside the code they break, behind the `chaos` build tag
// when they are too slow for `make test`; this command runs them with
// `go test -json -tags chaos` and prints what each proved, or that it is
// not started yet.
//
//	go run ./cmd/chaos            # every fault test (minutes)
//	go run ./cmd/chaos -only 429  # the faults whose name matches
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
)

// fault is one row of the table: the fault, and the test that injects it
// (empty: not started).
type fault struct {
	Name    string `json:"fault"`
	Package string `json:"package,omitempty"`
	Test    string `json:"test,omitempty"`
	// Result is passed, FAILED, skipped or not started; Detail the test's
	// CHAOS line (what it saw) or the skip reason.
	Result  string  `json:"result"`
	Detail  string  `json:"detail,omitempty"`
	Seconds float64 `json:"seconds,omitempty"`
}

// faults are the rows of issue 17's chaos list, in its order.
var faults = []fault{
	{Name: "worker SIGKILLed mid-agent: rescued, run completes, no browser left", Package: "./jobs", Test: "TestKilledWorkerIsRescued"},
	{Name: "browser container killed mid-step: new attempt, steps of both kept", Package: "./jobs", Test: "TestBrowserContainerKilledMidStep"},
	{Name: "PostgreSQL restarted mid-run: reconnect, no run lost or duplicated", Package: "./jobs", Test: "TestPostgresRestartedMidRun"},
	{Name: "webhook receiver down ≥ 1 h (simulated): same webhook-id, all attempts logged", Package: "./integrations/webhook", Test: "TestChaosReceiverDownForAnHour"},
	{Name: "model answers 429 to everything: 5 retries with backoff, then error (never failed)", Package: "./runner", Test: "TestChaosModel429EndsInError"},
	{Name: "docker: concurrent acquires never exceed the cap of 5, none left after close", Package: "./browser/docker", Test: "TestCapIsNeverExceeded"},
	{Name: "docker: containers of a killed process are reaped", Package: "./browser/docker", Test: "TestReaperRemovesContainersOfKilledProcess"},
	{Name: "100 agents through 2 workers, container census every 100 ms", Package: "./jobs", Test: "TestHundredAgentsThroughTwoWorkers"},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "chaos:", err)
		var u usageError
		if errors.As(err, &u) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

type usageError struct{ error }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("chaos", flag.ContinueOnError)
	fs.SetOutput(stderr)
	only := fs.String("only", "", "run only the faults whose name matches this regexp")
	out := fs.String("out", "out/chaos.json", "where to write the table as JSON")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	var filter *regexp.Regexp
	if *only != "" {
		re, err := regexp.Compile(*only)
		if err != nil {
			return usageError{fmt.Errorf("-only: %w", err)}
		}
		filter = re
	}
	rows := make([]fault, 0, len(faults))
	failed := 0
	for _, f := range faults {
		if filter != nil && !filter.MatchString(f.Name) {
			continue
		}
		if f.Test == "" {
			f.Result = "not started"
			rows = append(rows, f)
			continue
		}
		argv := []string{"test", "-json", "-tags", "chaos", "-count", "1", "-timeout", "20m", "-run", "^" + f.Test + "$", f.Package}
		fmt.Fprintln(stderr, "▶ go", strings.Join(argv, " "))
		cmd := exec.CommandContext(ctx, "go", argv...)
		var buf bytes.Buffer
		cmd.Stdout, cmd.Stderr = &buf, stderr
		began := time.Now()
		_ = cmd.Run() // the verdict is in the stream
		f.Seconds = time.Since(began).Seconds()
		f.Result, f.Detail = verdict(&buf, f.Test)
		if f.Result == "FAILED" {
			failed++
		}
		rows = append(rows, f)
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "fault\tresult\ttime\twhat the test saw")
	for _, r := range rows {
		secs := ""
		if r.Seconds > 0 {
			secs = fmt.Sprintf("%.0f s", r.Seconds)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Name, r.Result, secs, r.Detail)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	data, err := json.MarshalIndent(struct {
		Date   string  `json:"date"`
		Faults []fault `json:"faults"`
	}{time.Now().UTC().Format(time.RFC3339), rows}, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(*out, append(data, '\n'), 0o644); err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("%d fault test(s) failed", failed)
	}
	return nil
}

// verdict reads a go test -json stream for one test: its result and the
// line it logged with a "CHAOS " prefix, the skip reason, or the last
// output lines of a failure (or of a build that never ran the test).
func verdict(r io.Reader, test string) (result, detail string) {
	var lines []string
	result = "FAILED"
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var ev struct{ Action, Test, Output string }
		if json.Unmarshal(sc.Bytes(), &ev) != nil {
			continue
		}
		if ev.Test != test && !strings.HasPrefix(ev.Test, test+"/") {
			if ev.Action == "output" && ev.Test == "" { // build errors, package output
				lines = append(lines, strings.TrimSpace(ev.Output))
			}
			continue
		}
		switch ev.Action {
		case "output":
			line := strings.TrimSpace(ev.Output)
			lines = append(lines, line)
			if _, after, ok := strings.Cut(line, "CHAOS "); ok {
				detail = after
			}
		case "pass":
			if ev.Test == test {
				result = "passed"
			}
		case "skip":
			if ev.Test == test {
				result = "skipped"
			}
		}
	}
	switch {
	case result == "skipped" || (result == "FAILED" && detail == ""):
		detail = lastMeaningful(lines)
	case result == "passed" && detail == "":
		detail = "passed (the test logs no CHAOS line)"
	}
	return result, detail
}

func lastMeaningful(lines []string) string {
	for i := len(lines) - 1; i >= 0; i-- {
		l := lines[i]
		if l == "" || strings.HasPrefix(l, "---") || strings.HasPrefix(l, "===") || l == "FAIL" || l == "PASS" ||
			strings.HasPrefix(l, "ok ") || strings.HasPrefix(l, "FAIL\t") {
			continue
		}
		if len(l) > 200 {
			l = l[:197] + "..."
		}
		return l
	}
	return ""
}
