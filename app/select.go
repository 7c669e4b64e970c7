package app

import (
	"cmp"
	"context"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/store"
	"github.com/argusqa/argus/suite"
)

// Limits of a selection request.
const (
	// DefaultSelectLimit is how many tests a selection picks at most
	// unless the request says otherwise (issue 16).
	DefaultSelectLimit = 5
	// MaxSelectLimit bounds the request's limit.
	MaxSelectLimit = 50
	// MaxSelectFiles and MaxSelectCommits bound what a change may list.
	MaxSelectFiles   = 5000
	MaxSelectCommits = 500
	// MaxSelectPathLen bounds one changed path, in bytes.
	MaxSelectPathLen = 1024
)

// Commit is one commit of a change.
type Commit struct {
	SHA, Message string
}

// SelectRequest describes a change CI wants tests for.
type SelectRequest struct {
	Project uuid.UUID
	Commits []Commit
	// Files are the changed paths, relative to the repository root as
	// `git diff --name-only` prints them.
	Files []string
	// Limit is the most tests picked; 0 means DefaultSelectLimit.
	Limit int
	// DryRun returns the choice without starting a run.
	DryRun bool
	// CommitSHA, Branch and IdempotencyKey are recorded on the run, as
	// for StartRun.
	CommitSHA, Branch, IdempotencyKey string
}

// Selected is one picked test with the reason it was picked.
type Selected struct {
	Test   *store.Test
	Reason string
}

// Selection is what Select chose, and the run it started (nil for a dry
// run or when nothing was picked).
type Selection struct {
	Tests []Selected
	// Method says how the tests were chosen: "model" (the configured
	// model ranked them) or "covers" (deterministic matching of the
	// changed paths against covers: globs and tags).
	Method string
	// Model names the model, for method "model".
	Model string
	// Fallback says why a configured model's ranking was not used.
	Fallback string
	Run      *StartedRun
}

// Select picks the project's tests a change touches, at most Limit, each
// with its reason, and unless DryRun starts a run of them, with the choice
// recorded on the run. With a SelectionModel the model ranks the tests
// (rankByModel); without one, or when it fails, the rules do: tests whose
// covers: globs match a changed path come first (more matched paths
// first), then tests with a tag that names a changed path's directory or
// file. A change that touches no test's globs or tags picks nothing.
func (a *App) Select(ctx context.Context, p *Principal, req SelectRequest) (*Selection, error) {
	if err := req.check(); err != nil {
		return nil, err
	}
	if _, err := a.store.GetProject(ctx, p.TenantID, req.Project); err != nil {
		return nil, err
	}
	var all []*store.Test
	for t, err := range a.store.AllTests(ctx, p.TenantID, store.TestFilter{ProjectID: &req.Project}) {
		if err != nil {
			return nil, err
		}
		all = append(all, t)
	}
	sel := a.choose(ctx, all, &req)
	if req.DryRun || len(sel.Tests) == 0 {
		return sel, nil
	}
	ids := make([]string, len(sel.Tests))
	rec := &store.RunSelection{Method: sel.Method, Model: sel.Model, Fallback: sel.Fallback,
		ChangedFiles: len(req.Files), Commits: len(req.Commits)}
	for i, s := range sel.Tests {
		ids[i] = s.Test.ID.String()
		rec.Tests = append(rec.Tests, api.SelectedTest{ID: s.Test.ID, Name: s.Test.Name, Reason: s.Reason})
	}
	started, err := a.StartRun(ctx, p, RunRequest{Project: req.Project, TestIDs: ids, CommitSHA: req.CommitSHA,
		Branch: req.Branch, IdempotencyKey: req.IdempotencyKey, Selection: rec})
	if err != nil {
		return nil, err
	}
	sel.Run = started
	return sel, nil
}

// choose ranks with the configured model, and falls back to the rules
// when there is none or it fails.
func (a *App) choose(ctx context.Context, tests []*store.Test, req *SelectRequest) *Selection {
	m := a.cfg.SelectionModel
	if m == nil || len(tests) == 0 {
		return &Selection{Method: "covers", Tests: matchChange(tests, req.Files, req.Commits, req.Limit)}
	}
	picked, err := rankByModel(ctx, m, tests, req)
	if err == nil {
		return &Selection{Method: "model", Model: m.Name(), Tests: picked}
	}
	if ctx.Err() != nil {
		// The caller gave up: the rules still answer, and say why.
		err = context.Cause(ctx)
	}
	a.cfg.Logger.Warn("selection: the model's ranking failed; the covers: and tag rules choose", "model", m.Name(), "error", err)
	msg, _, _ := strings.Cut(err.Error(), "\n")
	return &Selection{Method: "covers", Fallback: "the model " + m.Name() + " failed: " + truncate(msg, 300),
		Tests: matchChange(tests, req.Files, req.Commits, req.Limit)}
}

