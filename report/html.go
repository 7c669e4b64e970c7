package report

import (
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"github.com/argusqa/argus/suite"
)

// HTMLFile is the HTML report's file name inside the report directory.
const HTMLFile = "index.html"

//go:embed templates/report.html templates/report.css
var templateFS embed.FS

// WriteHTML writes the HTML report of runs to dir/index.html, creating dir
// if needed. The file replaces any earlier one only once it is complete.
// Screenshot paths in the steps are relative to dir, where the Recorder
// wrote them.
func WriteHTML(dir string, runs []TestRun, info RunInfo) error {
	return writeFileAtomic(filepath.Join(dir, HTMLFile), func(w io.Writer) error { return RenderHTML(w, runs, info) })
}

// RenderHTML writes the HTML report of runs to w: one self-contained page
// (its CSS inline, no script, no external asset; light and dark colour
// schemes) with the run's summary at the top and a section per test with
// its verdict, summary, checkpoints and step timeline. Screenshots are
// linked by their paths relative to the report directory.
//
// Every text comes from TestRun — test names, summaries, outcomes, page
// URLs, model thoughts — and is escaped by html/template. A Content
// Security Policy forbids scripts and outside resources as a second line
// of defence.
func RenderHTML(w io.Writer, runs []TestRun, info RunInfo) error {
	if err := checkRuns(runs); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	css, err := templateFS.ReadFile("templates/report.css")
	if err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	tmpl, err := template.ParseFS(templateFS, "templates/report.html")
	if err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	page := newHTMLPage(runs, info.WithDefaults(runs), string(css))
	if err := tmpl.Execute(w, page); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	return nil
}

// htmlPage is what the template shows: everything preformatted, so the
// template only places and escapes.
type htmlPage struct {
	Title      string
	CSP        string
	CSS        template.CSS
	Started    string
	StartedISO string
	BaseURL    string
	Model      string
	ExitCode   int
	Verdict    string
	Counts     []htmlCount
	Tests      string
	Elapsed    string
	Steps      string
	ModelCalls string
	Tokens     string
	TestList   []htmlTest
}

type htmlCount struct {
	Status Status
	Label  string
	Icon   string
	N      string
}

type htmlTest struct {
	ID, Name        string
	Status          Status
	Label, Icon     string
	Where           string
	Tags            []string
	Ran             bool
	Duration        string
	StepCount       string
	ModelCalls      string
	Tokens          string
	Mode            string
	ExpectedFailure string
	MessageLabel    string
	Message         string
	FailingID       string
	FailingIndex    int
	Checkpoints     []htmlCheckpoint
	Steps           []htmlStep
	Video           string
}

type htmlCheckpoint struct {
	Text      string
	Verified  bool
	StepID    string
	StepIndex int
	Evidence  string
}

type htmlStep struct {
	ID                 string
	Index              int
	Description        string
	Thought            string
	Outcome            string
	URL                string
	Failed, Failing    bool
	ObserveMS, ModelMS string
	ActMS              string
	Tokens             bool
	InputTokens        string
	OutputTokens       string
	Screenshot         string
}

// statusIcon is the symbol beside a status label. Failed and error differ
// in word, symbol, colour and shape, so no one has to rely on colour.
func statusIcon(s Status) string {
	switch s {
	case StatusPassed, StatusExpectedFailure:
		return "✓"
	case StatusFailed, StatusUnexpectedPass:
		return "✗"
	case StatusError:
		return "!"
	}
	return "–"
}

func newHTMLPage(runs []TestRun, info RunInfo, css string) *htmlPage {
	tot := Count(runs)
	sum := sha256.Sum256([]byte(css))
	p := &htmlPage{
		Title: "Argus report", CSS: template.CSS(css),
		// No script may run and nothing may load from elsewhere: the page
		// shows text a tested application supplied.
		CSP:      "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; base-uri 'none'; form-action 'none'",
		BaseURL:  cleanText(info.BaseURL),
		Model:    cleanText(info.Model),
		ExitCode: ExitCode(runs),
		Verdict:  verdictLine(runs, tot),
		Tests:    formatCount(tot.Tests), Elapsed: formatDuration(info.Elapsed), Steps: formatCount(tot.Steps),
		ModelCalls: formatCount(tot.ModelCalls), Tokens: formatCount(tot.Usage.Total()),
	}
	if info.Name != "argus" {
		p.Title = "Argus report: " + cleanText(info.Name)
	}
	if !info.Started.IsZero() {
		p.Started = info.Started.Format("2006-01-02 15:04:05 MST")
		p.StartedISO = info.Started.Format(time.RFC3339)
	}
	for _, st := range allStatuses() {
		if n := tot.ByStatus[st]; n > 0 {
			p.Counts = append(p.Counts, htmlCount{Status: st, Label: st.Label(), Icon: statusIcon(st), N: formatCount(n)})
		}
	}
	slugs := Slugs(testsOf(runs))
	for i := range runs {
		p.TestList = append(p.TestList, newHTMLTest(&runs[i], "t-"+slugs[i]))
	}
	return p
}

