package local_test

import (
	"log/slog"
	"os"
	"testing"

	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/browser/browsertest"
	"github.com/argusqa/argus/browser/local"
)

func testLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

func TestConformance(t *testing.T) {
	browsertest.Run(t, func(t *testing.T) browser.Provider {
		p, err := local.New(local.Config{Logger: testLogger()})
		if err != nil {
			t.Fatal(err)
		}
		return p
	})
}
