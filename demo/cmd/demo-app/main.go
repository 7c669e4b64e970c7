// Command demo-app runs the Argus demo application on its own, for
// exploring it by hand or pointing a test run at it:
//
//	go run ./demo/cmd/demo-app -addr 127.0.0.1:8080
//
// It listens on a loopback address only and stops on Ctrl-C.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/argusqa/argus/demo/app"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "demo-app:", err)
		os.Exit(1)
	}
}

func run() error {
	addr := flag.String("addr", "127.0.0.1:8080", "loopback address to listen on (127.0.0.1:0 picks a free port)")
	mutant := flag.String("mutant", os.Getenv("ARGUS_DEMO_MUTANT"), "start with this injected bug or benign drift (calibration; env ARGUS_DEMO_MUTANT); -mutant list prints them")
	flag.Parse()
	if flag.NArg() > 0 {
		return errors.New("unexpected arguments; the flags are -addr and -mutant")
	}
	if *mutant == "list" {
		for _, m := range app.Mutants() {
			fmt.Printf("%-34s %-5s %s\n", m.Name, m.Kind, m.Description)
		}
		return nil
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	srv, err := app.Start(ctx, app.ServerConfig{Addr: *addr, App: app.Config{Logger: logger, Mutant: *mutant}})
	if err != nil {
		return err
	}
	if *mutant != "" {
		fmt.Printf("Running with the mutant %s.\n", *mutant)
	}
	fmt.Printf("Demo app running at %s\nLog in as %s with password %s. Press Ctrl-C to stop.\n", srv.URL(), app.DemoEmail, app.DemoPassword)
	<-ctx.Done()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}
