package benchtable

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
)

// Target is a bound a figure must meet ("≤ 40 ms"). The zero Target means
// the figure is reported without one.
type Target struct {
	Op    string // "<=", "<", ">=" or ""
	Value float64
}

func (t Target) String() string {
	v := strconv.FormatFloat(t.Value, 'f', -1, 64)
	switch t.Op {
	case "<=":
		return "≤ " + v
	case "<":
		return "< " + v
	case ">=":
		return "≥ " + v
	}
	return ""
}

// Met says whether v meets the target.
func (t Target) Met(v float64) bool {
	switch t.Op {
	case "<=":
		return v <= t.Value
	case "<":
		return v < t.Value
	case ">=":
		return v >= t.Value
	}
	return true
}

// Figure is one row of the published table: which benchmark metric it is,
// and the bound the project set for it.
type Figure struct {
	Label   string `json:"label"`
	Package string `json:"package"` // import path suffix ("runner", "browser/docker")
	Bench   string `json:"benchmark"`
	Metric  string `json:"metric"` // the unit passed to b.ReportMetric
	Unit    string `json:"unit"`   // shown after the value
	Target  Target `json:"-"`
}

// Figures are the rows of `make bench`, in the order of issue 17.
var Figures = []Figure{
	{Label: "click+observe p50 (argus)", Package: "bench", Bench: "BenchmarkClickObserve", Metric: "argus-p50-ms", Unit: "ms"},
	{Label: "click+observe p50 (chromedp, same work)", Package: "bench", Bench: "BenchmarkClickObserve", Metric: "chromedp-same-p50-ms", Unit: "ms"},
	{Label: "click+observe argus / chromedp", Package: "bench", Bench: "BenchmarkClickObserve", Metric: "ratio-vs-same", Unit: "×", Target: Target{"<=", 1.1}},
	// The screenshot is taken and stored while the model thinks, so the
	// target is read with a model that takes time, as every real one does;
	// with an instant model the next action waits for the capture.
	{Label: "step overhead p50, screenshots on, 300 ms model", Package: "runner", Bench: "BenchmarkStepOverhead/screenshots=true,model-latency=300ms", Metric: "p50-ms/step", Unit: "ms", Target: Target{"<=", 40}},
	{Label: "step overhead p50, screenshots on, instant model", Package: "runner", Bench: "BenchmarkStepOverhead/screenshots=true", Metric: "p50-ms/step", Unit: "ms"},
	{Label: "step overhead p50, screenshots off", Package: "runner", Bench: "BenchmarkStepOverhead/screenshots=false", Metric: "p50-ms/step", Unit: "ms"},
	{Label: "replay vs agent, 1 s model latency", Package: "runner", Bench: "BenchmarkDemoSuiteReplayVsAgent/model-latency=1s", Metric: "speedup", Unit: "×"},
	{Label: "replay vs agent, 2 s model latency", Package: "runner", Bench: "BenchmarkDemoSuiteReplayVsAgent/model-latency=2s", Metric: "speedup", Unit: "×"},
	{Label: "container acquire p50, cold", Package: "browser/docker", Bench: "BenchmarkAcquireCold", Metric: "acquire-p50-ms", Unit: "ms", Target: Target{"<=", 1200}},
	{Label: "container acquire p50, warm", Package: "browser/docker", Bench: "BenchmarkAcquireWarm", Metric: "acquire-p50-ms", Unit: "ms"},
	{Label: "enqueue→start p50", Package: "jobs", Bench: "BenchmarkEnqueueToStart", Metric: "p50-ms", Unit: "ms"},
	{Label: "GET agent, 32 clients", Package: "server", Bench: "BenchmarkGetAgent/clients=32", Metric: "req/s", Unit: "req/s", Target: Target{">=", 6000}},
	{Label: "GET agent p99, 32 clients", Package: "server", Bench: "BenchmarkGetAgent/clients=32", Metric: "p99-ms", Unit: "ms", Target: Target{"<", 10}},
	{Label: "memory per agent (runner RSS)", Package: "runner", Bench: "BenchmarkRunnerMemoryPerAgent", Metric: "rss-MB/agent", Unit: "MB"},
	// Any benchmark reporting obs-token-% counts: the observation corpus
	// benchmark lives with the observation code.
	{Label: "observation tokens / raw-HTML tokens", Metric: "obs-token-%", Unit: "%", Target: Target{"<=", 20}},
}