func (req *SelectRequest) check() error {
	var fields []FieldError
	switch {
	case req.Limit == 0:
		req.Limit = DefaultSelectLimit
	case req.Limit < 1 || req.Limit > MaxSelectLimit:
		fields = append(fields, FieldError{"limit", fmt.Sprintf("must be 1 to %d", MaxSelectLimit)})
	}
	if len(req.Files) == 0 && len(req.Commits) == 0 {
		fields = append(fields, FieldError{"changed_files", "give the changed files (and the commits) of the change"})
	}
	if len(req.Files) > MaxSelectFiles {
		fields = append(fields, FieldError{"changed_files", fmt.Sprintf("at most %d files", MaxSelectFiles)})
	}
	if len(req.Commits) > MaxSelectCommits {
		fields = append(fields, FieldError{"commits", fmt.Sprintf("at most %d commits", MaxSelectCommits)})
	}
	for i, f := range req.Files {
		if f == "" || len(f) > MaxSelectPathLen || strings.ContainsAny(f, "\x00\n") {
			fields = append(fields, FieldError{fmt.Sprintf("changed_files[%d]", i), fmt.Sprintf("a path of 1 to %d bytes on one line", MaxSelectPathLen)})
		}
	}
	if len(fields) > 0 {
		return invalid("the change is not valid", fields...)
	}
	return nil
}

// matchChange is the deterministic selection: covers: globs, then tags
// naming a changed path or written as a word in a commit message.
func matchChange(tests []*store.Test, files []string, commits []Commit, limit int) []Selected {
	type scored struct {
		Selected
		covered, tagged int
	}
	var picks []scored
	for _, t := range tests {
		var s scored
		var firstGlob, firstFile string
		for _, f := range files {
			for _, g := range t.Covers {
				if suite.MatchCover(g, f) {
					if s.covered == 0 {
						firstGlob, firstFile = g, f
					}
					s.covered++
					break
				}
			}
		}
		if s.covered > 0 {
			s.Reason = fmt.Sprintf("covers %s matches %s", firstGlob, firstFile)
			if s.covered > 1 {
				s.Reason += fmt.Sprintf(" and %d more changed files", s.covered-1)
			}
		} else {
			for _, f := range files {
				if tag, ok := tagNaming(t.Tags, f); ok {
					if s.tagged == 0 {
						s.Reason = fmt.Sprintf("tag %s names changed file %s", tag, f)
					}
					s.tagged++
				}
			}
			for _, c := range commits {
				if tag, ok := tagInMessage(t.Tags, c.Message); ok {
					if s.tagged == 0 {
						s.Reason = fmt.Sprintf("tag %s is named by commit %q", tag, firstLine(c.Message))
					}
					s.tagged++
				}
			}
		}
		if s.covered+s.tagged > 0 {
			s.Test = t
			picks = append(picks, s)
		}
	}
	slices.SortFunc(picks, func(a, b scored) int {
		if c := cmp.Compare(b.covered, a.covered); c != 0 {
			return c
		}
		if c := cmp.Compare(b.tagged, a.tagged); c != 0 {
			return c
		}
		return strings.Compare(a.Test.Name, b.Test.Name)
	})
	out := make([]Selected, 0, min(limit, len(picks)))
	for _, p := range picks[:min(limit, len(picks))] {
		out = append(out, p.Selected)
	}
	return out
}

// tagNaming reports a tag equal to a directory of file or to its base
// name without extension (tag checkout: demo/templates/checkout.html).
func tagNaming(tags []string, file string) (string, bool) {
	dir, base := path.Split(strings.ToLower(file))
	names := strings.Split(strings.Trim(dir, "/"), "/")
	names = append(names, strings.TrimSuffix(base, path.Ext(base)))
	for _, tag := range tags {
		if slices.Contains(names, tag) {
			return tag, true
		}
	}
	return "", false
}

// tagInMessage reports a tag written as a word of a commit message.
func tagInMessage(tags []string, msg string) (string, bool) {
	words := strings.FieldsFunc(strings.ToLower(msg), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("_.:/-", r))
	})
	for i, w := range words {
		words[i] = strings.Trim(w, "_.:/-")
	}
	for _, tag := range tags {
		if slices.Contains(words, tag) {
			return tag, true
		}
	}
	return "", false
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if len(s) > 72 {
		s = s[:72] + "…"
	}
	return s
}
