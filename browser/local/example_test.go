package local_test

import (
	"context"
	"log"

	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/browser/local"
)

func ExampleNew() {
	ctx := context.Background()
	p, err := local.New(local.Config{MaxSessions: 2})
	if err != nil {
		log.Fatal(err) // chromedriver or chromium missing
	}
	defer p.Close(ctx)

	s, err := p.Acquire(ctx, browser.AcquireOptions{AgentID: "agent-7"})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close(ctx) // ends chromedriver and Chromium, removes the profile
	_ = s.Navigate(ctx, "http://127.0.0.1:8080/")
}

func ExampleProvider_ReapOrphans() {
	ctx := context.Background()
	// New already reaped once and repeats every ReapInterval; a worker's
	// periodic job may ask again.
	p, err := local.New(local.Config{ReapInterval: -1})
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close(ctx)
	res, err := p.ReapOrphans(ctx)
	if err != nil {
		log.Print(err)
	}
	log.Printf("removed %d orphaned sessions, killed %d processes", res.Sessions, res.Processes)
}
