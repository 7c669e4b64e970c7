package config

import (
	"errors"
	"strings"
)

// Settings of `argus run --server`: running tests on a shared Argus server.
var (
	Server = Setting{
		Env: "ARGUS_SERVER", Flag: "server",
		Usage: "argus run: run the tests on this Argus server instead of in-process (needs ARGUS_API_KEY and ARGUS_PROJECT)", Example: "https://argus.example.com",
		apply: func(c *Config, raw string) error {
			if raw == "" {
				return nil
			}
			if err := checkHTTPURL(raw); err != nil {
				return err
			}
			c.Server = strings.TrimRight(raw, "/")
			return nil
		},
	}
	APIKey = Setting{
		Env: "ARGUS_API_KEY", Flag: "api-key", Secret: true,
		Usage: "argus run --server: the API key (argus_…) the CLI authenticates with", Example: "argus_…",
		apply: func(c *Config, raw string) error {
			if raw != "" && !strings.HasPrefix(raw, "argus_") {
				return errors.New("must be an Argus API key, which starts with argus_")
			}
			c.APIKey = raw
			return nil
		},
	}
	Project = Setting{
		Env: "ARGUS_PROJECT", Flag: "project",
		Usage: "argus run --server: the project (its id or name) the tests belong to", Example: "web-shop",
		apply: func(c *Config, raw string) error { c.Project = raw; return nil },
	}
	Commit = Setting{
		Env: "ARGUS_COMMIT", Flag: "commit",
		Usage: "argus run --server: the commit under test, recorded on the run (default $GITHUB_SHA)", Example: "4f2a9c1",
		apply: func(c *Config, raw string) error { c.Commit = raw; return nil },
	}
	Branch = Setting{
		Env: "ARGUS_BRANCH", Flag: "branch",
		Usage: "argus run --server: the branch under test, recorded on the run (default $GITHUB_REF_NAME)", Example: "main",
		apply: func(c *Config, raw string) error { c.Branch = raw; return nil },
	}
	ChangedFiles = Setting{
		Env: "ARGUS_CHANGED_FILES", Flag: "changed-files",
		Usage: "argus run --server: a file listing the changed paths, one a line (- for standard input); the server picks the tests whose covers: globs or tags they touch (at most 5) and runs only those", Example: "changed.txt",
		apply: func(c *Config, raw string) error { c.ChangedFiles = raw; return nil },
	}
	Since = Setting{
		Env: "ARGUS_SINCE", Flag: "since",
		Usage: "argus run --server: a git ref; the change since it (git diff --name-only REF...HEAD and git log REF..HEAD) selects the tests to run, as --changed-files does", Example: "origin/main",
		apply: func(c *Config, raw string) error {
			if strings.HasPrefix(raw, "-") {
				return errors.New("must be a git ref such as origin/main, not an option")
			}
			c.Since = raw
			return nil
		},
	}
)
