package jobs_test

import (
	"context"
	"log"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/argusqa/argus/browser/local"
	"github.com/argusqa/argus/integrations/storage"
	"github.com/argusqa/argus/jobs"
	"github.com/argusqa/argus/store"
)

// A worker process works agents until it is told to stop; the server
// enqueues them with the same package, in the run's own transaction.
func Example() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, "postgres://argus@127.0.0.1/argus")
	if err != nil {
		log.Fatal(err)
	}
	st, err := store.New(ctx, pool, store.Config{})
	if err != nil {
		log.Fatal(err)
	}
	blobs, err := storage.NewLocal("data/blobs")
	if err != nil {
		log.Fatal(err)
	}
	browsers, err := local.New(local.Config{})
	if err != nil {
		log.Fatal(err)
	}
	j, err := jobs.New(jobs.Config{Pool: pool, Store: st, Blobs: blobs, Browser: browsers})
	if err != nil {
		log.Fatal(err)
	}
	if err := j.Start(ctx); err != nil {
		log.Fatal(err)
	}

	// The server's side: one job per agent, committed with the run.
	var tenant, project, test uuid.UUID
	_, _, _, err = st.CreateRun(ctx, tenant, store.RunInput{ProjectID: project, TestIDs: []uuid.UUID{test}}, j.Enqueue)
	if err != nil {
		log.Print(err)
	}

	// On SIGTERM: hand the running agents back to the queue.
	stopCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := j.Stop(stopCtx); err != nil {
		log.Print(err)
	}
}
