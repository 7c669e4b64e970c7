package benchtable

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// stream is go test -json output as Go 1.26 writes it: the result line
// split in two events, a sub-benchmark, a skipped and a failed benchmark.
const stream = `{"Action":"start","Package":"github.com/argusqa/argus/runner"}
{"Action":"output","Package":"github.com/argusqa/argus/runner","Output":"goos: linux\n"}
{"Action":"run","Package":"github.com/argusqa/argus/runner","Test":"BenchmarkStepOverhead"}
{"Action":"output","Package":"github.com/argusqa/argus/runner","Test":"BenchmarkStepOverhead/screenshots=true","Output":"BenchmarkStepOverhead/screenshots=true-2   \t"}
{"Action":"output","Package":"github.com/argusqa/argus/runner","Test":"BenchmarkStepOverhead/screenshots=true","Output":"       3\t 412345 ns/op\t        99.10 p50-ms/step\t       130.5 p95-ms/step\n"}
{"Action":"output","Package":"github.com/argusqa/argus/runner","Test":"BenchmarkStepOverhead/screenshots=true,model-latency=300ms","Output":"BenchmarkStepOverhead/screenshots=true,model-latency=300ms-2   \t       3\t 1 ns/op\t        30.40 p50-ms/step\n"}
{"Action":"output","Package":"github.com/argusqa/argus/runner","Test":"BenchmarkStepOverhead/screenshots=false","Output":"BenchmarkStepOverhead/screenshots=false-2   \t       3\t 1 ns/op\t        25.50 p50-ms/step\n"}
{"Action":"run","Package":"github.com/argusqa/argus/browser/docker","Test":"BenchmarkAcquireCold"}
{"Action":"output","Package":"github.com/argusqa/argus/browser/docker","Test":"BenchmarkAcquireCold","Output":"--- SKIP: BenchmarkAcquireCold\n"}
{"Action":"output","Package":"github.com/argusqa/argus/browser/docker","Test":"BenchmarkAcquireCold","Output":"    provider_test.go:40: no Docker engine\n"}
{"Action":"skip","Package":"github.com/argusqa/argus/browser/docker","Test":"BenchmarkAcquireCold"}
{"Action":"output","Package":"github.com/argusqa/argus/server","Test":"BenchmarkGetAgent/clients=32","Output":"BenchmarkGetAgent/clients=32-2 \t 20000\t 0 ns/op\t 3912 req/s\t 9.000 p99-ms\n"}
{"Action":"output","Package":"github.com/argusqa/argus/jobs","Test":"BenchmarkEnqueueToStart","Output":"    bench_test.go:90: boom\n"}
{"Action":"fail","Package":"github.com/argusqa/argus/jobs","Test":"BenchmarkEnqueueToStart"}
`

func TestParseAndRows(t *testing.T) {
	rep, err := Parse(strings.NewReader(stream))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 4 {
		t.Fatalf("results = %+v, want 4", rep.Results)
	}
	r, ok := rep.Find("runner", "BenchmarkStepOverhead/screenshots=true")
	if !ok || r.Iterations != 3 || r.Metrics["p50-ms/step"] != 99.1 || r.Metrics["p95-ms/step"] != 130.5 {
		t.Fatalf("step overhead = %+v, %v", r, ok)
	}
	rows := rep.Rows(Figures)
	byLabel := map[string]Row{}
	for _, row := range rows {
		byLabel[row.Label] = row
	}
	if shots := byLabel["step overhead p50, screenshots on, instant model"]; shots.Value == nil || *shots.Value != 99.1 || shots.Met != nil {
		t.Errorf("screenshots on, instant model = %+v, want 99.1 and no target", shots)
	}
	if shots := byLabel["step overhead p50, screenshots on, 300 ms model"]; shots.Value == nil || *shots.Value != 30.4 || shots.Met == nil || !*shots.Met {
		t.Errorf("screenshots on, 300 ms model = %+v, want 30.4 meeting the ≤ 40 target", shots)
	}
	get := byLabel["GET agent, 32 clients"]
	if get.Value == nil || *get.Value != 3912 || *get.Met {
		t.Errorf("GET agent = %+v", get)
	}
	p99 := byLabel["GET agent p99, 32 clients"]
	if p99.Met == nil || !*p99.Met {
		t.Errorf("p99 9 ms < 10 ms should be met: %+v", p99)
	}
	cold := byLabel["container acquire p50, cold"]
	if cold.Value != nil || cold.Note != "skipped: provider_test.go:40: no Docker engine" {
		t.Errorf("cold = %+v, want the skip reason", cold)
	}
	if e := byLabel["enqueue→start p50"]; e.Note != "failed" {
		t.Errorf("enqueue = %+v, want failed", e)
	}
	if o := byLabel["observation tokens / raw-HTML tokens"]; o.Value != nil || !strings.Contains(o.Note, "obs-token-%") {
		t.Errorf("observation = %+v", o)
	}
	var buf bytes.Buffer
	if err := WriteTable(&buf, rows); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"99.1 ms", "≤ 40 ms", "MISSED", "3912 req/s", "skipped: provider_test.go:40"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, buf.String())
		}
	}
}

// TestRunsCoverEveryBenchmark keeps `make bench` honest: a Benchmark
// function none of Runs selects would silently drop out of the table.
func TestRunsCoverEveryBenchmark(t *testing.T) {
	root := filepath.Join("..", "..")
	decl := regexp.MustCompile(`(?m)^func (Benchmark\w*)\(`)
	found := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "out" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if !strings.HasSuffix(p, "_test.go") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(p))
		for _, m := range decl.FindAllStringSubmatch(string(data), -1) {
			found++
			covered := false
			for _, r := range Runs {
				if r.Selects(filepath.ToSlash(rel), m[1]) {
					covered = true
				}
			}
			if !covered {
				t.Errorf("%s %s is selected by no benchtable.Runs entry", rel, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 20 {
		t.Fatalf("found only %d benchmarks; is the walk rooted at the repository?", found)
	}
}
