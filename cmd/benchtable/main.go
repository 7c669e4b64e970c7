// Command benchtable is `make bench`: it runs every benchmark of the
// repository with `go test -bench -json` (the invocations are
// benchtable.Runs), prints the published figures side by side with their
// targets, then every metric of every benchmark, and writes both to
// out/bench.json.
//
//	go run ./cmd/benchtable                 # run everything (minutes)
//	go run ./cmd/benchtable -only runner    # the runs whose package matches
//	go run ./cmd/benchtable -from out.json  # re-print a saved go test -json stream
package main

import (
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
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/argusqa/argus/internal/benchtable"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	var usage usageError
	switch {
	case errors.As(err, &usage):
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
}

type usageError struct{ error }

// output is what out/bench.json holds.
type output struct {
	Date     string             `json:"date"`
	Machine  string             `json:"machine"`
	Figures  []benchtable.Row   `json:"figures"`
	Raw      *benchtable.Report `json:"benchmarks"`
	Commands []string           `json:"commands"`
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("benchtable", flag.ContinueOnError)
	fs.SetOutput(stderr)
	only := fs.String("only", "", "run only the invocations whose package path matches this regexp")
	from := fs.String("from", "", "parse this saved `go test -json` stream instead of running benchmarks")
	outPath := fs.String("out", "out/bench.json", "where to write the JSON")
	raw := fs.String("raw", "out/bench-raw.jsonl", "where to keep the raw go test -json stream (empty: nowhere)")
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

	rep := &benchtable.Report{}
	var commands []string
	var stream bytes.Buffer
	if *from != "" {
		f, err := os.Open(*from)
		if err != nil {
			return usageError{err}
		}
		defer f.Close()
		r, err := benchtable.Parse(f)
		if err != nil {
			return err
		}
		rep = r
	} else {
		for _, r := range benchtable.Runs {
			if filter != nil && !filter.MatchString(filepath.Join(r.Dir, r.Package)) {
				continue
			}
			argv := []string{"test", "-json", "-run", "^$", "-bench", r.Bench, "-benchtime", r.Benchtime, "-count", "1", "-timeout", "30m", r.Package}
			cmdline := "(cd " + r.Dir + " && go " + strings.Join(argv, " ") + ")"
			commands = append(commands, cmdline)
			fmt.Fprintln(stderr, "▶", cmdline)
			began := time.Now()
			if ctx.Err() != nil {
				break
			}
			cmd := exec.CommandContext(ctx, "go", argv...)
			cmd.Dir = r.Dir
			var buf bytes.Buffer
			cmd.Stdout = &buf
			cmd.Stderr = stderr
			runErr := cmd.Run() // a failing package is reported in the table, the rest still runs
			stream.Write(buf.Bytes())
			part, err := benchtable.Parse(&buf)
			if err != nil {
				return err
			}
			rep.Merge(part)
			fmt.Fprintf(stderr, "  %d results, %d skipped, %d failed in %s\n", len(part.Results), len(part.Skipped), len(part.Failed), time.Since(began).Round(time.Second))
			if runErr != nil && len(part.Failed) == 0 {
				rep.Failed = append(rep.Failed, benchtable.Skip{Package: r.Package, Reason: runErr.Error()})
			}
			if ctx.Err() != nil {
				// Interrupted: the table still shows what ran.
				fmt.Fprintln(stderr, "interrupted: printing what ran so far")
				break
			}
		}
	}

	rows := rep.Rows(benchtable.Figures)
	if err := benchtable.WriteTable(stdout, rows); err != nil {
		return err
	}
	fmt.Fprintln(stdout)
	if err := benchtable.WriteAll(stdout, rep); err != nil {
		return err
	}
	for _, f := range rep.Failed {
		fmt.Fprintf(stdout, "\nFAILED %s %s:\n%s\n", f.Package, f.Name, f.Reason)
	}

	if *raw != "" && stream.Len() > 0 {
		if err := writeFile(*raw, stream.Bytes()); err != nil {
			return err
		}
	}
	host, _ := os.Hostname()
	data, err := json.MarshalIndent(output{
		Date:     time.Now().UTC().Format(time.RFC3339),
		Machine:  fmt.Sprintf("%s, %d cores, %s/%s, %s", host, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version()),
		Figures:  rows,
		Raw:      rep,
		Commands: commands,
	}, "", "  ")
	if err != nil {
		return err
	}
	if err := writeFile(*outPath, append(data, '\n')); err != nil {
		return err
	}
	fmt.Fprintln(stderr, "wrote", *outPath)
	if len(rep.Failed) > 0 {
		return fmt.Errorf("%d benchmark(s) failed", len(rep.Failed))
	}
	return nil
}

func writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
