// Command argus is the Argus binary: the server, the workers, the CLI
// runner and the administrative commands, chosen by the first argument.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"

	"github.com/argusqa/argus/internal/config"
)

// Exit codes shared by every command. For `argus run` they also carry the
// verdict: 1 when a test failed, 2 when Argus could not tell.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

// env is what a command may touch of the outside world; tests give their
// own.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

type command struct {
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

func commands() map[string]command {
	return map[string]command{
		"migrate":   {"apply or inspect database migrations (up, down, status)", runMigrate},
		"admin":     {"bootstrap tenants, users and API keys", runAdmin},
		"mcp":       {"serve the MCP tools over stdio for a coding agent, running tests in this process", runMCP},
		"run":       {"run test files against an application, in this process (no database needed)", runRun},
		"demo":      {"start the demo app and run the demo suite against it", runDemo},
		"calibrate": {"run the demo suite against the demo app with injected bugs and print how often verdicts are wrong", runCalibrate},
		"discover":  {"map an application's pages and forms and suggest tests (no database needed)", runDiscover},
		"serve":     {"serve the REST API and web UI (--with-worker also runs agents)", runServe},
		"worker":    {"run queued agents in browsers on this host (River workers)", runWorker},
		"version":   {"print the version", runVersion},
	}
}

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv})
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, e *env) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(e.stdout, cmds)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "argus: unknown command %q; run `argus help` for the list\n", args[0])
		return exitUsage
	}
	err := cmd.run(ctx, e, args[1:])
	return exitCode(e.stderr, args[0], err)
}

// exitCode prints err and maps it to an exit code.
func exitCode(w io.Writer, name string, err error) int {
	var exit *exitError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &exit):
		if exit.msg != "" {
			fmt.Fprintf(w, "argus %s: %s\n", name, exit.msg)
		}
		return exit.code
	case config.IsConfigError(err) || isUsage(err):
		fmt.Fprintf(w, "argus %s: %v\n", name, err)
		return exitUsage
	default:
		fmt.Fprintf(w, "argus %s: %v\n", name, err)
		return exitFail
	}
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "Usage: argus <command> [flags]")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun `argus <command> -h` for a command's flags. Every flag has an environment variable of the same meaning.")
}

func runVersion(_ context.Context, e *env, _ []string) error {
	fmt.Fprintln(e.stdout, "argus", version)
	return nil
}

// usageError is bad input from the person at the keyboard: exit code 2.
type usageError struct{ msg string }

func (u *usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

func isUsage(err error) bool {
	var u *usageError
	return errors.As(err, &u)
}

// exitError ends a command with a specific code, after the command has
// printed what it wanted to say.
type exitError struct {
	code int
	msg  string
}

func (x *exitError) Error() string { return fmt.Sprintf("exit %d: %s", x.code, x.msg) }

// newFlagSet makes a flag set that reports errors instead of exiting, and
// prints its help to the command's stderr.
func newFlagSet(e *env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("argus "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: argus %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// loadConfig parses flags and environment into a Config, turning flag
// parse errors into usage errors.
func loadConfig(e *env, fs *flag.FlagSet, args []string, settings ...config.Setting) (*config.Config, []string, error) {
	cfg, rest, err := config.Load(fs, args, e.getenv, settings...)
	if err != nil && !errors.Is(err, flag.ErrHelp) && !config.IsConfigError(err) {
		return nil, nil, &usageError{msg: err.Error()}
	}
	return cfg, rest, err
}
