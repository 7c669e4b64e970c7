package report

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// The JUnit XML that WriteJUnit produces follows the de-facto schema that
// Jenkins, GitLab, GitHub test reporters and most CI dashboards read:
//
//	<testsuites name tests failures errors skipped time timestamp>
//	  <testsuite name tests failures errors skipped time timestamp>   one per test file, one per plan
//	    <properties><property name value/>…</properties>
//	    <testcase name classname time file line>                        one per test
//	      <failure message type>…</failure> | <error …>…</error> | <skipped message/>
//	      <system-out>numbered steps…</system-out>
//
// classname is the test's file, so reporters group tests by file. Times are
// in seconds with millisecond precision; timestamps are UTC without a zone
// suffix, the form the original JUnit schema requires.

type junitSuites struct {
	XMLName   xml.Name     `xml:"testsuites"`
	Name      string       `xml:"name,attr"`
	Tests     int          `xml:"tests,attr"`
	Failures  int          `xml:"failures,attr"`
	Errors    int          `xml:"errors,attr"`
	Skipped   int          `xml:"skipped,attr"`
	Time      string       `xml:"time,attr"`
	Timestamp string       `xml:"timestamp,attr,omitempty"`
	Suites    []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Skipped   *junitSkipped `xml:"skipped"`
	Error     *junitProblem `xml:"error"`
	Failure   *junitProblem `xml:"failure"`
	SystemOut *junitText    `xml:"system-out"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",innerxml"` // escaped by xmlText
}

