package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/argusqa/argus/demo/app"
	"github.com/argusqa/argus/demo/calibration"
	"github.com/argusqa/argus/internal/config"
)

// calibrateSettings are the settings `argus calibrate` reads.
var calibrateSettings = []config.Setting{
	config.Browser, config.GridURL, config.GridProxyAddress, config.BrowserImage, config.BrowserNetwork,
	config.BrowserIdleTimeout, config.PageLoadTimeout, config.Model,
	config.LogLevel, config.LogFormat,
}

// runCalibrate runs the demo suite against the clean demo app and each of
// its mutants, in every mode available, and prints the confusion tables.
func runCalibrate(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "calibrate", "calibrate [flags]")
	out := fs.String("out", "out/calibration.json", "where to write the results as JSON")
	parallel := fs.Int("parallel", 2, "tests at once (1–5)")
	list := fs.Bool("list", false, "list the mutants and exit")
	var mutants, names multiFlag
	fs.Var(&mutants, "mutant", "calibrate against this mutant only (repeatable; default every mutant)")
	fs.Var(&names, "name", "run only the demo test with this exact name (repeatable)")
	cfg, rest, err := loadConfig(e, fs, args, calibrateSettings...)
	if err != nil {
		return err
	}
	quietLogs(fs, cfg, e.getenv)
	if len(rest) > 0 {
		return usagef("calibrate takes no arguments, got %q", strings.Join(rest, " "))
	}
	if *list {
		for _, m := range app.Mutants() {
			fmt.Fprintf(e.stdout, "%-34s %-5s %s\n", m.Name, m.Kind, m.Description)
		}
		return nil
	}
	if *parallel < 1 || *parallel > 5 {
		return usagef("--parallel %d: between 1 and 5", *parallel)
	}
	for _, m := range mutants {
		if _, ok := app.LookupMutant(m); !ok {
			return usagef("--mutant %q: unknown; `argus calibrate --list` prints the mutants", m)
		}
	}
	log := cfg.Logger(e.stderr)
	model, err := openModel(ctx, cfg, e.getenv, log)
	if err != nil {
		return err
	}
	browsers, err := openBrowsers(ctx, cfg, *parallel, "http://127.0.0.1/", log)
	if err != nil {
		return err
	}
	defer closeBrowsers(ctx, browsers, log)

	fmt.Fprintf(e.stdout, "calibrating the demo suite with %s\n", describeModel(model))
	ccfg := calibration.Config{Browser: browsers, Model: model, Tests: names, Parallel: *parallel, Logger: log,
		Progress: func(mode calibration.Mode, variant string, results []calibration.Result) {
			wrong := 0
			for _, r := range results {
				if (r.Outcome == "passed") == r.ShouldFail && (r.Outcome == "passed" || r.Outcome == "failed") {
					wrong++
				}
			}
			fmt.Fprintf(e.stderr, "  %s %-34s %d tests, %d wrong\n", mode, variant, len(results), wrong)
		}}
	if len(mutants) > 0 {
		ccfg.Mutants = mutants
	}
	rep, err := calibration.Run(ctx, ccfg)
	if err != nil {
		if ctx.Err() != nil {
			return &exitError{code: exitUsage, msg: "interrupted"}
		}
		return err
	}
	fmt.Fprintln(e.stdout)
	if err := calibration.WriteTables(e.stdout, rep); err != nil {
		return err
	}
	host, _ := os.Hostname()
	data, err := json.MarshalIndent(struct {
		Machine string `json:"machine"`
		*calibration.Report
	}{fmt.Sprintf("%s, %d cores", host, runtime.NumCPU()), rep}, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(*out, append(data, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s\n", *out)
	return nil
}
