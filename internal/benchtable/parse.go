// Package benchtable turns the output of `go test -bench -json` into one
// table of the figures Argus publishes (make bench), and into JSON for
// out/bench.json. It only reads what the benchmarks report: every figure
// in the table comes from a ReportMetric call of a benchmark that ran.
package benchtable

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// Result is one benchmark's result line.
type Result struct {
	Package    string             `json:"package"`
	Name       string             `json:"name"` // without the -GOMAXPROCS suffix
	Iterations int64              `json:"iterations"`
	Metrics    map[string]float64 `json:"metrics"` // unit → value, as reported
}

// Skip is a benchmark that did not run, with the reason it gave.
type Skip struct {
	Package string `json:"package"`
	Name    string `json:"name"`
	Reason  string `json:"reason"`
}

// Report is everything one or more `go test -json` streams said about
// benchmarks.
type Report struct {
	Results []Result `json:"results"`
	Skipped []Skip   `json:"skipped,omitempty"`
	// Failed lists benchmarks (or whole packages, Name empty) that failed,
	// with their last output lines.
	Failed []Skip `json:"failed,omitempty"`
}

// event is the subset of test2json's event we read.
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

// resultLine matches a benchmark result once a test's output is joined:
// name, iterations, then value/unit pairs.
var resultLine = regexp.MustCompile(`^(Benchmark\S*?)(?:-\d+)?\s+(\d+)\s+(.*)$`)

// Parse reads a `go test -json` stream. Output is joined per package and
// test before parsing, because test2json splits a result line in two
// events (the name, then the figures once the benchmark ends).
func Parse(r io.Reader) (*Report, error) {
	type key struct{ pkg, test string }
	var order []key
	out := map[key]*strings.Builder{}
	failed := map[key]bool{}
	skipped := map[key]bool{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) == 0 || line[0] != '{' {
			continue // go build's own messages
		}
		var ev event
		if err := json.Unmarshal(line, &ev); err != nil {
			return nil, fmt.Errorf("parse go test -json line %q: %w", line, err)
		}
		k := key{ev.Package, ev.Test}
		switch ev.Action {
		case "output":
			b, ok := out[k]
			if !ok {
				b = &strings.Builder{}
				out[k] = b
				order = append(order, k)
			}
			b.WriteString(ev.Output)
		case "fail":
			failed[k] = true
		case "skip":
			skipped[k] = true
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read go test -json: %w", err)
	}
	rep := &Report{}
	for _, k := range order {
		text := out[k].String()
		lines := strings.Split(text, "\n")
		for _, l := range lines {
			if res, ok := parseResult(k.pkg, l); ok {
				rep.Results = append(rep.Results, res)
			}
		}
		if k.test == "" {
			if failed[k] {
				rep.Failed = append(rep.Failed, Skip{Package: k.pkg, Reason: tail(lines, 15)})
			}
			continue
		}
		switch {
		case failed[k]:
			rep.Failed = append(rep.Failed, Skip{Package: k.pkg, Name: k.test, Reason: tail(lines, 15)})
		case skipped[k]:
			rep.Skipped = append(rep.Skipped, Skip{Package: k.pkg, Name: k.test, Reason: skipReason(lines)})
		}
	}
	// A package that failed to build never starts a test; its key was
	// marked failed without output.
	for k := range failed {
		if _, ok := out[k]; !ok {
			rep.Failed = append(rep.Failed, Skip{Package: k.pkg, Name: k.test, Reason: "failed without output (build error?)"})
		}
	}
	return rep, nil
}

func parseResult(pkg, line string) (Result, bool) {
	m := resultLine.FindStringSubmatch(strings.TrimSpace(line))
	if m == nil {
		return Result{}, false
	}
	n, err := strconv.ParseInt(m[2], 10, 64)
	if err != nil {
		return Result{}, false
	}
	fields := strings.Fields(m[3])
	if len(fields) == 0 || len(fields)%2 != 0 {
		return Result{}, false
	}
	res := Result{Package: pkg, Name: m[1], Iterations: n, Metrics: map[string]float64{}}
	for i := 0; i < len(fields); i += 2 {
		v, err := strconv.ParseFloat(fields[i], 64)
		if err != nil {
			return Result{}, false
		}
		res.Metrics[fields[i+1]] = v
	}
	return res, true
}

// skipReason is the text after the "--- SKIP" line: the benchmark's
// b.Skip message, file:line first.
func skipReason(lines []string) string {
	for i, l := range lines {
		if strings.Contains(l, "--- SKIP:") && i+1 < len(lines) {
			return strings.TrimSpace(lines[i+1])
		}
	}
	return "skipped"
}

func tail(lines []string, n int) string {
	var kept []string
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			kept = append(kept, l)
		}
	}
	if len(kept) > n {
		kept = kept[len(kept)-n:]
	}
	return strings.Join(kept, "\n")
}

// Find returns the result of the benchmark name (full, with sub-benchmark
// path) in the package whose import path ends with pkg.
func (r *Report) Find(pkg, name string) (Result, bool) {
	for _, res := range r.Results {
		if res.Name == name && (pkg == "" || res.Package == pkg || strings.HasSuffix(res.Package, "/"+pkg)) {
			return res, true
		}
	}
	return Result{}, false
}

// Merge appends another report's entries.
func (r *Report) Merge(o *Report) {
	r.Results = append(r.Results, o.Results...)
	r.Skipped = append(r.Skipped, o.Skipped...)
	r.Failed = append(r.Failed, o.Failed...)
}
