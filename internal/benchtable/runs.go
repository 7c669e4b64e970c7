package benchtable

import (
	"path"
	"regexp"
)

// Run is one `go test -bench` invocation of `make bench`. Iteration counts
// are fixed so that percentiles are over a known number of samples and a
// run takes minutes, not the 1 s-per-benchmark auto-scaling that would
// start hundreds of browsers.
type Run struct {
	Dir       string // module directory relative to the repository root ("." or "bench")
	Package   string // package pattern relative to Dir ("./runner")
	Bench     string // -bench regexp
	Benchtime string // -benchtime
}

// Runs are every benchmark of the repository. TestRunsCoverEveryBenchmark
// fails when a Benchmark function is added that none of them selects.
var Runs = []Run{
	{"bench", ".", "ClickObserve", "200x"}, // the chromedp comparison: its own module
	{".", "./browser", "ClickObserve|Observe|Screenshot", "100x"},
	{".", "./browser", "SessionLifecycle", "10x"},
	{".", "./browser/docker", "Acquire", "10x"},
	{".", "./browser/local", ".", "1000x"},
	{".", "./runner", "StepOverhead", "3x"},
	{".", "./runner", "DemoSuiteReplayVsAgent|RunnerMemoryPerAgent", "1x"},
	{".", "./jobs", "EnqueueToStart$", "200x"},
	{".", "./jobs", "EnqueueToStartWithBacklog", "1x"},
	{".", "./server", "GetAgent", "20000x"},
	{".", "./store", "Authenticate", "20x"},
	{".", "./server/ratelimit", ".", "1s"},
	{".", "./web", "Pages", "200x"},
	{".", "./agent/llm/provider", "Generate", "200x"},
	{".", "./report", ".", "1s"},
	{".", "./suite", ".", "1s"},
	{".", "./integrations/webhook", ".", "1s"},
	{".", "./integrations/storage", "GCSPutGet", "200x"},
	{".", "./integrations/github", "ReportFailedAgain", "50x"},
}

// Selects says whether the run selects the top-level benchmark name in
// the package (path relative to the repository root, "runner").
func (r Run) Selects(pkg, name string) bool {
	if path.Join(r.Dir, r.Package) != pkg {
		return false
	}
	re, err := regexp.Compile(r.Bench)
	if err != nil {
		return false
	}
	return re.MatchString(name)
}