// junitText is element content escaped by xmlText.
type junitText struct {
	Text string `xml:",innerxml"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// junitTimestamp is the timestamp form of the JUnit schema: ISO 8601,
// seconds, no zone (we write UTC).
const junitTimestamp = "2006-01-02T15:04:05"

// WriteJUnit writes runs as JUnit XML to w: one testsuite per test file,
// one testcase per test, in the order of runs.
//
// Failed tests get a <failure> whose message is the summary and whose type
// is the reason ("expectation", "step", …); tests that ended in error or
// could not start get an <error> instead, so CI keeps the two apart.
// Expected failures are passing testcases whose system-out says they failed
// as expected; an expected failure that passed is a <failure> with the
// message "expected to fail: …". Skipped tests get <skipped message>.
// system-out holds the numbered step list, and for GitLab and the Jenkins
// attachments plugin an [[ATTACHMENT|path]] line naming the screenshot of
// the failing (or last) step.
func WriteJUnit(w io.Writer, runs []TestRun, info RunInfo) error {
	if err := checkRuns(runs); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	info = info.WithDefaults(runs)
	doc := junitSuites{Name: info.Name, Time: seconds(info.Elapsed), Timestamp: timestamp(info.Started)}
	index := map[string]int{}
	var times []time.Duration // per suite
	for i := range runs {
		r := &runs[i]
		file := filepath.ToSlash(r.Test.Pos.File)
		if file == "" {
			file = info.Name
		}
		// A plan's tests form one testsuite, named after the plan, so CI
		// shows the flow together.
		group, props := file, junitProperties(info)
		if p := r.Test.Plan; p != nil {
			group = "plan: " + p.Name
			props = append(props, junitProperty{Name: "argus.plan", Value: p.Name})
		}
		si, ok := index[group]
		if !ok {
			si = len(doc.Suites)
			index[group] = si
			doc.Suites = append(doc.Suites, junitSuite{Name: group, Properties: props})
			times = append(times, 0)
		}
		times[si] += r.Duration()
		s := &doc.Suites[si]
		c := junitTestCase(r, file, info.ReportDir)
		s.Cases = append(s.Cases, c)
		s.Tests++
		doc.Tests++
		switch {
		case c.Failure != nil:
			s.Failures++
			doc.Failures++
		case c.Error != nil:
			s.Errors++
			doc.Errors++
		case c.Skipped != nil:
			s.Skipped++
			doc.Skipped++
		}
		if !r.Started.IsZero() && (s.Timestamp == "" || timestamp(r.Started) < s.Timestamp) {
			s.Timestamp = timestamp(r.Started)
		}
	}
	for si := range doc.Suites {
		doc.Suites[si].Time = seconds(times[si])
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	return nil
}

func junitProperties(info RunInfo) []junitProperty {
	var ps []junitProperty
	if info.Model != "" {
		ps = append(ps, junitProperty{Name: "argus.model", Value: info.Model})
	}
	if info.BaseURL != "" {
		ps = append(ps, junitProperty{Name: "argus.base_url", Value: info.BaseURL})
	}
	return ps
}

func junitTestCase(r *TestRun, file, reportDir string) junitCase {
	c := junitCase{
		Name: r.Test.Name, Classname: file, Time: seconds(r.Duration()),
		File: filepath.ToSlash(r.Test.Pos.File), Line: r.Test.Pos.Line,
	}
	var out strings.Builder
	writeStepList(&out, r, reportDir)
	detail := junitDetail(r, reportDir)
	switch st := r.Status(); st {
	case StatusFailed:
		c.Failure = &junitProblem{Message: r.Message(), Type: r.Reason(), Text: xmlText(detail)}
	case StatusUnexpectedPass:
		c.Failure = &junitProblem{Message: "expected to fail: " + r.Test.ExpectedFailure, Type: r.Reason(),
			Text: xmlText("The test passed although it is marked expected_failure. If the problem is fixed, remove expected_failure from the test.\n" + detail)}
	case StatusError:
		c.Error = &junitProblem{Message: r.Message(), Type: r.Reason(), Text: xmlText(detail)}
	case StatusSkipped:
		c.Skipped = &junitSkipped{Message: r.Message()}
	}
	if shot := r.LastScreenshot(); shot != "" {
		fmt.Fprintf(&out, "\n[[ATTACHMENT|%s]]\n", filepath.ToSlash(screenshotPath(reportDir, shot)))
	}
	c.SystemOut = &junitText{Text: xmlText(out.String())}
	return c
}

// junitDetail is the body of a failure or error: the summary and the step
// that failed, which is what a CI page shows first.
func junitDetail(r *TestRun, reportDir string) string {
	var b strings.Builder
	b.WriteString(oneLine(r.Message(), 0))
	b.WriteByte('\n')
	if s := r.FailingStep(); s != nil {
		fmt.Fprintf(&b, "Failing step %d: %s\n", s.Index, oneLine(s.Description(), 0))
		if s.Outcome != "" {
			fmt.Fprintf(&b, "  %s\n", oneLine(s.Outcome, 0))
		}
		if s.Screenshot != "" {
			fmt.Fprintf(&b, "  screenshot: %s\n", screenshotPath(reportDir, s.Screenshot))
		}
	}
	if r.Test.Pos.File != "" {
		fmt.Fprintf(&b, "Test defined at %s\n", r.Test.Pos)
	}
	return b.String()
}

// WriteJUnitFile writes the JUnit XML to path, through a temporary file in
// the same directory so a reader never sees half a file.
func WriteJUnitFile(path string, runs []TestRun, info RunInfo) error {
	return writeFileAtomic(path, func(w io.Writer) error { return WriteJUnit(w, runs, info) })
}

// writeFileAtomic creates path's directory if needed and replaces path
// with what write produces, or leaves it untouched on error.
func writeFileAtomic(path string, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := write(f); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Chmod(0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// xmlText escapes s as XML character data. encoding/xml would also turn
// every newline into "&#xA;", which parsers undo but people reading the
// file in a CI artifact browser cannot; this keeps newlines as they are.
// Characters XML 1.0 cannot carry at all (most control characters, broken
// UTF-8) become U+FFFD.
func xmlText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '\r':
			b.WriteString("&#xD;")
		case r == '\n' || r == '\t' || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF:
			b.WriteRune(r)
		default:
			b.WriteRune('\uFFFD')
		}
	}
	return b.String()
}

// checkRuns rejects TestRuns that cannot be reported.
func checkRuns(runs []TestRun) error {
	var errs []error
	for i := range runs {
		if runs[i].Test == nil {
			errs = append(errs, fmt.Errorf("test run %d has no test", i))
		}
	}
	return errors.Join(errs...)
}

func seconds(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 3, 64) }

func timestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(junitTimestamp)
}
