package report

import (
	"crypto/rand"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/suite"
)

// BenchmarkRecordStep measures what the Recorder adds to each agent step:
// writing a screenshot of typical size (≈100 KB) and keeping the step.
func BenchmarkRecordStep(b *testing.B) {
	shot := append([]byte(pngMagic), make([]byte, 100<<10)...)
	_, _ = rand.Read(shot[len(pngMagic):])
	rec, err := NewRecorder(RecorderConfig{Dir: b.TempDir(), Test: &suite.Test{Name: "Bench"}})
	if err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	b.SetBytes(int64(len(shot)))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		// Indices wrap so the benchmark overwrites files instead of
		// filling the disk.
		if err := rec.RecordStep(ctx, agent.Step{Index: i % 1000, Action: "click", Outcome: "clicked", Screenshot: shot}); err != nil {
			b.Fatal(err)
		}
	}
}

// bigRun is a run at the agent's limits: 10 tests of 115 model steps each.
func bigRun() []TestRun {
	runs := make([]TestRun, 10)
	for i := range runs {
		steps := make([]Step, agent.DefaultMaxIterations)
		for j := range steps {
			steps[j] = Step{Index: j, Action: "click", Args: map[string]any{"index": j}, Thought: "The next button should lead on.",
				Outcome: fmt.Sprintf(`clicked [%d] button "Next"; URL is now /page/%d`, j, j), URL: fmt.Sprintf("http://127.0.0.1:8080/page/%d", j),
				ObserveMS: 10, ModelMS: 900, ActMS: 15, InputTokens: 9000, OutputTokens: 120, Screenshot: fmt.Sprintf("screenshots/t%d/%03d.png", i, j)}
		}
		runs[i] = TestRun{
			Test:    &suite.Test{Name: fmt.Sprintf("Test %d", i), Pos: suite.Position{File: "big.yaml", Line: i*10 + 1}},
			Started: base,
			Result: &agent.Result{Verdict: agent.VerdictFailed, Summary: "the last page never loads", FailedStep: 114, Steps: 115, ModelCalls: 115,
				Usage: llm.Usage{InputTokens: 115 * 9000, OutputTokens: 115 * 120}, Duration: 2 * time.Minute, Mode: "model"},
			Steps: steps,
		}
	}
	return runs
}

func BenchmarkRenderHTML(b *testing.B) {
	runs := bigRun()
	b.ReportAllocs()
	for b.Loop() {
		if err := RenderHTML(io.Discard, runs, RunInfo{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteJUnit(b *testing.B) {
	runs := bigRun()
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteJUnit(io.Discard, runs, RunInfo{ReportDir: "out/report"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProgressStep is the cost of one step event on the terminal
// display, which only updates state; drawing happens on ticks.
func BenchmarkProgressStep(b *testing.B) {
	tick := make(chan time.Time)
	p := newTerminalProgress(io.Discard, terminalOptions{tick: tick})
	defer p.Close()
	tt := &suite.Test{Name: "Bench"}
	p.Started(tt)
	s := Step{Index: 1, Action: "click", Outcome: `clicked [12] button "Sign in"; URL is now /dashboard`}
	b.ReportAllocs()
	for b.Loop() {
		p.Step(tt, s)
	}
}
