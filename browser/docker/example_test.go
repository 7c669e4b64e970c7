package docker_test

import (
	"context"
	"log"
	"log/slog"
	"time"

	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/browser/docker"
)

// A worker starts one provider for its node, warms it up before taking
// jobs, and gives every agent its own container.
func Example() {
	ctx := context.Background()
	p, err := docker.New(ctx, docker.Config{
		// Defaults: image argus-browser:1, 5 containers per node, one warm
		// spare, 600 s idle timeout, removal within 5 s.
		Logger: slog.Default(),
	})
	if err != nil {
		log.Fatal(err) // e.g. no Docker engine, or the image was never built
	}
	defer p.Close(context.Background())
	if err := p.Warm(ctx); err != nil {
		log.Print(err) // agents still start, just colder
	}

	s, err := p.Acquire(ctx, browser.AcquireOptions{AgentID: "agent-42"})
	if err != nil {
		log.Fatal(err)
	}
	// Closing removes the container and frees its slot.
	defer s.Close(context.Background())
	if err := s.Navigate(ctx, "https://staging.example.com/"); err != nil {
		log.Print(err)
	}
}

// A periodic job can run the reaper on demand, in addition to the
// provider's own runs, to remove what a crashed worker left behind.
func ExampleProvider_Reap() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p, err := docker.New(ctx, docker.Config{NodeName: "worker-1"})
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close(context.Background())
	removed, err := p.Reap(ctx)
	if err != nil {
		log.Print(err)
	}
	log.Printf("removed %d orphaned browser containers", removed)
}