// Row is a figure with its measured value, as written to out/bench.json.
type Row struct {
	Figure
	Target   string   `json:"target,omitempty"`
	Value    *float64 `json:"value,omitempty"` // nil: not measured
	Met      *bool    `json:"met,omitempty"`   // nil: no target or not measured
	Note     string   `json:"note,omitempty"`  // why it was not measured
	Measured string   `json:"measured_by,omitempty"`
}

// Rows resolves every figure against the report.
func (r *Report) Rows(figs []Figure) []Row {
	rows := make([]Row, 0, len(figs))
	for _, f := range figs {
		row := Row{Figure: f}
		if f.Target.Op != "" {
			row.Target = f.Target.String() + " " + f.Unit
		}
		res, ok := r.findMetric(f)
		if ok {
			v := res.Metrics[f.Metric]
			row.Value = &v
			row.Measured = res.Package + " " + res.Name
			if f.Target.Op != "" {
				met := f.Target.Met(v)
				row.Met = &met
			}
		} else {
			row.Note = r.whyMissing(f)
		}
		rows = append(rows, row)
	}
	return rows
}

func (r *Report) findMetric(f Figure) (Result, bool) {
	if f.Bench != "" {
		res, ok := r.Find(f.Package, f.Bench)
		if !ok {
			return Result{}, false
		}
		_, has := res.Metrics[f.Metric]
		return res, has
	}
	for _, res := range r.Results {
		if _, ok := res.Metrics[f.Metric]; ok {
			return res, true
		}
	}
	return Result{}, false
}

// whyMissing finds the skip or failure that explains an absent figure.
func (r *Report) whyMissing(f Figure) string {
	if f.Bench == "" {
		return "no benchmark reports " + f.Metric
	}
	top, _, _ := strings.Cut(f.Bench, "/")
	match := func(s Skip) bool {
		return (s.Name == f.Bench || s.Name == top) && strings.HasSuffix(s.Package, "/"+f.Package)
	}
	for _, s := range r.Skipped {
		if match(s) {
			return "skipped: " + s.Reason
		}
	}
	for _, s := range r.Failed {
		if match(s) {
			return "failed"
		}
	}
	return "not run"
}

// WriteTable prints the figures side by side: value, target, verdict,
// and which benchmark measured it.
func WriteTable(w io.Writer, rows []Row) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "figure\tvalue\ttarget\t\tmeasured by")
	for _, r := range rows {
		val, verdict, by := "—", "", r.Measured
		if r.Value != nil {
			val = num(*r.Value) + " " + r.Unit
		} else {
			by = r.Note
		}
		if r.Met != nil {
			verdict = "ok"
			if !*r.Met {
				verdict = "MISSED"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Label, val, r.Target, verdict, by)
	}
	return tw.Flush()
}

// WriteAll prints every metric of every benchmark that ran, for the
// figures the headline table does not carry.
func WriteAll(w io.Writer, rep *Report) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "package\tbenchmark\titerations\tmetrics")
	for _, res := range rep.Results {
		units := make([]string, 0, len(res.Metrics))
		for u := range res.Metrics {
			units = append(units, u)
		}
		sort.Strings(units)
		var parts []string
		for _, u := range units {
			if res.Metrics[u] == 0 && u == "ns/op" {
				continue // benchmarks that report percentiles zero the mean
			}
			parts = append(parts, num(res.Metrics[u])+" "+u)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", strings.TrimPrefix(res.Package, "github.com/argusqa/argus/"), res.Name, res.Iterations, strings.Join(parts, ", "))
	}
	for _, s := range rep.Skipped {
		fmt.Fprintf(tw, "%s\t%s\t-\tskipped: %s\n", strings.TrimPrefix(s.Package, "github.com/argusqa/argus/"), s.Name, s.Reason)
	}
	for _, s := range rep.Failed {
		fmt.Fprintf(tw, "%s\t%s\t-\tFAILED\n", strings.TrimPrefix(s.Package, "github.com/argusqa/argus/"), s.Name)
	}
	return tw.Flush()
}

// num prints a figure with three significant digits, without exponent.
func num(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 100:
		return fmt.Sprintf("%.0f", v)
	case a >= 10:
		return fmt.Sprintf("%.1f", v)
	case a >= 1:
		return fmt.Sprintf("%.2f", v)
	default:
		return fmt.Sprintf("%.3g", v)
	}
}
