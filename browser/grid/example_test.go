package grid_test

import (
	"context"
	"log"

	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/browser/grid"
)

func ExampleNew() {
	ctx := context.Background()
	p, err := grid.New(grid.Config{URL: "http://selenium-hub:4444"})
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close(ctx)
	s, err := p.Acquire(ctx, browser.AcquireOptions{AgentID: "agent-7"})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close(ctx)
}