func newHTMLTest(r *TestRun, id string) htmlTest {
	st := r.Status()
	t := htmlTest{
		ID: id, Name: cleanText(r.Name()), Status: st, Label: st.Label(), Icon: statusIcon(st),
		ExpectedFailure: cleanText(r.Test.ExpectedFailure), Message: cleanText(r.Message()),
	}
	for _, tag := range r.Test.Tags {
		t.Tags = append(t.Tags, cleanText(tag))
	}
	if r.Test.Pos.File != "" {
		t.Where = r.Test.Pos.String()
	}
	switch st {
	case StatusExpectedFailure:
		t.MessageLabel = "Caught:"
	case StatusUnexpectedPass:
		t.MessageLabel = "Passed, but it was expected to fail. If the problem is fixed, remove expected_failure from the test."
	case StatusSkipped:
		t.MessageLabel = "Skipped:"
	case StatusError:
		t.MessageLabel = "Argus could not find out:"
	}
	if res := r.Result; res != nil {
		t.Ran = true
		t.Duration = formatDuration(res.Duration)
		t.StepCount = plural(res.Steps, "step", "steps")
		t.ModelCalls = plural(res.ModelCalls, "model call", "model calls")
		t.Tokens = formatCount(res.Usage.Total())
		t.Mode = res.Mode
	}
	if reportPath(r.Video) {
		t.Video = r.Video
	}
	stepID := func(i int) string { return fmt.Sprintf("%s-step-%d", id, i) }
	has := map[int]bool{}
	failing := r.FailingStep()
	for i := range r.Steps {
		s := &r.Steps[i]
		has[s.Index] = true
		hs := htmlStep{
			ID: stepID(s.Index), Index: s.Index, Description: cleanText(s.Description()), Thought: cleanText(s.Thought),
			Outcome: cleanText(s.Outcome), URL: cleanText(s.URL), Failed: s.Failed, Failing: s == failing,
			ObserveMS: formatCount(s.ObserveMS), ModelMS: formatCount(s.ModelMS), ActMS: formatCount(s.ActMS),
			Tokens: s.Tokens() > 0, InputTokens: formatCount(s.InputTokens), OutputTokens: formatCount(s.OutputTokens),
		}
		if reportPath(s.Screenshot) {
			hs.Screenshot = s.Screenshot
		}
		t.Steps = append(t.Steps, hs)
	}
	if failing != nil {
		t.FailingID, t.FailingIndex = stepID(failing.Index), failing.Index
	}
	if r.Result != nil {
		for _, c := range r.Result.Checkpoints {
			hc := htmlCheckpoint{Text: cleanText(c.Checkpoint), Verified: c.Verified, Evidence: cleanText(c.Evidence), StepIndex: c.Step}
			if c.Verified && has[c.Step] {
				hc.StepID = stepID(c.Step)
			}
			t.Checkpoints = append(t.Checkpoints, hc)
		}
	}
	return t
}

func testsOf(runs []TestRun) []*suite.Test {
	out := make([]*suite.Test, len(runs))
	for i := range runs {
		out[i] = runs[i].Test
	}
	return out
}

// cleanText readies text for the page: html/template escapes markup, but
// terminal escape sequences, other control characters and bidirectional
// overrides (which can make text read differently from what it is) would
// pass through, so they go here. Line breaks stay.
func cleanText(s string) string {
	s = strings.ToValidUTF8(stripEscapes(s), "\uFFFD")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case unicode.IsControl(r) || isBidiControl(r):
			return ' '
		}
		return r
	}, s)
}

// reportPath reports whether p is a path inside the report directory, the
// only kind of screenshot reference the page links to.
func reportPath(p string) bool {
	return p != "" && !strings.ContainsAny(p, ":\\?#") && filepath.IsLocal(filepath.FromSlash(p))
}
