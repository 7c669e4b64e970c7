package runner_test

// Benchmarks of the agent as the runner drives it, in real Chromium.
//
//	go test ./runner -run '^$' -bench . -benchtime 3x
//
// Models here answer instantly: a scripted.Plan that knows the intended
// actions (demo.Plans for the demo suite) and finds each element's index
// in the observation it is sent, the way a model reads it.

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/agent/llm/scripted"
	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/browser/local"
	"github.com/argusqa/argus/demo"
	"github.com/argusqa/argus/demo/app"
	"github.com/argusqa/argus/integrations/mail"
	"github.com/argusqa/argus/report"
	"github.com/argusqa/argus/runner"
	"github.com/argusqa/argus/suite"
)

// goalTests returns the demo suite's goal-only tests.
func goalTests(b *testing.B) []*suite.Test {
	tests, err := demo.LoadSuite()
	if err != nil {
		b.Fatal(err)
	}
	return slices.DeleteFunc(tests, func(t *suite.Test) bool { return !t.NeedsModel() })
}

func benchProvider(b *testing.B, max int) browser.Provider {
	p, err := local.New(local.Config{MaxSessions: max})
	if err != nil {
		b.Skipf("no local browser: %v", err)
	}
	b.Cleanup(func() { _ = p.Close(context.Background()) })
	return p
}

