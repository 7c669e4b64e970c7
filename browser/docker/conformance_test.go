package docker

import (
	"testing"
	"time"

	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/browser/browsertest"
)

// TestConformance runs the browser contract every provider must meet
// against containers. Host networking lets the containers reach the
// suite's page server on the host's loopback; the default warm spare means
// most sessions are claimed spares.
func TestConformance(t *testing.T) {
	c := dockerClient(t)
	browsertest.RunWithOptions(t, func(t *testing.T) browser.Provider {
		return newTestProvider(t, Config{Docker: c, Network: "host"})
	}, browsertest.Options{Timeout: 2 * time.Minute})
}
