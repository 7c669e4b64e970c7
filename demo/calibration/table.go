package calibration

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteTables prints one confusion table per mode, then a matrix of
// verdicts (variants × tests) and what each test caught.
func WriteTables(w io.Writer, rep *Report) error {
	for _, t := range rep.Tables {
		if !t.Ran {
			fmt.Fprintf(w, "mode %s: not run — %s\n\n", t.Mode, t.Reason)
			continue
		}
		bugs, drifts := 0, 0
		for _, v := range t.Variants {
			switch v.Kind {
			case "bug":
				bugs++
			case "drift":
				drifts++
			}
		}
		fmt.Fprintf(w, "mode %s: %d tests × %d variants (clean, %d bugs, %d benign drifts)\n", t.Mode, len(t.Tests), len(t.Variants), bugs, drifts)
		if t.Reason != "" {
			fmt.Fprintf(w, "  stopped early: %s\n", t.Reason)
		}
		c := t.Counts
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "  verdict\tshould pass\tshould fail\t\n")
		fmt.Fprintf(tw, "  passed\t%d\t%d false pass\t\n", c.TruePass, c.FalsePass)
		fmt.Fprintf(tw, "  failed\t%d false fail\t%d\t\n", c.FalseFail, c.TrueFail)
		fmt.Fprintf(tw, "  error\t%d\t%d\t\n", c.ErrShouldOK, c.ErrShouldFix)
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintf(w, "  false-pass rate %.1f %%, false-fail rate %.1f %%, skipped %d\n", c.FalsePassPct, c.FalseFailPct, c.Skipped)

		// The matrix: one column per test, numbered.
		for i, name := range t.Tests {
			fmt.Fprintf(w, "  T%-2d %s\n", i+1, name)
		}
		tw = tabwriter.NewWriter(w, 0, 0, 1, ' ', 0)
		head := []string{"  variant", "kind"}
		for i := range t.Tests {
			head = append(head, fmt.Sprintf("T%d", i+1))
		}
		fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
		for _, v := range t.Variants {
			kind := string(v.Kind)
			if kind == "" {
				kind = "-"
			}
			row := []string{"  " + v.Name, kind}
			for _, r := range v.Results {
				row = append(row, cell(r))
			}
			fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintln(w, "  cells: p passed, f failed, e error, s skipped; upper case where the test should fail; ! marks a wrong verdict")
		for _, name := range t.Tests {
			if caught := t.Caught[name]; len(caught) > 0 {
				fmt.Fprintf(w, "  %s caught %d: %s\n", name, len(caught), strings.Join(caught, ", "))
			}
		}
		if len(t.Missed) > 0 {
			fmt.Fprintf(w, "  bugs no test caught: %s\n", strings.Join(t.Missed, ", "))
		}
		for _, v := range t.Variants {
			for _, r := range v.Results {
				if wrong(r) || r.Outcome == "error" {
					fmt.Fprintf(w, "  %s / %s: %s — %s\n", v.Name, r.Test, r.Status, oneLine(r.Message))
				}
			}
		}
		fmt.Fprintln(w)
	}
	return nil
}

func wrong(r Result) bool {
	return (r.Outcome == "passed" && r.ShouldFail) || (r.Outcome == "failed" && !r.ShouldFail)
}

func cell(r Result) string {
	c := r.Outcome[:1]
	if r.ShouldFail {
		c = strings.ToUpper(c)
	}
	if wrong(r) {
		c += "!"
	}
	return c
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 160 {
		s = s[:157] + "..."
	}
	return s
}
