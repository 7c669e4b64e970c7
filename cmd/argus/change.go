package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/internal/config"
)

// change is what `argus run --server --changed-files/--since` asks the
// server to select tests for.
type change struct {
	files   []string
	commits []api.SelectCommit
}

// readChange reads the change the settings name: a file (or standard
// input) of paths, the change since a git ref, or both together. nil when
// neither is set.
func readChange(ctx context.Context, e *env, cfg *config.Config) (*change, error) {
	if cfg.ChangedFiles == "" && cfg.Since == "" {
		return nil, nil
	}
	ch := &change{}
	if cfg.ChangedFiles != "" {
		var r io.Reader = e.stdin
		if cfg.ChangedFiles != "-" {
			f, err := os.Open(cfg.ChangedFiles)
			if err != nil {
				return nil, usagef("--changed-files: %v", err)
			}
			defer f.Close()
			r = f
		}
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			if p := strings.TrimSpace(sc.Text()); p != "" {
				ch.files = append(ch.files, p)
			}
		}
		if err := sc.Err(); err != nil {
			return nil, usagef("--changed-files: %v", err)
		}
	}
	if cfg.Since != "" {
		files, commits, err := gitChange(ctx, "", cfg.Since)
		if err != nil {
			return nil, err
		}
		ch.files = append(ch.files, files...)
		ch.commits = commits
	}
	return ch, nil
}

// gitChange runs the git binary in dir (the working directory when
// empty): the paths changed between since's merge base and HEAD, and the
// commits since it with their messages.
func gitChange(ctx context.Context, dir, since string) ([]string, []api.SelectCommit, error) {
	git := func(args ...string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, "git", args...)
		cmd.Dir = dir
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			if msg := strings.TrimSpace(stderr.String()); msg != "" {
				return nil, usagef("--since %s: git %s: %s", since, args[0], msg)
			}
			return nil, usagef("--since %s: git %s: %v", since, args[0], err)
		}
		return out, nil
	}
	// --end-of-options keeps a ref from being read as an option.
	names, err := git("diff", "--name-only", "--no-renames", "--end-of-options", since+"...HEAD")
	if err != nil {
		return nil, nil, err
	}
	var files []string
	for l := range strings.SplitSeq(string(names), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			files = append(files, l)
		}
	}
	log, err := git("log", "--format=%H%x00%B%x1e", "--end-of-options", since+"..HEAD")
	if err != nil {
		return nil, nil, err
	}
	var commits []api.SelectCommit
	for rec := range strings.SplitSeq(string(log), "\x1e") {
		sha, msg, ok := strings.Cut(strings.TrimSpace(rec), "\x00")
		if ok {
			commits = append(commits, api.SelectCommit{SHA: sha, Message: strings.TrimSpace(msg)})
		}
	}
	return files, commits, nil
}

// printSelection says which tests the server picked and why.
func printSelection(e *env, sel *api.Selection) {
	if sel.Fallback != "" {
		fmt.Fprintf(e.stdout, "selection: %s; the covers: globs and tags chose instead\n", sel.Fallback)
	}
	if len(sel.Tests) == 0 {
		fmt.Fprintln(e.stdout, "selection: no test covers this change; nothing to run")
		return
	}
	method := sel.Method
	if sel.Model != "" {
		method += " " + sel.Model
	}
	fmt.Fprintf(e.stdout, "selection (%s): %d %s\n", method, len(sel.Tests), plural(len(sel.Tests), "test", "tests"))
	for _, t := range sel.Tests {
		fmt.Fprintf(e.stdout, "  %s — %s\n", t.Name, t.Reason)
	}
}