// startMailbox starts the test mailbox as `argus run` and `argus demo` do
// when a test uses email: an SMTP receiver in this process.
func startMailbox(b *testing.B) *runner.LocalMailbox {
	m, err := runner.StartLocalMailbox(mail.Config{Listen: "127.0.0.1:0"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { m.Close(context.Background()) })
	return m
}

// startDemo starts the demo app; with mbox, it mails its confirmations
// there, as under argus demo.
func startDemo(b *testing.B, mbox *runner.LocalMailbox) *app.Server {
	cfg := app.Config{BcryptCost: 4}
	if mbox != nil {
		cfg.SMTPAddr = mbox.Addr().String()
	}
	srv, err := app.Start(context.Background(), app.ServerConfig{App: cfg})
	if err != nil {
		b.Fatal(err)
	}
	return srv
}

// BenchmarkDemoSuiteReplayVsAgent runs the demo suite's goal-only tests
// once with the model (recording replays) and once from the replays, each
// against a fresh demo app, and reports agent and replay time per test,
// model calls, and median estimated tokens per step.
func BenchmarkDemoSuiteReplayVsAgent(b *testing.B) {
	for _, latency := range []time.Duration{0, time.Second, 2 * time.Second} {
		b.Run(fmt.Sprintf("model-latency=%s", latency), func(b *testing.B) {
			provider := benchProvider(b, 2)
			mbox := startMailbox(b)
			tests := goalTests(b)
			plans := demo.Plans()
			var agentTime, replayTime time.Duration
			var agentCalls, replayCalls, agentSteps int
			var tokensPerStep []float64
			for range b.N {
				replayDir := b.TempDir()
				for _, t := range tests {
					model := &scripted.Plan{Intents: plans[t.Name], Latency: latency}
					srv := startDemo(b, mbox)
					first := runOne(b, provider, srv.URL(), t, model, replayDir, mbox)
					_ = srv.Shutdown(context.Background())
					if first.Status() != report.StatusPassed {
						b.Fatalf("%s with the model: %s %s", t.Name, first.Status(), first.Message())
					}
					agentTime += first.Result.Duration
					agentCalls += first.Result.ModelCalls
					agentSteps += first.Result.Steps
					if first.Result.Steps > 0 {
						tokensPerStep = append(tokensPerStep, float64(first.Result.Usage.Total())/float64(first.Result.Steps))
					}

					srv = startDemo(b, mbox)
					noModel := &scripted.Plan{}
					second := runOne(b, provider, srv.URL(), t, noModel, replayDir, mbox)
					_ = srv.Shutdown(context.Background())
					if second.Status() != report.StatusPassed || second.Result.Mode != "replay" {
						b.Fatalf("%s from the replay: %s (%s) %s", t.Name, second.Status(), second.Result.Mode, second.Message())
					}
					replayTime += second.Result.Duration
					if testing.Verbose() {
						for _, st := range second.Steps {
							b.Logf("replay %s #%d %s observe=%d act=%d total=%d", t.Name, st.Index, st.Action, st.ObserveMS, st.ActMS, st.TotalMS())
						}
						for _, st := range first.Steps {
							b.Logf("agent  %s #%d %s observe=%d model=%d act=%d", t.Name, st.Index, st.Action, st.ObserveMS, st.ModelMS, st.ActMS)
						}
					}
					replayCalls += second.Result.ModelCalls + noModel.Calls()
				}
			}
			n := float64(b.N * len(tests))
			b.ReportMetric(float64(agentTime.Milliseconds())/n, "agent-ms/test")
			b.ReportMetric(float64(replayTime.Milliseconds())/n, "replay-ms/test")
			b.ReportMetric(float64(agentTime)/float64(replayTime), "speedup")
			b.ReportMetric(float64(agentCalls)/n, "model-calls/agent-test")
			b.ReportMetric(float64(replayCalls)/n, "model-calls/replay-test")
			slices.Sort(tokensPerStep)
			b.ReportMetric(tokensPerStep[len(tokensPerStep)/2], "median-tokens/step")
			b.ReportMetric(float64(agentSteps)/n, "steps/test")
		})
	}
}

func runOne(b *testing.B, p browser.Provider, base string, t *suite.Test, m *scripted.Plan, replayDir string, mbox *runner.LocalMailbox) report.TestRun {
	var model llm.Model
	if m.Intents != nil {
		model = m
	}
	r, err := runner.New(runner.Config{Browser: p, BaseURL: base, ReplayDir: replayDir, Parallel: 1,
		Secrets: demo.Secrets(), Mailbox: mbox.Mailbox(),
		Agent: agent.Config{Model: model}})
	if err != nil {
		b.Fatal(err)
	}
	return r.Run(context.Background(), []*suite.Test{t})[0]
}

// BenchmarkStepOverhead measures one agent step excluding model time
// (observe + act + record, with the step's screenshot) on a small page:
// p50 and p95 over all steps. With a zero-latency model the next action
// waits for the step's screenshot (a page must not change while it is
// captured); with a model that thinks, as every real one does, the
// screenshot is taken and stored meanwhile, and the overhead is the time
// between two steps beyond the model's.
func BenchmarkStepOverhead(b *testing.B) {
	for _, c := range []struct {
		shots   bool
		latency time.Duration
	}{{true, 0}, {false, 0}, {true, 300 * time.Millisecond}} {
		name := fmt.Sprintf("screenshots=%t", c.shots)
		if c.latency > 0 {
			name += fmt.Sprintf(",model-latency=%s", c.latency)
		}
		shots := c.shots
		b.Run(name, func(b *testing.B) {
			provider := benchProvider(b, 1)
			srv := startDemo(b, nil)
			b.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
			const rounds = 10
			var plan []scripted.Intent
			for i := range rounds {
				plan = append(plan,
					scripted.Intent{Tool: "type", Target: "Search products", Args: map[string]any{"text": fmt.Sprintf("lamp %d", i)}},
					scripted.Intent{Tool: "type", Target: "Search products", Args: map[string]any{"text": "chair"}},
				)
			}
			plan = append(plan, scripted.Intent{Tool: "finish", Args: map[string]any{"verdict": "failed", "summary": "benchmark over"}})
			var durations []time.Duration
			for range b.N {
				model := &scripted.Plan{Intents: plan, Latency: c.latency}
				a, err := agent.New(agent.Config{Model: model, NoScreenshots: !shots})
				if err != nil {
					b.Fatal(err)
				}
				sess, err := provider.Acquire(context.Background(), browser.AcquireOptions{})
				if err != nil {
					b.Fatal(err)
				}
				var mu sync.Mutex
				var last time.Time
				rec := agent.RecorderFunc(func(_ context.Context, s agent.Step) error {
					mu.Lock()
					defer mu.Unlock()
					now := time.Now()
					if s.Index > 1 && s.Action == "type" { // step 0 is the start page
						durations = append(durations, now.Sub(last)-time.Duration(s.ModelMS)*time.Millisecond)
					}
					last = now
					return nil
				})
				task := agent.Task{Name: "overhead", BaseURL: srv.URL(), StartURL: srv.URL() + "/products", Goal: "type", Key: "00000000000000000000"}
				if _, err := a.Run(context.Background(), sess, task, rec); err != nil {
					b.Fatal(err)
				}
				_ = sess.Close(context.Background())
			}
			slices.Sort(durations)
			b.ReportMetric(ms(durations[len(durations)/2]), "p50-ms/step")
			b.ReportMetric(ms(durations[len(durations)*95/100]), "p95-ms/step")
		})
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// BenchmarkRunnerMemoryPerAgent runs 5 agents at once (the node cap) through
// the runner with the demo suite's explicit-step tests and reports the Go
// heap and the process's resident memory growth per concurrent agent,
// excluding the browsers (separate processes).
func BenchmarkRunnerMemoryPerAgent(b *testing.B) {
	provider := benchProvider(b, 5)
	mbox := startMailbox(b)
	srv := startDemo(b, mbox)
	b.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
	all, err := demo.LoadSuite()
	if err != nil {
		b.Fatal(err)
	}
	steps := slices.DeleteFunc(all, func(t *suite.Test) bool { return t.NeedsModel() })
	tests := steps[:5]
	runtime.GC()
	baseRSS := rssBytes(b)
	var peakRSS atomic.Int64
	var peakHeap atomic.Uint64
	for range b.N {
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			tick := time.NewTicker(50 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
					if r := rssBytes(b); r > peakRSS.Load() {
						peakRSS.Store(r)
					}
					var ms runtime.MemStats
					runtime.ReadMemStats(&ms)
					if ms.HeapInuse > peakHeap.Load() {
						peakHeap.Store(ms.HeapInuse)
					}
				}
			}
		}()
		r, err := runner.New(runner.Config{Browser: provider, BaseURL: srv.URL(), Parallel: 5, NoReplay: true,
			Secrets: demo.Secrets(), Mailbox: mbox.Mailbox(), ReportDir: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		runs := r.Run(context.Background(), tests)
		close(stop)
		<-done
		for _, run := range runs {
			if s := run.Status(); s != report.StatusPassed && s != report.StatusExpectedFailure {
				b.Fatalf("%s: %s %s", run.Name(), s, run.Message())
			}
		}
	}
	b.ReportMetric(float64(peakRSS.Load()-baseRSS)/5/(1<<20), "rss-MB/agent")
	b.ReportMetric(float64(peakRSS.Load())/(1<<20), "peak-rss-MB")
	b.ReportMetric(float64(peakHeap.Load())/(1<<20), "peak-heap-MB")
}

// rssBytes is this process's resident set size, from /proc/self/status.
func rssBytes(b *testing.B) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Skipf("no /proc: %v", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kb int64
			fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), &kb)
			return kb << 10
		}
	}
	b.Fatal("no VmRSS in /proc/self/status")
	return 0
}
